import type { DurationStats } from '../../../mining/index.ts';

/** What the map's edges show: how often a handoff happens, or how long it takes by one statistic (total: all cases' time in it). */
export type MapView = 'frequency' | PerformanceStatistic;
export type PerformanceStatistic = 'median' | 'mean' | 'p90' | 'total';
export const PERFORMANCE_STATISTICS: readonly PerformanceStatistic[] = ['median', 'mean', 'p90', 'total'];

/** A handoff's duration by a statistic, in seconds. */
export function durationBy(duration: DurationStats, statistic: PerformanceStatistic): number {
  return statistic === 'total' ? duration.sum : duration[statistic];
}
