import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, type Params } from '../../store/db.ts';
import type { AnalysisScope } from '../analysis.ts';
import { quoteIdent } from '../../store/sql.ts';
import { checkWholeNumber, OptionError } from '../errors.ts';

/** Which occurrence of an activity a milestone takes, when a case has it more than once. */
export type Occurrence = 'first' | 'last';
export const OCCURRENCES: readonly Occurrence[] = ['first', 'last'];

/**
 * A milestone-to-milestone duration: from an occurrence of activity `from` (A) to an
 * occurrence of activity `to` (B) after it, per case. "After" is later in the case's
 * order (timestamp, ties in source order), so B at A's very timestamp but earlier in
 * the source does not count.
 * - `fromOccurrence` (default `first`): the case's first or last A.
 * - `toOccurrence` (default `first`): the first B after that A, or the case's last B
 *   (when it lies after that A).
 * A case without A, or without a B other than the chosen A event, is `missing`; a case
 * whose Bs all lie before the chosen A is `reversed`. Neither is measured (never zero).
 */
export interface Milestone {
  from: string;
  to: string;
  fromOccurrence?: Occurrence;
  toOccurrence?: Occurrence;
}

/** What duration an analysis summarizes per case: the case's duration (default) or a milestone duration. */
export type DurationMeasure = 'case' | Milestone;

/** A measure as the result states it, occurrences filled in. */
export type MeasureInfo = { kind: 'case' } | { kind: 'milestone'; from: string; to: string; fromOccurrence: Occurrence; toOccurrence: Occurrence };

/** A measure resolved against a log: SQL selecting (case_id, seconds[, start_ts]) for each measured case, and its parameters. */
export interface ResolvedMeasure {
  info: MeasureInfo;
  /** A SELECT of the measured filtered cases: `case_id`, `seconds`, and `start_ts` (the case's start) for a case measure or when asked. */
  sql: string;
  params: Params;
}

/** The milestone's activities as ids, with the occurrences checked; throws OptionError naming what is wrong. */
async function resolveMilestone(scope: AnalysisScope, milestone: Milestone): Promise<{ info: MeasureInfo & { kind: 'milestone' }; params: Params }> {
  if (typeof milestone !== 'object' || milestone === null) throw new OptionError(`measure must be "case" or a milestone {from, to}, not ${JSON.stringify(milestone)}`);
  const fromOccurrence = milestone.fromOccurrence ?? 'first';
  const toOccurrence = milestone.toOccurrence ?? 'first';
  for (const [name, value] of [['fromOccurrence', fromOccurrence], ['toOccurrence', toOccurrence]] as const) {
    if (!OCCURRENCES.includes(value)) throw new OptionError(`${name} must be first or last, not ${JSON.stringify(value)}`);
  }
  const names = await scope.activityNames();
  const id = (role: 'from' | 'to', name: unknown): number => {
    if (typeof name !== 'string' || name === '') throw new OptionError(`a milestone needs a ${role} activity`);
    const found = names.indexOf(name);
    if (found < 0) {
      const listed = names.slice(0, 20).map((n) => JSON.stringify(n)).join(', ');
      throw new OptionError(`${role}: log ${JSON.stringify(scope.log.name)} has no activity ${JSON.stringify(name)}; its activities include ${listed}`);
    }
    return found;
  };
  const fromId = id('from', milestone.from);
  const toId = id('to', milestone.to);
  return { info: { kind: 'milestone', from: milestone.from, to: milestone.to, fromOccurrence, toOccurrence }, params: { ...scope.params, ms_from: fromId, ms_to: toId } };
}

/**
 * One row per filtered case that has A: `a_ts`, the chosen A's timestamp; `b_ts`, the
 * chosen B's (null when no B follows that A); `has_b`, whether the case has a B other
 * than that A event. One pass over the two activities' events: a case's timestamps
 * never decrease with position, so the first B after A is the earliest B after it, and
 * the last B the latest.
 */
function milestoneCasesSql(scope: AnalysisScope, fromOccurrence: Occurrence, toOccurrence: Occurrence): string {
  const [pick, argPick] = fromOccurrence === 'first' ? ['min', 'arg_min'] : ['max', 'arg_max'];
  return `
    SELECT case_id, a_ts,
           list_${toOccurrence === 'first' ? 'min' : 'max'}(list_transform(list_filter(bs, lambda b: b.p > a_pos), lambda b: b.t)) AS b_ts,
           coalesce(len(list_filter(bs, lambda b: b.p <> a_pos)) > 0, false) AS has_b
    FROM (
      SELECT e.case_id,
             ${pick}(e.position) FILTER (WHERE e.activity_id = $ms_from) AS a_pos,
             ${argPick}(e.ts, e.position) FILTER (WHERE e.activity_id = $ms_from) AS a_ts,
             list({'p': e.position, 't': e.ts}) FILTER (WHERE e.activity_id = $ms_to) AS bs
      FROM events e WHERE e.log_id = $log AND e.activity_id IN ($ms_from, $ms_to) ${scope.eventCases('e')}
      GROUP BY e.case_id
    )
    WHERE a_pos IS NOT NULL`;
}

const SECONDS_BETWEEN = (a: string, b: string) => `(epoch_us(${b}) - epoch_us(${a})) / 1e6`;

