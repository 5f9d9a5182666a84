import type { Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import { histogramBins, milestoneRows, summarize, type MeasureInfo, type Milestone } from './measure.ts';

/**
 * Milestone durations from activity A (`from`) to activity B (`to`), in seconds, over
 * the filtered cases (occurrence semantics: see Milestone). `cases` = `measured` +
 * `missing` + `reversed`:
 * - `missing`: cases without A, or without any B besides the chosen A event;
 * - `reversed`: cases with A and B where no B follows the chosen A (B only before it);
 * neither is measured as zero. `seconds` is over the measured cases (nulls when none);
 * quantiles interpolate linearly (`quantile_cont`); the histogram bins as getCaseDurations'.
 */
export interface MilestoneDurations {
  log: string;
  measure: MeasureInfo & { kind: 'milestone' };
  cases: number;
  measured: number;
  missing: number;
  reversed: number;
  seconds: { min: number | null; p25: number | null; median: number | null; mean: number | null; p75: number | null; p90: number | null; max: number | null };
  histogram: { from: number; to: number; count: number }[];
}

export interface MilestoneOptions extends Milestone {
  /** Number of histogram bins (1–500); default 30. */
  bins?: number;
}

/** Per filtered case, the time from a first (or last) A to the first (or last) B after it; summarized with a histogram. */
export async function getMilestoneDurations(store: Store, log: string, filter: Filter, options: MilestoneOptions): Promise<MilestoneDurations> {
  const bins = histogramBins(options.bins);
  const milestone: Milestone = { from: options.from, to: options.to, fromOccurrence: options.fromOccurrence, toOccurrence: options.toOccurrence };
  return runAnalysis(store, log, filter, async (scope) => {
    const { info, sql, params } = await milestoneRows(scope, milestone);
    const s = await summarize(scope.connection, sql, params, [0.25, 0.5, 0.75, 0.9], bins, {
      cases: `SELECT count(*) FROM cases c WHERE ${scope.caseWhere}`,
      withBoth: 'count(*) FILTER (WHERE has_b)',
    });
    const { cases, withBoth } = s.extra as { cases: number; withBoth: number };
    const [p25 = null, median = null, p75 = null, p90 = null] = s.quantiles;
    return {
      log,
      measure: info,
      cases,
      measured: s.count,
      missing: cases - withBoth,
      reversed: withBoth - s.count,
      seconds: { min: s.min, p25, median, mean: s.mean, p75, p90, max: s.max },
      histogram: s.histogram,
    };
  });
}
