import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, type Params } from '../../store/db.ts';
import type { AnalysisScope } from '../analysis.ts';
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

/** A measure resolved against a log: SQL selecting (case_id, seconds, start_ts) for each measured case, and its parameters. */
export interface ResolvedMeasure {
  info: MeasureInfo;
  /** A SELECT of the measured filtered cases: `case_id`, `seconds`, `start_ts` (the case's start). */
  sql: string;
  params: Params;
}

/** The milestone's activities as ids, with the occurrences checked; throws OptionError naming what is wrong. */
async function resolveMilestone(scope: AnalysisScope, milestone: Milestone): Promise<{ info: MeasureInfo & { kind: 'milestone' }; fromId: number; toId: number }> {
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
  return { info: { kind: 'milestone', from: milestone.from, to: milestone.to, fromOccurrence, toOccurrence }, fromId, toId };
}

/**
 * Per filtered case that has A: the chosen A's position and timestamp, the chosen B's
 * timestamp (null when no B lies after A) and whether any B other than that A event exists.
 * Activity ids are the index in name order (see AnalysisScope.activityNames).
 */
function milestoneCasesSql(scope: AnalysisScope, fromOccurrence: Occurrence, toOccurrence: Occurrence): string {
  return `
    WITH marks AS (
      SELECT e.case_id, e.position, e.ts, e.activity_id = $ms_from AS is_a, e.activity_id = $ms_to AS is_b
      FROM events e WHERE e.log_id = $log AND e.activity_id IN ($ms_from, $ms_to) ${scope.eventCases('e')}
    ),
    anchors AS (
      SELECT case_id, ${fromOccurrence === 'first' ? 'min' : 'max'}(position) AS a_pos FROM marks WHERE is_a GROUP BY case_id
    )
    SELECT m.case_id,
           any_value(m.ts) FILTER (WHERE m.position = an.a_pos) AS a_ts,
           ${toOccurrence === 'first' ? 'arg_min' : 'arg_max'}(m.ts, m.position) FILTER (WHERE m.is_b AND m.position > an.a_pos) AS b_ts,
           coalesce(bool_or(m.is_b AND m.position <> an.a_pos), false) AS has_b
    FROM marks m JOIN anchors an USING (case_id)
    GROUP BY m.case_id`;
}

const SECONDS_BETWEEN = (a: string, b: string) => `(epoch_us(${b}) - epoch_us(${a})) / 1e6`;

/** Resolves a measure to the SQL of its measured cases. */
export async function resolveMeasure(scope: AnalysisScope, measure: DurationMeasure = 'case'): Promise<ResolvedMeasure> {
  if (measure === 'case') {
    return { info: { kind: 'case' }, sql: `SELECT c.case_id, c.duration_s AS seconds, c.start_ts FROM cases c WHERE ${scope.caseWhere}`, params: scope.params };
  }
  if (typeof measure !== 'object' || measure === null) throw new OptionError(`measure must be "case" or a milestone {from, to}, not ${JSON.stringify(measure)}`);
  const { info, fromId, toId } = await resolveMilestone(scope, measure);
  const sql = `
    SELECT mc.case_id, ${SECONDS_BETWEEN('mc.a_ts', 'mc.b_ts')} AS seconds, c.start_ts
    FROM (${milestoneCasesSql(scope, info.fromOccurrence, info.toOccurrence)}) mc
    JOIN cases c ON c.log_id = $log AND c.case_id = mc.case_id
    WHERE mc.b_ts IS NOT NULL`;
  return { info, sql, params: { ...scope.params, ms_from: fromId, ms_to: toId } };
}

/** How many filtered cases a milestone measured, and why the others were not. */
export async function countMilestoneCases(
  scope: AnalysisScope,
  measure: Milestone,
): Promise<{ info: MeasureInfo & { kind: 'milestone' }; cases: number; measured: number; missing: number; reversed: number }> {
  const { info, fromId, toId } = await resolveMilestone(scope, measure);
  const row = await queryRow<{ cases: number; measured: number; with_both: number }>(
    scope.connection,
    `WITH mc AS (${milestoneCasesSql(scope, info.fromOccurrence, info.toOccurrence)})
     SELECT (SELECT count(*) FROM cases c WHERE ${scope.caseWhere})::BIGINT AS cases,
            count(*) FILTER (WHERE b_ts IS NOT NULL)::BIGINT AS measured,
            count(*) FILTER (WHERE has_b)::BIGINT AS with_both
     FROM mc`,
    { ...scope.params, ms_from: fromId, ms_to: toId },
  );
  const { cases, measured, with_both } = row!;
  return { info, cases, measured, missing: cases - with_both, reversed: with_both - measured };
}

/** Histogram bins (1–500), default 30, as in getCaseDurations. */
export function histogramBins(bins: number | undefined): number {
  checkWholeNumber(bins, 'bins', 1, 500);
  return bins ?? 30;
}

export interface Summary {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** The requested quantiles, in their order (linear interpolation, `quantile_cont`); nulls when there is no duration. */
  quantiles: (number | null)[];
  histogram: { from: number; to: number; count: number }[];
}

/**
 * Summarizes the `seconds` column of a SELECT in one query: count, min, max, mean,
 * the given quantiles and a histogram of `bins` equal-width bins from min to max
 * (the last bin includes its upper bound; one bin when all durations are equal),
 * binned exactly as getCaseDurations bins.
 */
export async function summarize(connection: DuckDBConnection, durationsSql: string, params: Params, quantiles: readonly number[], bins: number): Promise<Summary> {
  const row = await queryRow<{ n: number; min: number | null; max: number | null; mean: number | null; q: (number | null)[] | null; bins: { bin: number; count: number }[] | null }>(
    connection,
    `WITH d AS MATERIALIZED (SELECT seconds FROM (${durationsSql})),
     s AS (SELECT count(*)::BIGINT AS n, min(seconds) AS min, max(seconds) AS max, avg(seconds) AS mean,
                  quantile_cont(seconds, [${quantiles.map((q) => Number(q)).join(', ')}]) AS q FROM d),
     h AS (SELECT least(floor((d.seconds - s.min) / ((s.max - s.min) / $bins)), $bins - 1)::INTEGER AS bin, count(*)::BIGINT AS count
           FROM d, s WHERE s.max > s.min GROUP BY bin)
     SELECT s.*, (SELECT list({'bin': bin, 'count': count}) FROM h) AS bins FROM s`,
    { ...params, bins },
  );
  const { n, min, max, mean } = row!;
  const summary: Summary = { count: n, min, max, mean, quantiles: row!.q ?? quantiles.map(() => null), histogram: [] };
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
