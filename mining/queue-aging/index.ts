import { listValue } from '@duckdb/node-api';
import { queryRow, queryRows, type Params, type Store } from '../../store/db.ts';
import type { AnalysisScope } from '../analysis.ts';
import { runAnalysis } from '../analysis.ts';
import { checkWholeNumber, OptionError } from '../errors.ts';
import { FilterError, parseInstant, type Filter } from '../filter/index.ts';

/**
 * Queue aging of open work at an instant `asOf`.
 *
 * - A case is **open** at `asOf` when its first event is at or before `asOf` and its
 *   last event at or before `asOf` is not one of `endActivities`.
 * - Its **current step** is the activity of that last event (events ordered by
 *   timestamp, ties in source order, so of several events at the same instant the
 *   last in the source counts); `since` is that event's time and its **age** in the
 *   step is `asOf − since`, in seconds. `caseAgeSeconds` is `asOf − caseStart`
 *   (the case's first event): how long the case has been open.
 * - Per step: `count` of open cases, mean and max age; `buckets` count ages in
 *   `[bound[i-1], bound[i])` (the first from 0, the last unbounded: an age exactly
 *   on a bound falls in the later bucket); `overSla` counts ages strictly greater
 *   than the step's SLA, null when no SLA is set for it. Steps are sorted by count,
 *   then by name.
 * - `oldest`: the `options.oldest` open cases that have been open longest
 *   (`oldestBy: 'case'`, by case start, the default) or that have waited longest in
 *   their current step (`oldestBy: 'step'`); ties by case name.
 */
export interface QueueAging {
  log: string;
  /** ISO-8601 UTC, millisecond precision. */
  asOf: string;
  openCases: number;
  /** The end activities used, and where they came from (see `QueueAgingOptions.endActivities`). */
  endActivities: string[];
  endActivitiesSource: EndActivitiesSource;
  /** Open cases past their step's SLA, over all steps with one. */
  overSla: number;
  steps: QueueStep[];
  oldest: OpenCase[];
}

export interface QueueStep {
  activity: string;
  count: number;
  meanAgeSeconds: number;
  maxAgeSeconds: number;
  buckets: AgeBucket[];
  /** The step's SLA in seconds, null when none is set. */
  slaSeconds: number | null;
  overSla: number | null;
}

/** Ages in `[fromSeconds, toSeconds)`; `toSeconds` null for the last bucket. */
export interface AgeBucket {
  label: string;
  fromSeconds: number;
  toSeconds: number | null;
  count: number;
}

export interface OpenCase {
  case: string;
  /** The current step. */
  activity: string;
  /** When the case entered its current step (its last event at or before asOf), ISO-8601 UTC. */
  since: string;
  /** Seconds in the current step: asOf − since. */
  ageSeconds: number;
  /** The case's first event, ISO-8601 UTC. */
  caseStart: string;
  /** Seconds since the case started: asOf − caseStart. */
  caseAgeSeconds: number;
}

/**
 * - `option`: given by the caller;
 * - `distribution`: the log has the order-to-cash activity 'Payment Received': an order
 *   ends when paid, a return (RMA case) with its 'Credit Memo' (if the log has it);
 * - `terminal-share`: otherwise, every activity that is the last event of its case in at
 *   least 95 % of its occurrences over the whole log (a case rarely goes on after it).
 *   When none qualifies the list is empty and every started case is open.
 */
export type EndActivitiesSource = 'option' | 'distribution' | 'terminal-share';

export interface QueueAgingOptions {
  /** ISO-8601 date or instant (UTC unless zoned; a date alone is its midnight). Default: the log's last timestamp. */
  asOf?: string;
  /** Activities that close a case; default see `EndActivitiesSource`. Each must be an activity of the log. */
  endActivities?: string[];
  /** Upper bounds of the aging buckets in seconds, ascending; default 1, 3 and 7 days. */
  bucketBounds?: number[];
  /** SLA per step: activity name → seconds a case may wait in it. */
  sla?: Record<string, number>;
  /** How many of the oldest open cases to list (0–1000); default 10. */
  oldest?: number;
  /** Rank `oldest` by case age (default) or by age in the current step. */
  oldestBy?: 'case' | 'step';
  /** Only cases whose id starts with this text (e.g. 'SO-' for sales orders, leaving returns 'RMA-…' out). */
  casePrefix?: string;
}

