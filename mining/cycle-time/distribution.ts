import type { Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import type { CaseDurations, CaseDurationsOptions } from './case-durations.ts';
import { histogramBins, resolveMeasure, summarize } from './measure.ts';

/**
 * The case duration distribution: getCaseDurations' result (same `seconds`, same
 * histogram) plus percentiles. A case's duration is its last event's timestamp minus
 * its first's, in seconds; percentiles interpolate linearly between the two nearest
 * ranks (DuckDB `quantile_cont`, numpy's default), so `p50` equals `median`.
 */
export interface CaseDurationDistribution extends CaseDurations {
  percentiles: { p10: number | null; p25: number | null; p50: number | null; p75: number | null; p90: number | null; p95: number | null; p99: number | null };
}

const PERCENTILES = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const;

/** Summarizes the duration of the filtered cases of a log: min, max, mean, percentiles p10–p99 and a histogram (`bins`, default 30). */
export async function getCaseDurationDistribution(store: Store, log: string, filter: Filter = {}, options: CaseDurationsOptions = {}): Promise<CaseDurationDistribution> {
  const bins = histogramBins(options.bins);
  return runAnalysis(store, log, filter, async (scope) => {
    const measure = await resolveMeasure(scope, 'case');
    const s = await summarize(scope.connection, measure.sql, measure.params, PERCENTILES, bins);
    const [p10, p25, p50, p75, p90, p95, p99] = s.quantiles as (number | null)[];
    return {
      log,
      cases: s.count,
      seconds: { min: s.min, median: p50 ?? null, mean: s.mean, max: s.max, p90: p90 ?? null },
      percentiles: { p10: p10 ?? null, p25: p25 ?? null, p50: p50 ?? null, p75: p75 ?? null, p90: p90 ?? null, p95: p95 ?? null, p99: p99 ?? null },
      histogram: s.histogram,
    };
  });
}
