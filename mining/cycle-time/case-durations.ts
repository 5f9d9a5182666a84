import { queryRow, queryRows, type Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import { checkWholeNumber } from '../errors.ts';

/**
 * Case durations: a case's duration is its last event's timestamp minus its first's,
 * in seconds. `median` of an even count is the mean of the two middle values; `p90`
 * interpolates linearly. The histogram has equal-width bins from min to max; the
 * last bin includes its upper bound (one bin when every case is equally long).
 */
export interface CaseDurations {
  log: string;
  cases: number;
  seconds: { min: number | null; median: number | null; mean: number | null; max: number | null; p90: number | null };
  histogram: { from: number; to: number; count: number }[];
}

export interface CaseDurationsOptions {
  /** Number of histogram bins (1–500); default 30. */
  bins?: number;
}

export const DEFAULT_HISTOGRAM_BINS = 30;

/** Summarizes the duration of the filtered cases of a log, with a histogram. */
export async function getCaseDurations(store: Store, log: string, filter: Filter = {}, options: CaseDurationsOptions = {}): Promise<CaseDurations> {
  checkWholeNumber(options.bins, 'bins', 1, 500);
  const bins = options.bins ?? DEFAULT_HISTOGRAM_BINS;
  return runAnalysis(store, log, filter, async ({ connection, params, caseWhere: where }) => {
    const stats = await queryRow<{ cases: number; min: number | null; median: number | null; mean: number | null; max: number | null; p90: number | null }>(
      connection,
      `SELECT count(*)::BIGINT AS cases, min(duration_s) AS min, median(duration_s) AS median, avg(duration_s) AS mean,
              max(duration_s) AS max, quantile_cont(duration_s, 0.9) AS p90
       FROM cases c WHERE ${where}`,
      params,
    );
    const { cases, ...seconds } = stats!;
    if (cases === 0 || seconds.min === null || seconds.max === null) return { log, cases, seconds, histogram: [] };
    // Every case equally long (one event each, say): one bin holds them all.
    if (seconds.max === seconds.min) return { log, cases, seconds, histogram: [{ from: seconds.min, to: seconds.max, count: cases }] };
    const width = (seconds.max - seconds.min) / bins;
    const counts = await queryRows<{ bin: number; count: number }>(
      connection,
      `SELECT least(floor((duration_s - $min) / $width), $last)::INTEGER AS bin, count(*)::BIGINT AS count
       FROM cases c WHERE ${where} GROUP BY bin`,
      { ...params, min: seconds.min, width, last: bins - 1 },
    );
    const byBin = new Map(counts.map((row) => [row.bin, row.count]));
    const histogram = Array.from({ length: bins }, (_, i) => ({
      from: seconds.min! + i * width,
      to: i === bins - 1 ? seconds.max! : seconds.min! + (i + 1) * width,
      count: byBin.get(i) ?? 0,
    }));
    return { log, cases, seconds, histogram };
  });
}