/**
 * Resolves a measure to the SQL of its measured cases: `case_id`, `seconds`, and with
 * `withStart` the case's `start_ts`.
 */
export async function resolveMeasure(scope: AnalysisScope, measure: DurationMeasure = 'case', withStart = false): Promise<ResolvedMeasure> {
  if (measure === 'case') {
    return { info: { kind: 'case' }, sql: `SELECT c.case_id, c.duration_s AS seconds, c.start_ts FROM cases c WHERE ${scope.caseWhere}`, params: scope.params };
  }
  const { info, params } = await resolveMilestone(scope, measure);
  const sql = withStart
    ? `SELECT mc.case_id, ${SECONDS_BETWEEN('mc.a_ts', 'mc.b_ts')} AS seconds, c.start_ts
       FROM (${milestoneCasesSql(scope, info.fromOccurrence, info.toOccurrence)}) mc
       JOIN cases c ON c.log_id = $log AND c.case_id = mc.case_id
       WHERE mc.b_ts IS NOT NULL`
    : `SELECT case_id, ${SECONDS_BETWEEN('a_ts', 'b_ts')} AS seconds
       FROM (${milestoneCasesSql(scope, info.fromOccurrence, info.toOccurrence)}) WHERE b_ts IS NOT NULL`;
  return { info, sql, params };
}

/**
 * A milestone's per-case rows for a summary: one per filtered case with A, `seconds`
 * null when not measured, `has_b` whether it has a B besides the chosen A.
 */
export async function milestoneRows(scope: AnalysisScope, measure: Milestone): Promise<{ info: MeasureInfo & { kind: 'milestone' }; sql: string; params: Params }> {
  const { info, params } = await resolveMilestone(scope, measure);
  const sql = `SELECT ${SECONDS_BETWEEN('a_ts', 'b_ts')} AS seconds, has_b FROM (${milestoneCasesSql(scope, info.fromOccurrence, info.toOccurrence)})`;
  return { info, sql, params };
}

/** Histogram bins (1–500), default 30, as in getCaseDurations. */
export function histogramBins(bins: number | undefined): number {
  checkWholeNumber(bins, 'bins', 1, 500);
  return bins ?? 30;
}

export interface Summary {
  /** Rows with a duration (`seconds` not null). */
  count: number;
  /** The `extra` aggregates, by name. */
  extra: Record<string, number>;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** The requested quantiles, in their order (linear interpolation, `quantile_cont`); nulls when there is no duration. */
  quantiles: (number | null)[];
  histogram: { from: number; to: number; count: number }[];
}

/**
 * Summarizes the `seconds` column of a SELECT in one query (rows whose `seconds` is
 * null are skipped, except by the `extra` aggregates, BIGINT expressions over all rows): count, min, max, mean,
 * the given quantiles and a histogram of `bins` equal-width bins from min to max
 * (the last bin includes its upper bound; one bin when all durations are equal),
 * binned exactly as getCaseDurations bins.
 */
export async function summarize(
  connection: DuckDBConnection,
  durationsSql: string,
  params: Params,
  quantiles: readonly number[],
  bins: number,
  extra: Record<string, string> = {},
): Promise<Summary> {
  const extras = Object.entries(extra).map(([name, sql]) => `, (${sql})::BIGINT AS ${quoteIdent(`x_${name}`)}`).join('');
  const row = await queryRow<{ n: number; min: number | null; max: number | null; mean: number | null; q: (number | null)[] | null; bins: { bin: number; count: number }[] | null } & Record<string, number>>(
    connection,
    `WITH d AS MATERIALIZED (${durationsSql}),
     s AS (SELECT count(seconds)::BIGINT AS n${extras}, min(seconds) AS min, max(seconds) AS max, avg(seconds) AS mean,
                  quantile_cont(seconds, [${quantiles.map((q) => Number(q)).join(', ')}]) AS q FROM d),
     h AS (SELECT least(floor((d.seconds - s.min) / ((s.max - s.min) / $bins)), $bins - 1)::INTEGER AS bin, count(*)::BIGINT AS count
           FROM d, s WHERE s.max > s.min AND d.seconds IS NOT NULL GROUP BY bin)
     SELECT s.*, (SELECT list({'bin': bin, 'count': count}) FROM h) AS bins FROM s`,
    { ...params, bins },
  );
  const { n, min, max, mean } = row!;
  const extraValues = Object.fromEntries(Object.keys(extra).map((name) => [name, row![`x_${name}`] as number]));
  const summary: Summary = { count: n, extra: extraValues, min, max, mean, quantiles: row!.q ?? quantiles.map(() => null), histogram: [] };
  if (n === 0 || min === null || max === null) return summary;
  if (min === max) return { ...summary, histogram: [{ from: min, to: max, count: n }] };
  const width = (max - min) / bins;
  const byBin = new Map((row!.bins ?? []).map((b) => [b.bin, b.count]));
  summary.histogram = Array.from({ length: bins }, (_, i) => ({
    from: min + i * width,
    to: i === bins - 1 ? max : min + (i + 1) * width,
    count: byBin.get(i) ?? 0,
  }));
  return summary;
}

/** Rows of per-group duration statistics (cases, median, mean, p90) — used by breakdowns and trends. */
export const GROUP_STATS = `count(*)::BIGINT AS cases, median(d.seconds) AS median, avg(d.seconds) AS mean, quantile_cont(d.seconds, 0.9) AS p90`;
