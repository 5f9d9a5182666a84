import type { Params } from '../../store/db.ts';
import { quoteIdent } from '../../store/sql.ts';
import { type Context, DAY_MS, DEFAULT_HORIZON_DAYS, Needs, type Outcomes, activityIn, keyed, list, quantityCtes, kpiRow, activityIs } from './context.ts';
import { KPI_DEFAULTS } from './fields.ts';
import { DEFAULT_EXCEPTION_ACTIVITIES } from './index.ts';

/** The last event's date, plus one day, minus `days`: the default judging date. */
export function judgingDate(lastTimestamp: string | null, days: number): string | null {
  if (lastTimestamp === null) return null;
  const day = Math.floor(Date.parse(lastTimestamp) / DAY_MS) * DAY_MS;
  return new Date(day + DAY_MS - days * DAY_MS).toISOString().slice(0, 10);
}

/** What OTIF and the perfect order need, and their counts over the judged orders (one query for both). */
export function orderOutcomes(context: Context): Promise<Outcomes> {
  return (context.outcomes ??= computeOutcomes(context));
}

export async function computeOutcomes(context: Context): Promise<Outcomes> {
  const needs = new Needs(context);
  const o = context.options.otif ?? {};
  const p = context.options.perfectOrder ?? {};
  const promisedName = o.promisedAttribute ?? KPI_DEFAULTS.otif.promisedAttribute;
  const horizon = o.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const judgedBy = o.judgedPromisedBy ?? judgingDate(context.scope.log.lastTimestamp, horizon);
  const delivered = o.deliveredActivity ?? KPI_DEFAULTS.otif.deliveredActivity;
  const orderedName = o.orderedAttribute ?? KPI_DEFAULTS.otif.orderedAttribute;
  const shippedName = o.shippedAttribute ?? KPI_DEFAULTS.otif.shippedAttribute;
  const failureNames = p.failureActivities ?? KPI_DEFAULTS.perfectOrder.failureActivities;
  const invoiceNames = p.invoiceActivities ?? KPI_DEFAULTS.perfectOrder.invoiceActivities;
  const invoicedName = p.invoicedAttribute ?? KPI_DEFAULTS.perfectOrder.invoicedAttribute;
  const returnNames = p.returnActivities ?? KPI_DEFAULTS.perfectOrder.returnActivities;
  const returnOrder = p.returnOrderAttribute ?? KPI_DEFAULTS.perfectOrder.returnOrderAttribute;
  const exceptions = context.options.exceptionActivities ?? [...DEFAULT_EXCEPTION_ACTIVITIES];

  needs.orders();
  const deliveredId = needs.activity(delivered);
  const promisedType = context.tables.attributes.get(promisedName);
  if (promisedType === undefined) needs.missing.push(`attribute ${JSON.stringify(promisedName)}`);
  const ordered = needs.number(orderedName);
  const shipped = needs.number(shippedName);
  const line = needs.key(o.lineKeys ?? KPI_DEFAULTS.otif.lineKeys, 'line_key', 'order lines');
  const shipment = needs.key(o.shipmentKeys ?? KPI_DEFAULTS.otif.shipmentKeys, 'shipment_key', 'shipments');
  // The perfect order's needs are checked apart: OTIF does not need invoices.
  const perfectNeeds = new Needs(context);
  const invoiceIds = perfectNeeds.someActivities(invoiceNames, 'invoice activities');
  const invoiced = perfectNeeds.number(invoicedName);
  const failureIds = needs.optionalActivities(failureNames);
  const returnIds = needs.optionalActivities(returnNames);
  const exceptionIds = needs.optionalActivities(exceptions);
  const returnColumn = context.tables.attributes.has(returnOrder) ? quoteIdent(returnOrder) : undefined;

  const definitions = {
    judged: `orders whose latest ${JSON.stringify(promisedName)} is on or before ${judgedBy ?? '(no events)'}`,
    otif: `each order line (${line.label || 'by line key'}) has total ${JSON.stringify(shippedName)} equal to its ${JSON.stringify(orderedName)}, and every shipment (${shipment.label || 'by shipment key'}) of the order has a ${JSON.stringify(delivered)} before the end of the promised date (midnight UTC after it)`,
    perfect: `OTIF, no exception activity (${list(exceptions)}), no ${list(failureNames)} on its shipments, total ${JSON.stringify(invoicedName)} on ${list(invoiceNames)} equal to total ${JSON.stringify(shippedName)}, and no return (${list(returnNames)} in the order, or in a case whose ${JSON.stringify(returnOrder)} names it)`,
  };
  if (judgedBy === null) needs.missing.push('events (the log is empty)');
  const perfectMissing = perfectNeeds.missing;
  if (!needs.ok || judgedBy === null) return { missing: needs.missing, perfectMissing, definitions, facts: undefined };

  // The promised date as a day number (days since 1970-01-01, UTC), read once per order from its latest value
  // (the day is monotone in the instant): integer arithmetic, where timezone() on each order cost a tenth of the query.
  const promisedColumn = `a.${quoteIdent(promisedName)}`;
  const { promised, latestPromisedDay } =
    promisedType === 'DATE'
      ? { promised: promisedColumn, latestPromisedDay: `(max(promised) - DATE '1970-01-01')` }
      : /^TIMESTAMP/.test(promisedType!)
        ? { promised: promisedColumn, latestPromisedDay: `floor(epoch_ms(max(promised)) / ${DAY_MS})::BIGINT` }
        : { promised: `TRY_CAST(left(CAST(${promisedColumn} AS VARCHAR), 10) AS DATE)`, latestPromisedDay: `(max(promised) - DATE '1970-01-01')` };
  const returnsElsewhere =
    returnColumn === undefined || returnIds.length === 0
      ? 'SELECT NULL::VARCHAR AS name WHERE false'
      : `SELECT DISTINCT CAST(a.${returnColumn} AS VARCHAR) AS name FROM (SELECT event_no FROM events WHERE log_id = $log AND ${activityIn(context, 'activity_id', returnIds)}) e
         JOIN ${context.attributes} a ON a.waybill_event_no = e.event_no`;
  const variantsWith = (ids: number[]) => `c.variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND ${activityIn(context, 'activity_id', ids)})`;
  const lineKey = keyed(line, 'j');
  // Lines and shipments are aggregated for every order, not only the judged ones: the joins to the judged
  // orders below drop the rest, and restricting before aggregating cost more than it saved.
  const outcomes = `WITH ${quantityCtes(context, { promised, ordered, shipped, invoiced }, line)},
          j AS (SELECT ev.case_id, ev.event_no, ev.activity_id, qa.* EXCLUDE (event_no) FROM ev JOIN qa USING (event_no)),
          judged AS (SELECT case_id, ${latestPromisedDay} AS promised_day, coalesce(sum(shipped), 0) AS shipped,
                            coalesce(sum(invoiced) FILTER (WHERE ${activityIn(context, 'activity_id', invoiceIds)}), 0) AS invoiced
                     FROM j GROUP BY case_id HAVING promised_day <= $judged_by::DATE - DATE '1970-01-01'),
          judged_cases AS (SELECT j.*, c.name, ${variantsWith(exceptionIds)} AS exception, ${variantsWith(returnIds)} AS returned
                           FROM judged j JOIN (SELECT case_id, name, variant_id FROM cases WHERE log_id = $log) c USING (case_id)),
          lines AS (SELECT j.case_id, ${lineKey.key} AS key, max(j.ordered) AS ordered, coalesce(sum(j.shipped), 0) AS shipped
                    FROM ${lineKey.from}
                    WHERE (j.ordered IS NOT NULL OR j.shipped IS NOT NULL) AND ${lineKey.key} IS NOT NULL GROUP BY ALL HAVING max(j.ordered) IS NOT NULL),
          in_full AS (SELECT case_id, bool_and(shipped = ordered) AS in_full FROM lines GROUP BY case_id),
          ships AS (SELECT ev.case_id, k.key, min(ev.ts) FILTER (WHERE ${activityIs(context, 'ev.activity_id', deliveredId)}) AS delivered, bool_or(${activityIn(context, 'ev.activity_id', failureIds)}) AS failed
                    FROM ev JOIN ${shipment.idRelation} k ON k.event_no = ev.event_no GROUP BY ALL),
          ship_facts AS (SELECT s.case_id, bool_or(s.delivered IS NULL OR epoch_ms(s.delivered) >= (j.promised_day + 1) * ${DAY_MS}) AS late, bool_or(s.failed) AS failed
                         FROM ships s JOIN judged j USING (case_id) GROUP BY s.case_id),
          returned_elsewhere AS (${returnsElsewhere}),
          outcome AS (SELECT j.case_id, coalesce(f.in_full, false) AND NOT coalesce(s.late, false) AS otif,
                             j.exception, coalesce(s.failed, false) AS failed, j.invoiced = j.shipped AS invoiced_in_full,
                             j.returned OR j.name IN (SELECT name FROM returned_elsewhere) AS returned
                      FROM judged_cases j LEFT JOIN in_full f USING (case_id) LEFT JOIN ship_facts s USING (case_id))`;
  const perfect = perfectMissing.length > 0 ? 'false' : 'otif AND NOT exception AND NOT failed AND invoiced_in_full AND NOT returned';
  const extra: Params = { ...line.params, ...shipment.params, judged_by: judgedBy };
  const facts = (await kpiRow<{ judged: number; otif: number; perfect: number }>(
    context,
    `${outcomes}
     SELECT count(*)::BIGINT AS judged, count(*) FILTER (WHERE otif)::BIGINT AS otif, count(*) FILTER (WHERE ${perfect})::BIGINT AS perfect FROM outcome`,
    extra,
  ))!;
  // Each judged order with its outcomes: the cases OTIF and the perfect order count, or not.
  const cases = { sql: `${outcomes} SELECT case_id, otif, ${perfect} AS perfect FROM outcome`, params: extra };
  return { missing: [], perfectMissing, definitions, facts: { ...facts, judgedPromisedBy: judgedBy }, cases };
}
