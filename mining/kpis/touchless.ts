import { type Params, type Store, queryRow, queryRows } from '../../store/db.ts';
import { runAnalysis } from '../analysis.ts';
import { usedParams } from '../columns.ts';
import type { Filter } from '../filter/index.ts';
import { type Context, type KpiHead, Needs, activityIn, computed, kpiContext, list, notComputable, ratio, activityIs } from './context.ts';
import { KPI_DEFAULTS } from './fields.ts';
import { DEFAULT_EXCEPTION_ACTIVITIES, DEFAULT_MANUAL_RESOURCE_PREFIXES, type Kpi, type KpiOptions } from './index.ts';

/**
 * Touchless order rate: of the completed orders (those with `completedActivity`,
 * default Payment Received), the share with no exception activity and no event
 * by a manual resource (a resource whose name starts with one of the prefixes).
 */
export async function touchlessRate(context: Context): Promise<Kpi> {
  const { head, needs, cases } = touchlessCases(context);
  if (cases === undefined) return notComputable(head, needs);
  const row = (await queryRow<{ completed: number; touchless: number }>(
    context.connection,
    `SELECT count(*)::BIGINT AS completed, count(*) FILTER (WHERE NOT touched)::BIGINT AS touchless FROM (${cases.sql})`,
    cases.params,
  ))!;
  return computed(head, ratio(row.touchless, row.completed), row, 'no completed orders');
}

/** The completed orders as SQL `(case_id, touched)`, touched meaning not touchless; undefined when not computable. */
export function touchlessCases(context: Context): { head: KpiHead; needs: Needs; cases?: { sql: string; params: Params } } {
  const completed = context.options.touchless?.completedActivity ?? KPI_DEFAULTS.touchless.completedActivity;
  const exceptions = context.options.exceptionActivities ?? [...DEFAULT_EXCEPTION_ACTIVITIES];
  const prefixes = context.options.manualResourcePrefixes ?? [...DEFAULT_MANUAL_RESOURCE_PREFIXES];
  const head: KpiHead = {
    id: 'touchless_order_rate',
    name: 'Touchless order rate',
    unit: 'ratio',
    definition: `completed orders (with ${JSON.stringify(completed)}) with no exception activity (${list(exceptions)}) and no event by a manual resource (name starting with ${list(prefixes)}), over completed orders`,
  };
  const needs = new Needs(context).orders();
  const done = needs.activity(completed);
  const exceptionIds = needs.optionalActivities(exceptions);
  if (prefixes.length > 0) needs.resources();
  if (!needs.ok) return { head, needs };
  const params: Params = {};
  prefixes.forEach((prefix, i) => (params[`manual_${i}`] = prefix));
  const manual = prefixes.length === 0 ? 'false' : prefixes.map((_, i) => `starts_with(e.resource, $manual_${i})`).join(' OR ');
  const sql = `SELECT e.case_id, bool_or(${activityIn(context, 'e.activity_id', exceptionIds)} OR coalesce(${manual}, false)) AS touched
       FROM cases c JOIN events e ON e.log_id = $log AND e.case_id = c.case_id
       WHERE ${context.orderWhere} AND c.variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND ${activityIs(context, 'activity_id', done)})
       GROUP BY e.case_id`;
  return { head, needs, cases: { sql, params: usedParams(sql, { ...context.scope.params, ...context.bound, ...params }) } };
}

/** The touchless orders themselves, by case name (sorted), behind the touchless order rate. */
export interface TouchlessOrders {
  log: string;
  computable: boolean;
  reason: string | null;
  definition: string;
  completed: number;
  touchless: string[];
}

/** Lists the touchless orders of a log (see the touchless order rate), for drilling into the KPI. */
export async function getTouchlessOrders(store: Store, log: string, filter: Filter = {}, options: KpiOptions = {}): Promise<TouchlessOrders> {
  return runAnalysis(store, log, filter, async (scope) => {
    const { head, needs, cases } = touchlessCases(await kpiContext(scope, options));
    if (cases === undefined) return { log, computable: false, reason: needs.reason, definition: head.definition, completed: 0, touchless: [] };
    const rows = await queryRows<{ name: string; touched: boolean }>(
      scope.connection,
      `SELECT c.name, t.touched FROM (${cases.sql}) t JOIN cases c ON c.log_id = $log AND c.case_id = t.case_id ORDER BY c.name`,
      cases.params,
    );
    return { log, computable: true, reason: null, definition: head.definition, completed: rows.length, touchless: rows.filter((r) => !r.touched).map((r) => r.name) };
  });
}
