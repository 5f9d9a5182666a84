import { queryRows, type Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import { OptionError } from '../errors.ts';
import { defaultPathShare, simplifyPaths } from './simplify.ts';
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
  /** `cases` (cases with the pair at least once) is there when the map counts by cases. */
  edges: { from: string; to: string; count: number; cases?: number; duration: DurationStats }[];
  start: { activity: string; count: number }[];
  end: { activity: string; count: number }[];
  /** With the activity or path controls: how many activities and paths are left out. */
  hiddenActivities?: number;
  hiddenPaths?: number;
  /** With the path control: the share of paths kept (0–1), `auto` resolved. */
  pathShare?: number;
}

/**
 * Disco's controls. `activities` (0–1): keep the most frequent share of the
 * activities (at least one) and rebuild the map on the cases' events of those
 * only, so a→c is an edge when the b between them is left out. `paths` (0–1):
 * keep the most frequent share of the paths while every activity stays on a path
 * from start to end (see simplifyPaths); `auto`: all paths on a sparse map,
 * about 1.25 per activity on a dense one (defaultPathShare). `frequency`: rank and weigh paths by
 * events (pairs, the default) or by cases (cases with the pair). Performance is
 * in every edge's `duration` (mean, median, p90, sum as total).
 */
export interface ProcessMapOptions {
  activities?: number;
  paths?: number | 'auto';
  frequency?: 'events' | 'cases';
}

/** Discovers the process map (frequency and performance DFG) of the filtered cases of a log. */
export async function discoverProcessMap(store: Store, log: string, filter: Filter = {}, options: ProcessMapOptions = {}): Promise<ProcessMap> {
  for (const share of ['activities', 'paths'] as const) {
    const value = options[share];
    if (value !== undefined && value !== 'auto' && !(Number.isFinite(value) && value >= 0 && value <= 1)) throw new OptionError(`${share} is a share from 0 to 1 (e.g. 0.8 for 80 %), not ${value}`);
  }
  if (options.frequency !== undefined && options.frequency !== 'events' && options.frequency !== 'cases') throw new OptionError(`frequency is events or cases, not ${JSON.stringify(options.frequency)}`);
  const map = await runAnalysis(store, log, filter, async ({ connection, params, caseWhere, eventCases, activityNames }) => {
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
    const byCases = options.frequency === 'cases';
    // The activities kept by the activity control: the most frequent share, at least one.
    const ranked = [...activities].sort((a, b) => b.count - a.count || a.id - b.id);
    const keptIds = options.activities === undefined || options.activities >= 1 ? undefined : ranked.slice(0, Math.max(1, Math.round(options.activities * ranked.length))).map((a) => a.id);
    // One quantile call for median and p90: one sort per edge instead of two.
    const stats = `count(*)::BIGINT AS count, ${byCases ? 'count(DISTINCT case_id)::BIGINT' : 'NULL::BIGINT'} AS cases,
              avg(next_seconds) AS mean, quantile_cont(next_seconds, [0.5, 0.9]) AS quantiles,
              min(next_seconds) AS min, max(next_seconds) AS max, sum(next_seconds) AS sum,
              stddev_samp(next_seconds) AS stdev`;
    type EdgeRow = { from: number; to: number; count: number; cases: number | null; quantiles: [number, number] } & Omit<DurationStats, 'median' | 'p90'>;
    type EndRow = { side: 'start' | 'end'; id: number; count: number };
    let edges: EdgeRow[];
    let ends: EndRow[];
    if (keptIds === undefined) {
      edges = await queryRows<EdgeRow>(
        connection,
        `SELECT activity_id AS "from", next_activity_id AS "to", ${stats}
         FROM events e WHERE e.log_id = $log AND next_activity_id IS NOT NULL ${eventCases('e')}
         GROUP BY activity_id, next_activity_id`,
        params,
      );
      ends = await queryRows<EndRow>(
        connection,
        `SELECT 'start' AS side, start_activity_id AS id, count(*)::BIGINT AS count FROM cases c WHERE ${caseWhere} GROUP BY start_activity_id
         UNION ALL
         SELECT 'end', end_activity_id, count(*)::BIGINT FROM cases c WHERE ${caseWhere} GROUP BY end_activity_id`,
        params,
      );
    } else {
      // The cases' events of the kept activities only, re-linked to the next kept event.
      const kept = `e.activity_id IN (${keptIds.join(', ')})`;
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE projected AS
         SELECT e.case_id, e.position, e.activity_id,
                lead(e.activity_id) OVER w AS next_activity_id,
                (epoch_us(lead(e.ts) OVER w) - epoch_us(e.ts)) / 1e6 AS next_seconds
         FROM events e WHERE e.log_id = $log AND ${kept} ${eventCases('e')}
         WINDOW w AS (PARTITION BY e.case_id ORDER BY e.position)`,
        params,
      );
      edges = await queryRows<EdgeRow>(connection, `SELECT activity_id AS "from", next_activity_id AS "to", ${stats} FROM projected WHERE next_activity_id IS NOT NULL GROUP BY ALL`);
      ends = await queryRows<EndRow>(
        connection,
        `WITH firsts AS (SELECT case_id, arg_min(activity_id, position) AS first, arg_max(activity_id, position) AS last FROM projected GROUP BY case_id)
         SELECT 'start' AS side, first AS id, count(*)::BIGINT AS count FROM firsts GROUP BY first
         UNION ALL
         SELECT 'end', last, count(*)::BIGINT FROM firsts GROUP BY last`,
      );
      await connection.run(`DROP TABLE projected`);
    }
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
      activities: activities
        .filter((row) => keptIds === undefined || keptIds.includes(row.id))
        .map((row) => ({ name: name(row.id), count: row.count, cases: row.cases }))
        .sort(byCount((row) => row.name)),
      edges: edges
        .map(({ from, to, count, cases, quantiles: [median, p90], mean, min, max, sum, stdev }) => ({
          from: name(from),
          to: name(to),
          count,
          ...(cases !== null && { cases }),
          duration: { mean, median, min, max, p90, sum, stdev },
        }))
        .sort(byCount((row) => `${row.from}\u0000${row.to}`)),
      start: side('start'),
      end: side('end'),
      ...(keptIds !== undefined && { hiddenActivities: activities.length - keptIds.length }),
    };
  });
  if (options.paths === undefined) return map;
  const share = options.paths === 'auto' ? defaultPathShare(map) : options.paths;
  if (share >= 1) return { ...map, hiddenPaths: 0, pathShare: 1 };
  return { ...simplifyPaths(map, share, options.frequency === 'cases' ? (edge) => edge.cases ?? edge.count : undefined), pathShare: share };
}
