import { type Context, type KpiHead, Needs, activityIs, computed, kpiRow, notComputable } from './context.ts';
import { KPI_DEFAULTS } from './fields.ts';
import type { Kpi } from './index.ts';

/**
 * Order cycle time: per order with both, the time from its first `start` event
 * to the first `end` event after it (default Order Captured → Payment Received),
 * in seconds; the value is the median over those orders. Orders without an `end`
 * (still open) are left out.
 */
export async function orderCycleTime(context: Context): Promise<Kpi> {
  const start = context.options.cycleTime?.start ?? KPI_DEFAULTS.cycleTime.start;
  const end = context.options.cycleTime?.end ?? KPI_DEFAULTS.cycleTime.end;
  const head: KpiHead = {
    id: 'order_cycle_time',
    name: 'Order cycle time',
    unit: 'seconds',
    definition: `median over orders of the time from the first ${JSON.stringify(start)} to the first ${JSON.stringify(end)} after it; orders without ${JSON.stringify(end)} are left out`,
  };
  const needs = new Needs(context).orders();
  const a = needs.activity(start);
  const b = needs.activity(end);
  if (!needs.ok) return notComputable(head, needs);
  const row = (await kpiRow<{ orders: number; median: number | null; mean: number | null; p90: number | null }>(
    context,
    `WITH s AS (SELECT e.case_id, min(e.position) AS position, min(e.ts) AS ts FROM events e
                WHERE e.log_id = $log AND ${activityIs(context, 'e.activity_id', a)} ${context.allOrders ? '' : `AND e.case_id IN (SELECT c.case_id FROM cases c WHERE ${context.orderWhere})`} GROUP BY e.case_id),
          t AS (SELECT e.case_id, e.position, e.ts FROM events e WHERE e.log_id = $log AND ${activityIs(context, 'e.activity_id', b)}),
          d AS (SELECT s.case_id, (epoch_ms(min(t.ts)) - epoch_ms(any_value(s.ts))) / 1000 AS seconds
                FROM s JOIN t ON t.case_id = s.case_id AND t.position > s.position GROUP BY s.case_id)
     SELECT count(*)::BIGINT AS orders, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90 FROM d`,
  ))!;
  return computed(head, row.median, row, `no order reaches ${JSON.stringify(end)}`);
}
