import { listValue } from '@duckdb/node-api';
import { queryRow, queryRows, type Params, type Store } from '../../store/db.ts';
import { runAnalysis } from '../analysis.ts';
import { idList, parseInstant } from '../columns.ts';
import { checkWholeNumber, FilterError, OptionError } from '../errors.ts';
import type { Filter } from '../filter/index.ts';
import {
  chooseEndActivities,
  chooseSilence,
  describeRule,
  END_SHARE,
  END_WITHIN_SECONDS,
  type EndActivitiesSource,
  type EndEvidence,
  type Silence,
  type SilenceOption,
} from './ends.ts';

export type { EndActivitiesSource, EndEvidence, Silence, SilenceOption } from './ends.ts';

/**
 * Queue aging of open work at an instant `asOf`.
 *
 * - A case that has started by `asOf` is **ended** when one of `endActivities` occurs at
 *   or before `asOf` (events after it, such as trailing bookkeeping or a delivery after
 *   payment, do not reopen it); else **silent** when its last event at or before
 *   `asOf` is more than `rule.silence.seconds` before `asOf` (judged ended without a
 *   recorded end); else **open**. See `EndActivitiesSource` and `Silence` for the defaults.
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
  /** How open and ended were told apart, with the evidence and the count each part closed. */
  rule: QueueAgingRule;
  /** Open cases past their step's SLA, over all steps with one. */
  overSla: number;
  steps: QueueStep[];
  oldest: OpenCase[];
}

export interface QueueAgingRule {
  /** The rule in words. */
  text: string;
  /** Inference thresholds: an activity is an end activity when `share ≥ endShare`, a case counting as ended by it when it ends within `endWithinSeconds`. */
  endShare: number;
  endWithinSeconds: number;
  /** The log's activities by name: the choices for `endActivities`. */
  activities: string[];
  /** Every activity's evidence of ending cases (whole log), highest share first; null for the distribution's known ends, which need none. */
  evidence: EndEvidence[] | null;
  silence: Silence;
  /** The cases (of the filter) started by asOf: those that reached an end activity, those judged ended by silence; the rest are `openCases`. */
  cases: { started: number; ended: number; silent: number };
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

export interface QueueAgingOptions {
  /** ISO-8601 date or instant (UTC unless zoned; a date alone is its midnight). Default: the log's last timestamp. */
  asOf?: string;
  /** Activities that close a case; default see `EndActivitiesSource`. Each must be an activity of the log. */
  endActivities?: string[];
  /** Seconds of silence that judge a case without an end activity ended, `none`, or `auto` (the log's own); default see `Silence`. */
  silence?: SilenceOption;
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
    const ends = await chooseEndActivities(connection, scope.log.id, names, options.endActivities);
    const endIds = ends.names.map((name) => idOf(name, 'end'));
    const silence = await chooseSilence(connection, scope.log.id, options.silence, ends.source);
    const sla = Object.entries(options.sla ?? {}).map(([name, seconds]) => ({ id: idOf(name, 'sla'), seconds }));
    const asOf =
      asOfOption ?? (await queryRow<{ us: number | null }>(connection, `SELECT epoch_us(last_ts) AS us FROM logs WHERE log_id = $log`, { log: filterParams.log! }))?.us ?? 0;

    const params: Params = {
      ...filterParams,
      as_of: asOf,
      ends: idList(endIds),
      silence: silence.seconds ?? -1,
      ...(options.casePrefix !== undefined && { prefix: options.casePrefix }),
    };
    const prefix = options.casePrefix === undefined ? '' : 'AND starts_with(c.name, $prefix)';
    // A case's last event at or before asOf and whether an end activity came by then: for a
    // case that ended by asOf, its own end and its variant (no event scan); else its events up to asOf.
    const open = `
      ended_variant AS (SELECT DISTINCT variant_id FROM variant_activities WHERE log_id = $log AND list_contains($ends::INTEGER[], activity_id)),
      current_step AS (
        SELECT c.name, epoch_us(c.start_ts) AS start_us, c.end_activity_id AS activity_id, epoch_us(c.end_ts) AS since_us,
               c.variant_id IN (SELECT variant_id FROM ended_variant) AS ended
        FROM cases c WHERE ${caseWhere} ${prefix} AND epoch_us(c.end_ts) <= $as_of
        UNION ALL
        SELECT c.name, epoch_us(c.start_ts), arg_max(e.activity_id, e.position), epoch_us(max(e.ts)), bool_or(list_contains($ends::INTEGER[], e.activity_id))
        FROM cases c JOIN events e ON e.log_id = $log AND e.case_id = c.case_id
        WHERE ${caseWhere} ${prefix} AND epoch_us(c.start_ts) <= $as_of AND epoch_us(c.end_ts) > $as_of AND epoch_us(e.ts) <= $as_of
        GROUP BY c.case_id, c.name, c.start_ts
      ),
      judged AS (
        SELECT name, activity_id, start_us, since_us, ($as_of - since_us) / 1e6 AS age, ($as_of - start_us) / 1e6 AS case_age,
               CASE WHEN ended THEN 'ended' WHEN $silence >= 0 AND ($as_of - since_us) / 1e6 > $silence THEN 'silent' ELSE 'open' END AS state
        FROM current_step
      ),
      open_case AS (SELECT * FROM judged WHERE state = 'open')`;
    // The bucket index is the number of bounds at or below the age.
    const bucket = bounds.length === 0 ? '0' : bounds.map((_, i) => `(o.age >= $b${i})::INTEGER`).join(' + ');
    const boundParams = Object.fromEntries(bounds.map((b, i) => [`b${i}`, b]));
    const slaParams = { sla_ids: idList(sla.map((s) => s.id)), sla_seconds: listValue(sla.length === 0 ? [0] : sla.map((s) => s.seconds)) };
    // Ended and silent cases are counted in the same pass, one row each.
    const groups = await queryRows<{ state: 'ended' | 'silent' | 'open'; activity_id: number; bucket: number; count: number; sum: number; max: number; over: number | null }>(
      connection,
      `WITH ${open},
       sla AS (SELECT unnest($sla_ids::INTEGER[]) AS activity_id, unnest($sla_seconds::DOUBLE[]) AS seconds)
       SELECT o.state, CASE WHEN o.state = 'open' THEN o.activity_id ELSE -1 END AS activity_id,
              CASE WHEN o.state = 'open' THEN ${bucket} ELSE 0 END AS bucket, count(*)::BIGINT AS count, sum(o.age) AS sum, max(o.age) AS max,
              (count(*) FILTER (WHERE o.age > s.seconds))::BIGINT AS over
       FROM judged o LEFT JOIN sla s USING (activity_id)
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
    const counted = { started: 0, ended: 0, silent: 0 };
    for (const row of groups) {
      counted.started += row.count;
      if (row.state !== 'open') {
        counted[row.state] += row.count;
        continue;
      }
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
      rule: {
        text: describeRule(ends, silence),
        endShare: END_SHARE,
        endWithinSeconds: END_WITHIN_SECONDS,
        activities: [...names].sort(compare),
        evidence: ends.evidence?.map((e) => ({ ...e, end: ends.names.includes(e.activity) })) ?? null,
        silence,
        cases: counted,
      },
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

function parseAsOf(text: string): number {
  if (typeof text !== 'string') throw new OptionError(`asOf must be an ISO-8601 date or time, not ${JSON.stringify(text)}`);
  try {
    return parseInstant(text, 'as-of');
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
const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
