import { type Context, type KpiHead, Needs, activityIn, computed, kpiRow, kpiRows, list, notComputable, ratio } from './context.ts';
import { DEFAULT_EXCEPTION_ACTIVITIES, type Kpi } from './index.ts';

/**
 * Exception rate: the share of orders with at least one exception activity; by
 * type, the share of orders with that activity (an order may count under several).
 */
export async function exceptionRate(context: Context): Promise<Kpi> {
  const exceptions = context.options.exceptionActivities ?? [...DEFAULT_EXCEPTION_ACTIVITIES];
  const head: KpiHead = { id: 'exception_rate', name: 'Exception rate', unit: 'ratio', definition: `orders with at least one exception activity (${list(exceptions)}), over orders` };
  const needs = new Needs(context).orders();
  const exceptionIds = needs.someActivities(exceptions, 'exception activities');
  if (!needs.ok) return notComputable(head, needs);
  const vc = `WITH vc AS (SELECT variant_id, count(*)::BIGINT AS n FROM cases c WHERE ${context.orderWhere} GROUP BY variant_id)`;
  const row = (await kpiRow<{ orders: number; exceptional: number }>(
    context,
    `${vc} SELECT coalesce(sum(n), 0)::BIGINT AS orders,
              coalesce(sum(n) FILTER (WHERE variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND ${activityIn(context, 'activity_id', exceptionIds)})), 0)::BIGINT AS exceptional
       FROM vc`,
  ))!;
  const perType = await kpiRows<{ activity: number; orders: number }>(
    context,
    `${vc} SELECT va.activity_id AS activity, sum(vc.n)::BIGINT AS orders FROM vc JOIN variant_activities va ON va.log_id = $log AND va.variant_id = vc.variant_id
       WHERE ${activityIn(context, 'va.activity_id', exceptionIds)} GROUP BY 1`,
  );
  const byId = new Map(perType.map((r) => [r.activity, r.orders]));
  const byType = exceptions.map((type) => {
    const orders = byId.get(context.activityIds.get(type) ?? -1) ?? 0;
    return { type, orders, rate: ratio(orders, row.orders) };
  });
  return { ...computed(head, ratio(row.exceptional, row.orders), row, 'no orders'), byType };
}
