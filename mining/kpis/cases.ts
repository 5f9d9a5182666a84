import { type Params, queryRow } from '../../store/db.ts';
import type { AnalysisScope } from '../analysis.ts';
import { idList, usedParams } from '../columns.ts';
import { FilterError } from '../errors.ts';
import { type Context, activityIn, activityIs, kpiContext } from './context.ts';
import { isKpiWithCases, KPI_DEFAULTS, KPIS_WITH_CASES, type KpiWithCases } from './fields.ts';
import { DEFAULT_EXCEPTION_ACTIVITIES } from './index.ts';
import { orderOutcomes } from './outcomes.ts';
import { touchlessCases } from './touchless.ts';


/** SQL of `(case_id, counted)` over the cases a KPI considers, with its parameters; a FilterError when the log cannot take the KPI. */
async function kpiCaseSql(context: Context, id: KpiWithCases): Promise<{ sql: string; params: Params }> {
  const ids = (names: readonly string[]) => names.flatMap((name) => (context.activityIds.has(name) ? [context.activityIds.get(name)!] : []));
  const lacking = (what: string) => new FilterError(`${id.replaceAll('_', ' ')} cannot list its cases on this log: it lacks ${what}`);
  if (context.orderMissing !== undefined && id !== 'credit_turnaround') throw lacking(context.orderMissing);
  switch (id) {
    case 'exception_rate': {
      const exceptions = ids(context.options.exceptionActivities ?? [...DEFAULT_EXCEPTION_ACTIVITIES]);
      if (exceptions.length === 0) throw lacking('every exception activity');
      const sql = `SELECT c.case_id, c.variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND ${activityIn(context, 'activity_id', exceptions)}) AS counted
                   FROM cases c WHERE ${context.orderWhere}`;
      return { sql, params: {} };
    }
    case 'order_cycle_time': {
      const [start] = ids([context.options.cycleTime?.start ?? KPI_DEFAULTS.cycleTime.start]);
      const [end] = ids([context.options.cycleTime?.end ?? KPI_DEFAULTS.cycleTime.end]);
      if (start === undefined || end === undefined) throw lacking('its start or end activity');
      // Measured: an order whose first start has an end after it, as the KPI measures.
      const sql = `WITH s AS (SELECT e.case_id, min(e.position) AS position FROM events e WHERE e.log_id = $log AND ${activityIs(context, 'e.activity_id', start)} GROUP BY e.case_id),
                        t AS (SELECT e.case_id, max(e.position) AS position FROM events e WHERE e.log_id = $log AND ${activityIs(context, 'e.activity_id', end)} GROUP BY e.case_id)
                   SELECT c.case_id, coalesce(t.position > s.position, false) AS counted
                   FROM cases c LEFT JOIN s USING (case_id) LEFT JOIN t USING (case_id) WHERE ${context.orderWhere}`;
      return { sql, params: {} };
    }
    case 'touchless_order_rate': {
      const { cases, needs } = touchlessCases(context);
      if (cases === undefined) throw lacking(needs.missing.join(', '));
      return { sql: `SELECT case_id, NOT touched AS counted FROM (${cases.sql})`, params: cases.params };
    }
    case 'credit_turnaround': {
      const [from] = ids([context.options.creditTurnaround?.from ?? KPI_DEFAULTS.creditTurnaround.from]);
      const [to] = ids([context.options.creditTurnaround?.to ?? KPI_DEFAULTS.creditTurnaround.to]);
      if (from === undefined || to === undefined) throw lacking('its hold or release activity');
      // The cases with a hold; counted, those with a release after a hold (a turnaround the KPI measures).
      const sql = `SELECT e.case_id, coalesce(max(e.position) FILTER (WHERE e.activity_id = $cases_to) > min(e.position) FILTER (WHERE e.activity_id = $cases_from), false) AS counted
                   FROM events e WHERE e.log_id = $log AND e.activity_id IN ($cases_from, $cases_to)
                   GROUP BY e.case_id HAVING count(*) FILTER (WHERE e.activity_id = $cases_from) > 0`;
      return { sql, params: { cases_from: from, cases_to: to } };
    }
    case 'otif':
    case 'perfect_order_rate': {
      const outcomes = await orderOutcomes(context);
      const missing = id === 'otif' ? outcomes.missing : [...outcomes.missing, ...outcomes.perfectMissing];
      if (outcomes.cases === undefined || missing.length > 0) throw lacking(missing.join(', ') || 'events');
      return { sql: `SELECT case_id, ${id === 'otif' ? 'otif' : 'perfect'} AS counted FROM (${outcomes.cases.sql})`, params: outcomes.cases.params };
    }
  }
}

/**
 * The ids of the cases a KPI counts (or, `counted` false, considers but does not
 * count), read with the log's saved KPI settings on the whole log: a case's own
 * outcome does not depend on the other cases, so the filter's other conditions
 * then narrow them as they narrow the KPI.
 */
export async function kpiCaseIds(scope: AnalysisScope, id: string, counted: boolean): Promise<ReturnType<typeof idList>> {
  if (!isKpiWithCases(id)) throw new FilterError(`${counted ? 'counted-by' : 'not-counted-by'}: ${JSON.stringify(id)} is not a KPI with cases of its own; use one of ${KPIS_WITH_CASES.join(', ')}`);
  const context = await kpiContext(scope, {});
  const { sql, params } = await kpiCaseSql(context, id);
  const statement = `SELECT coalesce(list(case_id ORDER BY case_id), []) AS ids FROM (${sql}) WHERE counted = $counted`;
  const row = await queryRow<{ ids: number[] }>(scope.connection, statement, usedParams(statement, { ...scope.params, ...context.bound, ...params, counted }));
  return idList(row?.ids ?? []);
}