export const DEFAULT_BUCKET_BOUNDS: readonly number[] = [86_400, 3 * 86_400, 7 * 86_400];
export const DEFAULT_OLDEST = 10;
/** Share of an activity's occurrences that must end their case for it to count as an end activity by default. */
export const TERMINAL_SHARE = 0.95;
const DISTRIBUTION_END = ['Payment Received', 'Credit Memo'];

/** Which cases are open at an instant, where they wait and for how long. */
export async function getQueueAging(store: Store, log: string, filter: Filter = {}, options: QueueAgingOptions = {}): Promise<QueueAging> {
  checkWholeNumber(options.oldest, 'oldest', 0, 1000);
  const oldestBy = options.oldestBy ?? 'case';
  if (oldestBy !== 'case' && oldestBy !== 'step') throw new OptionError(`oldestBy must be case or step, not ${JSON.stringify(oldestBy)}`);
  const bounds = checkBounds(options.bucketBounds ?? DEFAULT_BUCKET_BOUNDS);
  const asOfOption = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
  for (const [activity, seconds] of Object.entries(options.sla ?? {})) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new OptionError(`sla for ${JSON.stringify(activity)} must be a number of seconds ≥ 0, not ${JSON.stringify(seconds)}`);
    }
  }
  return runAnalysis(store, log, filter, async (scope) => {
    const { connection, params: filterParams, caseWhere } = scope;
    const names = await scope.activityNames();
    const ids = new Map(names.map((name, id) => [name, id]));
    const idOf = (name: string, option: string): number => {
      const id = ids.get(name);
      if (id === undefined) throw new OptionError(`${option}: ${JSON.stringify(name)} is not an activity of ${JSON.stringify(log)}`);
      return id;
    };
    const ends = await endActivities(scope, ids, options.endActivities);
    const endIds = ends.names.map((name) => idOf(name, 'endActivities'));
    const sla = Object.entries(options.sla ?? {}).map(([name, seconds]) => ({ id: idOf(name, 'sla'), seconds }));
    const asOf =
      asOfOption ?? (await queryRow<{ us: number | null }>(connection, `SELECT epoch_us(last_ts) AS us FROM logs WHERE log_id = $log`, { log: filterParams.log! }))?.us ?? 0;

    const params: Params = {
      ...filterParams,
      as_of: asOf,
      ends: idList(endIds),
      ...(options.casePrefix !== undefined && { prefix: options.casePrefix }),
    };
    const prefix = options.casePrefix === undefined ? '' : 'AND starts_with(c.name, $prefix)';
    // A case's last event at or before asOf: the case's own end when it ended by then
    // (no event scan), else the event whose successor comes after asOf.
    const open = `
      current_step AS (
        SELECT c.case_id, c.name, epoch_us(c.start_ts) AS start_us, c.end_activity_id AS activity_id, epoch_us(c.end_ts) AS since_us
        FROM cases c WHERE ${caseWhere} ${prefix} AND epoch_us(c.end_ts) <= $as_of
        UNION ALL
        SELECT c.case_id, c.name, epoch_us(c.start_ts), e.activity_id, epoch_us(e.ts)
        FROM cases c JOIN events e ON e.log_id = $log AND e.case_id = c.case_id
        WHERE ${caseWhere} ${prefix} AND epoch_us(c.start_ts) <= $as_of AND epoch_us(c.end_ts) > $as_of
          AND epoch_us(e.ts) <= $as_of AND epoch_us(e.ts) + round(e.next_seconds * 1e6) > $as_of
      ),
      open_case AS (
        SELECT name, activity_id, start_us, since_us, ($as_of - since_us) / 1e6 AS age, ($as_of - start_us) / 1e6 AS case_age
        FROM current_step WHERE NOT list_contains($ends::INTEGER[], activity_id)
      )`;
    // The bucket index is the number of bounds at or below the age.
    const bucket = bounds.length === 0 ? '0' : bounds.map((_, i) => `(o.age >= $b${i})::INTEGER`).join(' + ');
    const boundParams = Object.fromEntries(bounds.map((b, i) => [`b${i}`, b]));
    const slaParams = { sla_ids: idList(sla.map((s) => s.id)), sla_seconds: listValue(sla.length === 0 ? [0] : sla.map((s) => s.seconds)) };
    const groups = await queryRows<{ activity_id: number; bucket: number; count: number; sum: number; max: number; over: number | null }>(
      connection,
      `WITH ${open},
       sla AS (SELECT unnest($sla_ids::INTEGER[]) AS activity_id, unnest($sla_seconds::DOUBLE[]) AS seconds)
       SELECT o.activity_id, ${bucket} AS bucket, count(*)::BIGINT AS count, sum(o.age) AS sum, max(o.age) AS max,
              (count(*) FILTER (WHERE o.age > s.seconds))::BIGINT AS over
       FROM open_case o LEFT JOIN sla s USING (activity_id)
       GROUP BY ALL`,
      { ...params, ...boundParams, ...slaParams },
    );
    const limit = options.oldest ?? DEFAULT_OLDEST;
    const oldest =
      limit === 0
        ? []
        : await queryRows<{ name: string; activity_id: number; since_us: number; age: number; start_us: number; case_age: number }>(
            connection,
            `WITH ${open}
             SELECT name, activity_id, since_us, age, start_us, case_age FROM open_case
             ORDER BY ${oldestBy === 'case' ? 'case_age' : 'age'} DESC, name LIMIT $limit`,
            { ...params, limit },
          );

    const slaById = new Map(sla.map((s) => [s.id, s.seconds]));
    const labels = bucketLabels(bounds);
    const steps = new Map<number, QueueStep & { sum: number }>();
    for (const row of groups) {
      let step = steps.get(row.activity_id);
      if (!step) {
        const slaSeconds = slaById.get(row.activity_id) ?? null;
        step = {
          activity: names[row.activity_id] ?? `#${row.activity_id}`,
          count: 0,
          meanAgeSeconds: 0,
          maxAgeSeconds: 0,
          buckets: labels.map((b) => ({ ...b, count: 0 })),
          slaSeconds,
          overSla: slaSeconds === null ? null : 0,
          sum: 0,
        };
        steps.set(row.activity_id, step);
      }
      step.count += row.count;
      step.sum += row.sum;
      step.maxAgeSeconds = Math.max(step.maxAgeSeconds, row.max);
      step.buckets[row.bucket]!.count += row.count;
      if (step.overSla !== null) step.overSla += row.over ?? 0;
    }
    const stepList = [...steps.values()]
      .map(({ sum, ...step }) => ({ ...step, meanAgeSeconds: sum / step.count }))
      .sort((a, b) => b.count - a.count || compare(a.activity, b.activity));
    return {
      log,
      asOf: iso(asOf),
      openCases: stepList.reduce((n, s) => n + s.count, 0),
      endActivities: ends.names,
      endActivitiesSource: ends.source,
      overSla: stepList.reduce((n, s) => n + (s.overSla ?? 0), 0),
      steps: stepList,
      oldest: oldest.map((row) => ({
        case: row.name,
        activity: names[row.activity_id] ?? `#${row.activity_id}`,
        since: iso(row.since_us),
        ageSeconds: row.age,
        caseStart: iso(row.start_us),
        caseAgeSeconds: row.case_age,
      })),
    };
  });
}

