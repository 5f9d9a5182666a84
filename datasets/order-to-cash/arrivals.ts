import { DAY_MS, HOUR_MS, SECOND_MS, weekday } from './calendar.ts';

/**
 * Relative order intake in the hour starting at `t` (epoch ms, UTC): busiest in
 * office hours, lighter in the evening, a trickle at night and at weekends,
 * when only EDI, the portal and the web store take orders.
 */
export function intakeWeight(t: number): number {
  const day = Math.floor(t / DAY_MS);
  const hour = (t - day * DAY_MS) / HOUR_MS;
  const dow = weekday(day);
  const weekend = dow === 0 || dow === 6;
  if (hour >= 8 && hour < 18) return weekend ? 0.15 : 1;
  if (hour >= 6 && hour < 22) return weekend ? 0.1 : 0.35;
  return weekend ? 0.04 : 0.08;
}

/**
 * Spreads orders over a period following the hourly intake weights, without
 * holding the arrival times: the order at quantile `q` of the period's intake
 * arrives at `at(q)`. Asking for `(i + u) / n` with u uniform in [0, 1) gives
 * n stratified arrivals in time order, so order numbers rise with time.
 */
export class ArrivalSchedule {
  /** Cumulative intake weight at the end of each hour of the period. */
  private readonly cumulative: Float64Array;
  private hour = 0;

  constructor(
    private readonly start: number,
    private readonly end: number,
  ) {
    const hours = Math.max(1, Math.ceil((end - start) / HOUR_MS));
    this.cumulative = new Float64Array(hours);
    let total = 0;
    for (let h = 0; h < hours; h++) {
      total += intakeWeight(start + h * HOUR_MS);
      this.cumulative[h] = total;
    }
  }

  /**
   * Epoch ms (whole seconds, inside the period) at which quantile `q` ∈ [0, 1)
   * of the intake has arrived. Amortized O(1) when `q` never decreases.
   */
  at(q: number): number {
    const cumulative = this.cumulative;
    const last = cumulative.length - 1;
    const target = q * (cumulative[last] as number);
    if (this.hour > 0 && (cumulative[this.hour - 1] as number) > target) this.hour = 0;
    while (this.hour < last && (cumulative[this.hour] as number) <= target) this.hour += 1;
    const before = this.hour === 0 ? 0 : (cumulative[this.hour - 1] as number);
    const weight = (cumulative[this.hour] as number) - before;
    const offset = ((target - before) / weight) * HOUR_MS;
    const time = Math.floor((this.start + this.hour * HOUR_MS + offset) / SECOND_MS) * SECOND_MS;
    return Math.min(Math.max(time, this.start), this.end - SECOND_MS);
  }
}
