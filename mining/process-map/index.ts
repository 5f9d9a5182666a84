import { queryRows, type Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import type { DurationStats } from '../types.ts';

/**
 * The directly-follows graph (process map) of a log, the shape every consumer shares.
 * - activity `count`: events of the activity; `cases`: cases with at least one;
 * - edge a→b `count`: pairs of consecutive events (a then b) within a case, events
 *   ordered by timestamp with ties in source order; `duration`: b's timestamp minus a's,
 *   in seconds (p90 interpolates linearly, like numpy's default);
 * - `start` / `end`: cases whose first / last event is the activity.
 */
export interface ProcessMap {
  log: string;
  cases: number;
  events: number;
  activities: { name: string; count: number; cases: number }[];
  edges: { from: string; to: string; count: number; duration: DurationStats }[];
  start: { activity: string; count: number }[];
  end: { activity: string; count: number }[];
}

export type ProcessMapOptions = Record<string, never>;

/** Discovers the process map (frequency and performance DFG) of the filtered cases of a log. */
export async function discoverProcessMap(store: Store, log: string, filter: Filter = {}, _options: ProcessMapOptions = {}): Promise<ProcessMap> {
  return runAnalysis(store, log, filter, async ({ connection, params, caseWhere, eventCases, activityNames }) => {
    const names = await activityNames();
    // Every case of a variant has the same activities, so counts come from cases per variant.
    const activities = await queryRows<{ id: number; count: number; cases: number }>(
      connection,
      `WITH per_variant AS (SELECT variant_id, count(*) AS n FROM cases c WHERE ${caseWhere} GROUP BY variant_id)
       SELECT va.activity_id AS id, sum(p.n * va.occurrences)::BIGINT AS count, sum(p.n)::BIGINT AS cases
       FROM per_variant p JOIN variant_activities va ON va.log_id = $log AND va.variant_id = p.variant_id
       GROUP BY va.activity_id`,
      params,
    );
    // One quantile call for median and p90: one sort per edge instead of two.
    const edges = await queryRows<{ from: number; to: number; count: number; quantiles: [number, number] } & Omit<DurationStats, 'median' | 'p90'>>(
      connection,
      `SELECT activity_id AS "from", next_activity_id AS "to", count(*)::BIGINT AS count,
              avg(next_seconds) AS mean, quantile_cont(next_seconds, [0.5, 0.9]) AS quantiles,
              min(next_seconds) AS min, max(next_seconds) AS max, sum(next_seconds) AS sum,
              stddev_samp(next_seconds) AS stdev
       FROM events e WHERE e.log_id = $log AND next_activity_id IS NOT NULL ${eventCases('e')}
       GROUP BY activity_id, next_activity_id`,
      params,
    );
    const ends = await queryRows<{ side: 'start' | 'end'; id: number; count: number }>(
      connection,
      `SELECT 'start' AS side, start_activity_id AS id, count(*)::BIGINT AS count FROM cases c WHERE ${caseWhere} GROUP BY start_activity_id
       UNION ALL
       SELECT 'end', end_activity_id, count(*)::BIGINT FROM cases c WHERE ${caseWhere} GROUP BY end_activity_id`,
      params,
    );
    const totals = await queryRows<{ cases: number; events: number }>(
      connection,
      `SELECT count(*)::BIGINT AS cases, coalesce(sum(events), 0)::BIGINT AS events FROM cases c WHERE ${caseWhere}`,
      params,
    );
    const name = (id: number) => names[id] ?? `#${id}`;
    const byCount = <T extends { count: number }>(key: (item: T) => string) => (a: T, b: T) =>
      b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    const side = (which: 'start' | 'end') =>
      ends
        .filter((row) => row.side === which)
        .map((row) => ({ activity: name(row.id), count: row.count }))
        .sort(byCount((row) => row.activity));
    return {
      log,
      cases: totals[0]?.cases ?? 0,
      events: totals[0]?.events ?? 0,
      activities: activities.map((row) => ({ name: name(row.id), count: row.count, cases: row.cases })).sort(byCount((row) => row.name)),
      edges: edges
        .map(({ from, to, count, quantiles: [median, p90], mean, min, max, sum, stdev }) => ({
          from: name(from),
          to: name(to),
          count,
          duration: { mean, median, min, max, p90, sum, stdev },
        }))
        .sort(byCount((row) => `${row.from}\u0000${row.to}`)),
      start: side('start'),
      end: side('end'),
    };
  });
}