/** The end activities: the caller's, the distribution's, or those that (almost) always end their case. */
async function endActivities(
  { connection, params }: AnalysisScope,
  ids: Map<string, number>,
  given: string[] | undefined,
): Promise<{ names: string[]; source: EndActivitiesSource }> {
  if (given !== undefined) {
    if (!Array.isArray(given) || given.some((name) => typeof name !== 'string')) throw new OptionError('endActivities must be a list of activity names');
    return { names: [...new Set(given)], source: 'option' };
  }
  if (ids.has(DISTRIBUTION_END[0]!)) return { names: DISTRIBUTION_END.filter((name) => ids.has(name)), source: 'distribution' };
  // Occurrences from each variant's activity counts, case ends from the cases: no event scan.
  const rows = await queryRows<{ name: string }>(
    connection,
    `WITH per_variant AS (SELECT variant_id, count(*) AS n FROM cases WHERE log_id = $log GROUP BY variant_id),
          occurrences AS (
            SELECT va.activity_id, sum(p.n * va.occurrences) AS n
            FROM per_variant p JOIN variant_activities va ON va.log_id = $log AND va.variant_id = p.variant_id GROUP BY va.activity_id),
          ends AS (SELECT end_activity_id AS activity_id, count(*) AS n FROM cases WHERE log_id = $log GROUP BY end_activity_id)
     SELECT a.name FROM ends JOIN occurrences o USING (activity_id) JOIN activities a ON a.log_id = $log AND a.activity_id = ends.activity_id
     WHERE ends.n >= $share * o.n ORDER BY a.name`,
    { log: params.log!, share: TERMINAL_SHARE },
  );
  return { names: rows.map((row) => row.name), source: 'terminal-share' };
}

