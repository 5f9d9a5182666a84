import { queryRows, type Store } from '../../store/db.ts';
import { runAnalysis } from '../analysis.ts';
import { checkWholeNumber } from '../errors.ts';
import type { Filter } from '../filter/index.ts';

/**
 * Who does the work, and when: per resource, the events it recorded and the cases
 * it touched in the filtered cases, overall and per week (or month, from Monday /
 * the 1st, UTC). Resources are ranked by events, then name; events without a
 * resource are counted apart, so the shares add up.
 */
export interface ResourceWorkload {
  log: string;
  period: WorkloadPeriod;
  /** Each period's start (ISO-8601 UTC) with the events and cases of all resources in it. */
  periods: { start: string; events: number; cases: number }[];
  /** Resources before `limit`. */
  resourceCount: number;
  resources: { resource: string; events: number; cases: number; share: number; series: { start: string; events: number; cases: number }[] }[];
  /** Events with no resource. */
  unassignedEvents: number;
  totalEvents: number;
}

export type WorkloadPeriod = 'week' | 'month';

export interface ResourceWorkloadOptions {
  period?: WorkloadPeriod;
  /** At most this many resources, the busiest first (1–10,000; default 20). */
  limit?: number;
}

export const DEFAULT_WORKLOAD_LIMIT = 20;

export async function getResourceWorkload(store: Store, log: string, filter: Filter = {}, options: ResourceWorkloadOptions = {}): Promise<ResourceWorkload> {
  const period = options.period ?? 'week';
  const limit = options.limit ?? DEFAULT_WORKLOAD_LIMIT;
  checkWholeNumber(limit, 'limit', 1, 10_000);
  return runAnalysis(store, log, filter, async ({ connection, params, eventCases }) => {
    const rows = await queryRows<{ resource: string | null; start: string; events: number; cases: number }>(
      connection,
      `SELECT e.resource, strftime(date_trunc('${period}', e.ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS start, count(*)::BIGINT AS events, count(DISTINCT e.case_id)::BIGINT AS cases
       FROM events e WHERE e.log_id = $log ${eventCases('e')} GROUP BY ALL ORDER BY start`,
      params,
    );
    const totals = await queryRows<{ resource: string | null; events: number; cases: number }>(
      connection,
      `SELECT e.resource, count(*)::BIGINT AS events, count(DISTINCT e.case_id)::BIGINT AS cases FROM events e WHERE e.log_id = $log ${eventCases('e')} GROUP BY ALL`,
      params,
    );
    const perPeriod = await queryRows<{ start: string; events: number; cases: number }>(
      connection,
      `SELECT strftime(date_trunc('${period}', e.ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS start, count(*)::BIGINT AS events, count(DISTINCT e.case_id)::BIGINT AS cases
       FROM events e WHERE e.log_id = $log ${eventCases('e')} GROUP BY ALL ORDER BY start`,
      params,
    );
    const totalEvents = totals.reduce((sum, row) => sum + row.events, 0);
    const named = totals.filter((row): row is typeof row & { resource: string } => row.resource !== null);
    named.sort((a, b) => b.events - a.events || a.resource.localeCompare(b.resource));
    return {
      log,
      period,
      periods: perPeriod,
      resourceCount: named.length,
      resources: named.slice(0, limit).map(({ resource, events, cases }) => ({
        resource,
        events,
        cases,
        share: totalEvents === 0 ? 0 : events / totalEvents,
        series: rows.filter((row) => row.resource === resource).map(({ start, events: e, cases: c }) => ({ start, events: e, cases: c })),
      })),
      unassignedEvents: totals.find((row) => row.resource === null)?.events ?? 0,
      totalEvents,
    };
  });
}
