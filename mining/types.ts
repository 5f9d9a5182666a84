/** Statistics of a set of durations, in seconds. `stdev` is the sample standard deviation (n − 1), null when n < 2. */
export interface DurationStats {
  mean: number;
  median: number;
  min: number;
  max: number;
  p90: number;
  sum: number;
  stdev: number | null;
}