function parseAsOf(text: string): number {
  if (typeof text !== 'string') throw new OptionError(`asOf must be an ISO-8601 date or time, not ${JSON.stringify(text)}`);
  try {
    return parseInstant(text, 'asOf');
  } catch (error) {
    if (error instanceof FilterError) throw new OptionError(error.message);
    throw error;
  }
}

function checkBounds(bounds: readonly number[]): number[] {
  if (!Array.isArray(bounds) || bounds.length > 50) throw new OptionError('bucketBounds must be a list of at most 50 numbers of seconds');
  bounds.forEach((bound, i) => {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= 0 || (i > 0 && bound <= bounds[i - 1]!)) {
      throw new OptionError(`bucketBounds must be positive numbers of seconds in ascending order; ${JSON.stringify(bound)} is not`);
    }
  });
  return [...bounds];
}

/** Labels like "< 1 d", "1–3 d", "> 7 d": each bound in the largest unit (d, h, min, s) it is a whole number of. */
export function bucketLabels(bounds: readonly number[]): Omit<AgeBucket, 'count'>[] {
  if (bounds.length === 0) return [{ label: 'all', fromSeconds: 0, toSeconds: null }];
  const unitOf = (s: number): [number, string] =>
    s % 86_400 === 0 ? [86_400, 'd'] : s % 3_600 === 0 ? [3_600, 'h'] : s % 60 === 0 ? [60, 'min'] : [1, 's'];
  const text = (s: number): string => `${s / unitOf(s)[0]} ${unitOf(s)[1]}`;
  const range = (from: number, to: number): string => {
    const [size, unit] = ([[86_400, 'd'], [3_600, 'h'], [60, 'min']] as const).find(([size]) => from % size === 0 && to % size === 0) ?? [1, 's'];
    return `${from / size}–${to / size} ${unit}`;
  };
  return [
    { label: `< ${text(bounds[0]!)}`, fromSeconds: 0, toSeconds: bounds[0]! },
    ...bounds.slice(1).map((to, i) => ({ label: range(bounds[i]!, to), fromSeconds: bounds[i]!, toSeconds: to })),
    { label: `> ${text(bounds.at(-1)!)}`, fromSeconds: bounds.at(-1)!, toSeconds: null },
  ];
}

/** A bound list of activity ids; an empty one holds -1 (no activity), as the driver cannot type an empty list. */
const idList = (ids: number[]) => listValue(ids.length === 0 ? [-1] : ids);
const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
