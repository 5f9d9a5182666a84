import { queryRows, type Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import { OptionError } from '../errors.ts';
import { GROUP_STATS, resolveMeasure, type DurationMeasure, type MeasureInfo } from './measure.ts';

export type TrendPeriod = 'week' | 'month';
export const TREND_PERIODS: readonly TrendPeriod[] = ['week', 'month'];

/**
 * A duration (case duration, or a milestone duration) per period of case start:
 * a case falls in the week (Monday 00:00 UTC onward) or calendar month (UTC) in which
 * its first event happened, whatever the measure. Periods run from the first to the
 * last that holds a measured case, empty ones included with `cases` 0 and null
 * statistics. `median`, `mean` and `p90` (linear interpolation) are in seconds; only
 * measured cases count (for a milestone: not the missing or reversed ones).
 */
export interface DurationTrend {
  log: string;
  period: TrendPeriod;
  measure: MeasureInfo;
  cases: number;
  series: { start: string; cases: number; median: number | null; mean: number | null; p90: number | null }[];
}

export interface DurationTrendOptions {
  /** Default `week`. */
  period?: TrendPeriod;
  /** Default `case`: the case duration. */
  measure?: DurationMeasure;
}

/** The count and median, mean and p90 duration of the filtered cases per week or month of their start. */
export async function getDurationTrend(store: Store, log: string, filter: Filter = {}, options: DurationTrendOptions = {}): Promise<DurationTrend> {
  const period = options.period ?? 'week';
  if (!TREND_PERIODS.includes(period)) throw new OptionError(`period must be week or month, not ${JSON.stringify(period)}`);
  // Safe to splice: one of two fixed words, checked above.
  const step = period === 'week' ? `INTERVAL 7 DAY` : `INTERVAL 1 MONTH`;
  return runAnalysis(store, log, filter, async (scope) => {
    const measure = await resolveMeasure(scope, options.measure, true);
    const rows = await queryRows<{ start: string; cases: number; median: number | null; mean: number | null; p90: number | null }>(
      scope.connection,
      `WITH d AS (${measure.sql}),
       g AS (SELECT date_trunc('${period}', d.start_ts) AS p, ${GROUP_STATS} FROM d GROUP BY p),
       span AS (SELECT unnest(generate_series(min(p), max(p), ${step})) AS p FROM g)
       SELECT strftime(span.p, '%Y-%m-%dT%H:%M:%S.%gZ') AS start, coalesce(g.cases, 0)::BIGINT AS cases, g.median, g.mean, g.p90
       FROM span LEFT JOIN g USING (p) ORDER BY span.p`,
      measure.params,
    );
    return { log, period, measure: measure.info, cases: rows.reduce((sum, r) => sum + r.cases, 0), series: rows };
  });
}
