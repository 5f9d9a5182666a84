import { usedParams } from '../columns.ts';
import { KEYS, ORDER_ACTIVITIES as ORDER, QUANTITY_ATTRIBUTES as QUANTITY } from '../vocabulary.ts';
import { Needs, type Source, notComputable, one, rows } from './context.ts';
import type { OrderLineTotals, OrderLineVariance, Reconciliation, ReconciliationOptions, ShipmentTotals } from './index.ts';

export async function orderLines(source: Source, o: NonNullable<ReconciliationOptions['orderLines']>, limit: number): Promise<Reconciliation['orderLines']> {
  const needs = new Needs(source);
  const line = needs.keySource(o.lineKeys ?? [...KEYS.orderLine], 'line_key', 'order lines');
  const shipment = needs.keySource(o.shipmentKeys ?? [...KEYS.shipment], 'shipment_key', 'shipments');
  const shippedActs = needs.activities(o.shippedActivities ?? [ORDER.shipped]);
  const invoiceActs = needs.activities(o.invoiceActivities ?? ['Invoiced']);
  const creditActs = needs.activities(o.creditActivities ?? [ORDER.creditMemo], true);
  const ordered = needs.number(o.orderedAttribute ?? QUANTITY.ordered);
  const shipped = needs.number(o.shippedAttribute ?? QUANTITY.shipped);
  const invoiced = needs.number(o.invoicedAttribute ?? QUANTITY.invoiced);
  if (needs.missing.length > 0) return notComputable(needs, { shipments: null, lineType: null });
  const params = { ...source.params, ...needs.params, limit };
  const run = (sql: string) => source.connection.run(sql, usedParams(sql, params));
  // Each step once, into temp tables of this connection (closed with it): the totals and the list then read small tables.
  // Events, attribute rows and object links are each read filtered on their own, then joined; objects are
  // matched by their id (a case notion's integer case id), named only for the lines listed.
  const quantities = `${ordered} AS ordered, ${shipped} AS shipped, ${invoiced} AS invoiced`;
  // Each event's kind, judged once (true, or false/NULL: neither counts in a FILTER).
  const kinds = (activity: string) => `${activity} IN (${shippedActs}) AS is_shipped, ${activity} IN (${creditActs}) AS is_credit`;
  await run(
    line.column !== undefined
      ? // An attribute key: its non-null rows first, then their events.
        `CREATE OR REPLACE TEMP TABLE rec_line_events AS SELECT key AS line, ${kinds('activity')}, ordered, shipped, invoiced, event_no FROM (${needs.events(quantities, line.idRelation)}
         WHERE ev.activity IN (${shippedActs}, ${creditActs}) OR ${ordered} IS NOT NULL)`
      : line.keyedEvents !== undefined && source.linked
        ? // A case notion of the linked log: its own events already carry the line (as case) and the activity.
          `CREATE OR REPLACE TEMP TABLE rec_line_events AS
           WITH qa AS (SELECT a.waybill_event_no AS event_no, ${quantities} FROM ${needs.attributes}
                       WHERE ${ordered} IS NOT NULL OR ${shipped} IS NOT NULL OR ${invoiced} IS NOT NULL)
           SELECT k.key AS line, ${kinds('k.activity')}, qa.ordered, qa.shipped, qa.invoiced, k.event_no FROM ${line.keyedEvents} k LEFT JOIN qa USING (event_no)
           WHERE k.activity IN (${shippedActs}, ${creditActs}) OR qa.ordered IS NOT NULL`
        : // Objects: the events with their quantity rows (narrowed first), then their objects by id.
          `CREATE OR REPLACE TEMP TABLE rec_line_events AS
           WITH qa AS (SELECT a.waybill_event_no AS event_no, ${quantities} FROM ${needs.attributes}
                       WHERE ${ordered} IS NOT NULL OR ${shipped} IS NOT NULL OR ${invoiced} IS NOT NULL),
                le AS (SELECT ev.event_no, ev.activity, qa.ordered, qa.shipped, qa.invoiced FROM ${source.events} ev LEFT JOIN qa USING (event_no)
                       WHERE ev.activity IN (${shippedActs}, ${creditActs}) OR qa.ordered IS NOT NULL)
           SELECT k.key AS line, ${kinds('le.activity')}, le.ordered, le.shipped, le.invoiced, le.event_no FROM le JOIN ${line.idRelation} k ON k.event_no = le.event_no`,
  );
  await run(`CREATE OR REPLACE TEMP TABLE rec_line_shipments AS
             WITH le AS (SELECT line, shipped, event_no FROM rec_line_events WHERE is_shipped)
             SELECT le.line, s.key AS shipment, sum(le.shipped) AS shipped FROM le JOIN ${shipment.idRelation} s ON s.event_no = le.event_no GROUP BY ALL`);
  await run(`CREATE OR REPLACE TEMP TABLE rec_shipments AS
             WITH inv AS (${
               shipment.keyedEvents !== undefined && source.linked
                 ? `SELECT k.event_no FROM ${shipment.keyedEvents} k WHERE k.activity IN (${invoiceActs})`
                 : `SELECT ev.event_no FROM ${source.events} ev WHERE ev.activity IN (${invoiceActs})`
             }),
                  qa AS (SELECT a.waybill_event_no AS event_no, ${invoiced} AS invoiced FROM ${needs.attributes} WHERE a.waybill_event_no IN (SELECT event_no FROM inv)),
                  si AS (SELECT s.key AS shipment, sum(qa.invoiced) AS invoiced FROM inv LEFT JOIN qa USING (event_no) JOIN ${shipment.idRelation} s ON s.event_no = inv.event_no GROUP BY ALL)
             SELECT shipment, sh.shipped, si.invoiced FROM (SELECT shipment, sum(shipped) AS shipped FROM rec_line_shipments GROUP BY ALL) sh
             FULL JOIN si USING (shipment)`);
  await run(`CREATE OR REPLACE TEMP TABLE rec_line_facts AS
             WITH line_invoiced AS (SELECT ls.line, sum(ls.shipped * sh.invoiced / nullif(sh.shipped, 0)) AS invoiced
                                    FROM rec_line_shipments ls JOIN rec_shipments sh USING (shipment) WHERE sh.invoiced IS NOT NULL GROUP BY ls.line),
                  lines AS (SELECT line, max(ordered) AS ordered, coalesce(sum(shipped) FILTER (WHERE is_shipped), 0) AS shipped,
                                   coalesce(sum(invoiced) FILTER (WHERE is_credit), 0) AS credited
                            FROM rec_line_events GROUP BY line HAVING max(ordered) IS NOT NULL)
             SELECT l.line, l.ordered, l.shipped, coalesce(i.invoiced, 0) AS invoiced, l.credited,
                    l.shipped - l.ordered AS ship_variance, coalesce(i.invoiced, 0) - l.shipped AS invoice_variance
             FROM lines l LEFT JOIN line_invoiced i USING (line)`);
  const totals = (await one<OrderLineTotals>(
    source.connection,
    `SELECT count(*)::BIGINT AS lines, coalesce(sum(ordered), 0)::DOUBLE AS ordered, coalesce(sum(shipped), 0)::DOUBLE AS shipped,
            coalesce(sum(invoiced), 0)::DOUBLE AS invoiced, coalesce(sum(credited), 0)::DOUBLE AS credited,
            count(*) FILTER (WHERE ship_variance < 0)::BIGINT AS "shortShippedLines", count(*) FILTER (WHERE ship_variance > 0)::BIGINT AS "overShippedLines",
            count(*) FILTER (WHERE invoice_variance < 0)::BIGINT AS "underInvoicedLines", count(*) FILTER (WHERE invoice_variance > 0)::BIGINT AS "overInvoicedLines",
            count(*) FILTER (WHERE ship_variance <> 0 OR invoice_variance <> 0)::BIGINT AS "varianceLines"
     FROM rec_line_facts`,
    params,
  ))!;
  const shipments = (await one<ShipmentTotals>(
    source.connection,
    `SELECT count(*)::BIGINT AS shipments, coalesce(sum(shipped), 0)::DOUBLE AS shipped, coalesce(sum(invoiced), 0)::DOUBLE AS invoiced,
            count(*) FILTER (WHERE invoiced IS NULL)::BIGINT AS uninvoiced,
            count(*) FILTER (WHERE invoiced IS NOT NULL AND invoiced IS DISTINCT FROM shipped)::BIGINT AS mismatched
     FROM rec_shipments`,
    params,
  ))!;
  const variances = await rows<OrderLineVariance>(
    source.connection,
    `WITH v AS (SELECT ${line.names === undefined ? 'f.line' : 'n.name'} AS line, f.ordered, f.shipped, f.invoiced, f.credited, f.ship_variance, f.invoice_variance
                FROM rec_line_facts f ${line.names === undefined ? '' : `JOIN ${line.names} n ON n.key = f.line`} WHERE f.ship_variance <> 0 OR f.invoice_variance <> 0)
     SELECT line, ordered, shipped, invoiced, credited, ship_variance AS "shipVariance", invoice_variance AS "invoiceVariance" FROM v
     ORDER BY abs(ship_variance) + abs(invoice_variance) DESC, line LIMIT $limit`,
    params,
  );
  return { computable: true, reason: null, totals, variances, shipments, lineType: line.objectType ?? null };
}
