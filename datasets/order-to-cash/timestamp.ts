import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './calendar.ts';

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Most logs span weeks; the cache is dropped past this many days to stay bounded. */
const MAX_CACHED_DAYS = 4096;

/**
 * Formats epoch milliseconds as ISO 8601 UTC with milliseconds and `Z`, exactly
 * like `Date#toISOString` for years 0000–9999, but without a `Date` per call:
 * the `YYYY-MM-DDT` prefix is cached per day and the time of day is built from
 * lookup tables. Writing millions of events, this is most of the CSV cost saved.
 */
export class IsoTimestampFormatter {
  private readonly days = new Map<number, string>();
  private lastMs = Number.NaN;
  private lastText = '';

  /** `ms` must be an integer number of epoch milliseconds. */
  format(ms: number): string {
    // Events often share an instant (one step writes several rows): reuse the last text.
    if (ms === this.lastMs) return this.lastText;
    const day = Math.floor(ms / DAY_MS);
    let rest = ms - day * DAY_MS;
    const hours = Math.floor(rest / HOUR_MS);
    rest -= hours * HOUR_MS;
    const minutes = Math.floor(rest / MINUTE_MS);
    rest -= minutes * MINUTE_MS;
    const seconds = Math.floor(rest / SECOND_MS);
    rest -= seconds * SECOND_MS;
    const text = `${this.datePrefix(day)}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest]}Z`;
    this.lastMs = ms;
    this.lastText = text;
    return text;
  }

  private datePrefix(day: number): string {
    let prefix = this.days.get(day);
    if (prefix === undefined) {
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
      this.days.set(day, prefix);
    }
    return prefix;
  }
}
