import { usedParams } from '../columns.ts';
import { ATTRIBUTES, KEYS, PURCHASE_ACTIVITIES as PURCHASE, QUANTITY_ATTRIBUTES as QUANTITY } from '../vocabulary.ts';
import { Needs, type Source, notComputable, one, rows } from './context.ts';
import type { PurchaseLineTotals, PurchaseLineVariance, Reconciliation, ReconciliationOptions } from './index.ts';

export async function purchaseLines(source: Source, o: NonNullable<ReconciliationOptions['purchaseLines']>, limit: number): Promise<Reconciliation['purchaseLines']> {
  const needs = new Needs(source);
  const line = needs.keySource(o.lineKeys ?? [...KEYS.purchaseLine], 'po_line_key', 'PO lines');
  const receiptActs = needs.activities(o.receiptActivities ?? [PURCHASE.goodsReceived]);
  const invoiceActs = needs.activities(o.invoiceActivities ?? [PURCHASE.invoiceMatched, PURCHASE.invoiceMismatched]);
  const mismatchActs = needs.activities(o.mismatchActivities ?? [PURCHASE.invoiceMismatched], true);
  const ordered = needs.number(o.orderedAttribute ?? QUANTITY.ordered);
  const received = needs.number(o.receivedAttribute ?? QUANTITY.received);
  const invoiced = needs.number(o.invoicedAttribute ?? QUANTITY.invoiced);
  const sku = needs.optionalText(o.skuAttribute ?? ATTRIBUTES.sku);
  if (needs.missing.length > 0) return notComputable(needs, { lineType: null, bySku: [], trend: [] });
  const params = { ...source.params, ...needs.params, limit };
  const columns = `${ordered} AS ordered, ${received} AS received, ${invoiced} AS invoiced, ${sku} AS sku`;
  const base = `
    WITH ev AS (${
      line.keyedEvents !== undefined && line.names !== undefined && source.linked
        ? // A case notion of the linked log: its own events, named by their case, without the linked log's events.
          `SELECT n.name AS key, k.event_no, k.activity, k.ts, ${columns} FROM ${line.keyedEvents} k JOIN ${line.names} n ON n.key = k.key
           LEFT JOIN ${needs.attributes} ON a.waybill_event_no = k.event_no`
        : needs.events(columns, line.relation)
    }),
         lines AS (SELECT ev.key AS line, any_value(ev.sku) FILTER (WHERE ev.sku IS NOT NULL) AS sku, max(ev.ordered) AS ordered,
                          count(*) FILTER (WHERE ev.activity IN (${receiptActs})) > 0 AS is_received,
                          coalesce(sum(ev.received) FILTER (WHERE ev.activity IN (${receiptActs})), 0) AS received,
                          count(*) FILTER (WHERE ev.activity IN (${invoiceActs})) > 0 AS is_invoiced,
                          coalesce(sum(ev.invoiced) FILTER (WHERE ev.activity IN (${invoiceActs})), 0) AS invoiced,
                          max(ev.ts) FILTER (WHERE ev.activity IN (${invoiceActs})) AS invoiced_at,
                          coalesce(bool_or(ev.activity IN (${mismatchActs})), false) AS flagged
                   FROM ev GROUP BY ev.key),
         facts AS (SELECT *, is_invoiced AND invoiced <> received AS mismatched,
                          CASE WHEN is_received THEN received - ordered END AS receipt_variance, invoiced - received AS invoice_variance FROM lines)`;
  const materialize = `CREATE OR REPLACE TEMP TABLE rec_po_facts AS ${base} SELECT * FROM facts`;
  await source.connection.run(materialize, usedParams(materialize, params));
  const totals = (await one<PurchaseLineTotals>(
    source.connection,
    `SELECT count(*)::BIGINT AS lines, coalesce(sum(ordered), 0)::DOUBLE AS ordered, coalesce(sum(received), 0)::DOUBLE AS received,
                    coalesce(sum(invoiced), 0)::DOUBLE AS invoiced, count(*) FILTER (WHERE is_received)::BIGINT AS "receivedLines",
                    count(*) FILTER (WHERE is_invoiced)::BIGINT AS "invoicedLines", count(*) FILTER (WHERE receipt_variance <> 0)::BIGINT AS "receiptVarianceLines",
                    count(*) FILTER (WHERE mismatched)::BIGINT AS "mismatchedLines", count(*) FILTER (WHERE flagged)::BIGINT AS "flaggedLines",
                    count(*) FILTER (WHERE flagged <> mismatched)::BIGINT AS "unexplainedLines"
             FROM rec_po_facts`,
    params,
  ))!;
  const bySku = await rows<Reconciliation['purchaseLines']['bySku'][number]>(
    source.connection,
    `SELECT coalesce(sku, '') AS sku, count(*)::BIGINT AS lines, count(*) FILTER (WHERE is_invoiced)::BIGINT AS "invoicedLines",
                    count(*) FILTER (WHERE mismatched)::BIGINT AS "mismatchedLines", count(*) FILTER (WHERE receipt_variance < 0)::BIGINT AS "receivedShortLines"
             FROM rec_po_facts GROUP BY 1 HAVING count(*) FILTER (WHERE mismatched) > 0 ORDER BY "mismatchedLines" DESC, sku LIMIT $limit`,
    params,
  );
  const trend = await rows<Reconciliation['purchaseLines']['trend'][number]>(
    source.connection,
    `SELECT strftime(date_trunc('week', timezone('UTC', invoiced_at)), '%Y-%m-%d') AS week, count(*)::BIGINT AS "invoicedLines",
                    count(*) FILTER (WHERE mismatched)::BIGINT AS "mismatchedLines", coalesce(sum(invoice_variance), 0)::DOUBLE AS "invoiceVarianceUnits"
             FROM rec_po_facts WHERE is_invoiced GROUP BY 1 ORDER BY 1`,
    params,
  );
  const variances = await rows<PurchaseLineVariance>(
    source.connection,
    `SELECT line, sku, ordered, received, invoiced, receipt_variance AS "receiptVariance", invoice_variance AS "invoiceVariance", flagged
             FROM rec_po_facts WHERE mismatched OR flagged ORDER BY abs(invoice_variance) DESC, line LIMIT $limit`,
    params,
  );
  return { computable: true, reason: null, totals, variances, lineType: line.objectType ?? null, bySku, trend };
}
