import { queryRow, queryRows, type Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../log.ts';

/**
 * Case durations: a case's duration is its last event's timestamp minus its first's,
 * in seconds. `median` of an even count is the mean of the two middle values; `p90`
 * interpolates linearly. The histogram has equal-width bins from min to max; the
 * last bin includes its upper bound.
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
  const bins = options.bins ?? DEFAULT_HISTOGRAM_BINS;
  if (!Number.isInteger(bins) || bins < 1 || bins > 500) throw new RangeError(`bins must be a whole number from 1 to 500, not ${bins}`);
  return runAnalysis(store, log, filter, async ({ connection, params, filter: compiled }) => {
    const where = `c.log_id = $log AND ${compiled.caseWhere}`;
    const stats = await queryRow<{ cases: number; min: number | null; median: number | null; mean: number | null; max: number | null; p90: number | null }>(
      connection,
      `SELECT count(*)::BIGINT AS cases, min(duration_s) AS min, median(duration_s) AS median, avg(duration_s) AS mean,
              max(duration_s) AS max, quantile_cont(duration_s, 0.9) AS p90
       FROM cases c WHERE ${where}`,
      params,
    );
    const { cases, ...seconds } = stats!;
    if (cases === 0 || seconds.min === null || seconds.max === null) return { log, cases, seconds, histogram: [] };
    const width = (seconds.max - seconds.min) / bins || 1;
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
