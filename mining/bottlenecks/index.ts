import { queryRows, type Store } from '../../store/db.ts';
import { runAnalysis } from '../analysis.ts';
import { checkWholeNumber, OptionError } from '../errors.ts';
import type { Filter } from '../filter/index.ts';

/**
 * Where the filtered cases of a log wait, and where they loop.
 *
 * - A **handoff** a→b is a directly-follows pair (consecutive events of a case, ordered by
 *   timestamp with ties in source order); its waiting time is b's timestamp minus a's.
 *   `count` pairs, `medianSeconds` their median wait (mean of the two middle values for an
 *   even count), `totalSeconds` = count × median: the typical wait times how often it happens,
 *   robust to a few extreme waits.
 * - `activities`: the same for the wait **before** each activity (from the case's previous
 *   event, whatever it was); a case's first event has no wait and is not counted.
 * - Both lists are ranked by `rankBy` ('total', the default, or 'median'), ties by count, then
 *   by name; `rankTotal` / `rankMedian` give each item's place in either ranking (1 = worst).
 * - **Rework**: an activity occurring more than once in a case. Per activity: `cases` with a
 *   repeat, `repeats` = occurrences beyond the first summed over those cases, `secondsLost` =
 *   the time from its first to its last occurrence in each such case, summed (the time the
 *   case spent going round the loop). Ranked by secondsLost, then cases, then name.
 */
export interface Bottlenecks {
  log: string;
  rankBy: RankBy;
  /** Handoffs in the filtered cases, before `limit`. */
  handoffCount: number;
  handoffs: Handoff[];
  activities: ActivityWait[];
  rework: Rework[];
}

/** How long something waits, over its `count` occurrences, and where that ranks. */
export interface WaitStats {
  count: number;
  medianSeconds: number;
  totalSeconds: number;
  meanSeconds: number;
  rankTotal: number;
  rankMedian: number;
}

export interface Handoff extends WaitStats {
  from: string;
  to: string;
}

export interface ActivityWait extends WaitStats {
  activity: string;
}

export interface Rework {
  activity: string;
  cases: number;
  repeats: number;
  secondsLost: number;
  /** secondsLost / cases. */
  meanSecondsLost: number;
}

export type RankBy = 'total' | 'median';

export interface BottlenecksOptions {
  /** Rank handoffs and activities by total waiting time (count × median, default) or by median. */
  rankBy?: RankBy;
  /** Keep the first `limit` of each list (1–10000); default 20. */
  limit?: number;
}

export const DEFAULT_BOTTLENECK_LIMIT = 20;

/** Ranks handoffs and activities by waiting time and lists rework loops, for the filtered cases of a log. */
export async function getBottlenecks(store: Store, log: string, filter: Filter = {}, options: BottlenecksOptions = {}): Promise<Bottlenecks> {
  const rankBy = options.rankBy ?? 'total';
  if (rankBy !== 'total' && rankBy !== 'median') throw new OptionError(`rankBy must be total or median, not ${JSON.stringify(rankBy)}`);
  checkWholeNumber(options.limit, 'limit', 1, 10_000);
  const limit = options.limit ?? DEFAULT_BOTTLENECK_LIMIT;
  return runAnalysis(store, log, filter, async ({ connection, params, caseWhere, eventCases, activityNames }) => {
    const names = await activityNames();
    const name = (id: number) => names[id] ?? `#${id}`;
    // One pass over the successor columns: handoffs, and per target activity its waits.
    const waits = await queryRows<{ from: number | null; to: number; count: number; median: number; mean: number }>(
      connection,
      `SELECT activity_id AS "from", next_activity_id AS "to", count(*)::BIGINT AS count,
              median(next_seconds) AS median, avg(next_seconds) AS mean
       FROM events e WHERE e.log_id = $log AND next_activity_id IS NOT NULL ${eventCases('e')}
       GROUP BY GROUPING SETS ((activity_id, next_activity_id), (next_activity_id))`,
      params,
    );
    // Only cases whose variant repeats an activity, and only that activity's events, are read.
    const rework = await queryRows<{ activity_id: number; cases: number; repeats: number; lost: number }>(
      connection,
      `WITH repeated AS (
         SELECT c.case_id, va.activity_id, va.occurrences
         FROM cases c JOIN variant_activities va ON va.log_id = $log AND va.variant_id = c.variant_id AND va.occurrences > 1
         WHERE ${caseWhere}
       ),
       spans AS (
         SELECT r.activity_id, any_value(r.occurrences) AS occurrences, max(epoch_us(e.ts)) - min(epoch_us(e.ts)) AS span_us
         FROM repeated r JOIN events e ON e.log_id = $log AND e.case_id = r.case_id AND e.activity_id = r.activity_id
         GROUP BY r.case_id, r.activity_id
       )
       SELECT activity_id, count(*)::BIGINT AS cases, sum(occurrences - 1)::BIGINT AS repeats, (sum(span_us) / 1e6)::DOUBLE AS lost
       FROM spans GROUP BY activity_id`,
      params,
    );
    const handoffs = ranked(
      waits.filter((w) => w.from !== null).map((w) => ({ key: `${name(w.from!)}\u0000${name(w.to)}`, from: name(w.from!), to: name(w.to), ...stats(w) })),
      rankBy,
    ).map(({ key: _key, ...h }) => h);
    const activities = ranked(
      waits.filter((w) => w.from === null).map((w) => ({ key: name(w.to), activity: name(w.to), ...stats(w) })),
      rankBy,
    ).map(({ key: _key, ...a }) => a);
    return {
      log,
      rankBy,
      handoffCount: handoffs.length,
      handoffs: handoffs.slice(0, limit),
      activities: activities.slice(0, limit),
      rework: rework
        .map((r) => ({ activity: name(r.activity_id), cases: r.cases, repeats: r.repeats, secondsLost: r.lost, meanSecondsLost: r.lost / r.cases }))
        .sort((a, b) => b.secondsLost - a.secondsLost || b.cases - a.cases || compare(a.activity, b.activity))
        .slice(0, limit),
    };
  });
}

const stats = (w: { count: number; median: number; mean: number }) => ({
  count: w.count,
  medianSeconds: w.median,
  totalSeconds: w.count * w.median,
  meanSeconds: w.mean,
});

type Waiting = { key: string; count: number; medianSeconds: number; totalSeconds: number };

/** Sorts by the chosen measure and records each item's place in both rankings. */
function ranked<T extends Waiting>(items: T[], rankBy: RankBy): (T & { rankTotal: number; rankMedian: number })[] {
  const order = (measure: 'totalSeconds' | 'medianSeconds') => (a: T, b: T) =>
    b[measure] - a[measure] || b.count - a.count || compare(a.key, b.key);
  const byMedian = new Map([...items].sort(order('medianSeconds')).map((item, i) => [item, i + 1]));
  return [...items]
    .sort(order('totalSeconds'))
    .map((item, i) => ({ ...item, rankTotal: i + 1, rankMedian: byMedian.get(item)! }))
    .sort((a, b) => (rankBy === 'total' ? a.rankTotal - b.rankTotal : a.rankMedian - b.rankMedian));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
