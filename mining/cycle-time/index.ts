/** Cycle times: case durations and their distribution, milestone durations, breakdowns by attribute and trends. */
export { getCaseDurations, DEFAULT_HISTOGRAM_BINS, type CaseDurations, type CaseDurationsOptions } from './case-durations.ts';
export { getCaseDurationDistribution, type CaseDurationDistribution } from './distribution.ts';
export { getMilestoneDurations, type MilestoneDurations, type MilestoneOptions } from './milestone.ts';
export { getDurationBreakdown, DEFAULT_BREAKDOWN_LIMIT, type DurationBreakdown, type DurationBreakdownOptions, type BreakdownBucket, type BreakdownSort, BREAKDOWN_SORTS } from './breakdown.ts';
export { getDurationTrend, TREND_PERIODS, type DurationTrend, type DurationTrendOptions, type TrendPeriod } from './trend.ts';
export { OCCURRENCES, type DurationMeasure, type MeasureInfo, type Milestone, type Occurrence } from './measure.ts';
