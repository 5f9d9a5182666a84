/**
 * The locale counts, percentages and dates are shown in. Unset (the CLI, reports,
 * tests), they read the same everywhere: "1,234", "41.3%", "2026-01-26". The dashboard
 * sets its reader's (from the browser's Accept-Language) before drawing a page.
 */
let displayLocale: string | null = null;

/** Shows numbers and dates for `locale` (a BCP 47 tag), or as the default again (null, or a tag Intl does not know). */
export function setDisplayLocale(locale: string | null): void {
  displayLocale = locale !== null && knownLocale(locale) ? locale : null;
}

/** The display locale the page set, else `fallback` (for a format whose default reads better than en-US's). */
export function displayLocaleOr(fallback: string): string {
  return displayLocale ?? fallback;
}

/** Whether Intl formats for this tag (a malformed tag is not known, rather than an error). */
function knownLocale(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

/** How counts are written in the display locale: its grouping and decimal marks ("," and "." in en-US). */
export function numberSeparators(): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(displayLocale ?? 'en-US').formatToParts(12345.6);
  return { group: parts.find((p) => p.type === 'group')?.value ?? ',', decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.' };
}

/** The first language of an Accept-Language header that Intl knows, or null. */
export function preferredLocale(acceptLanguage: string | null): string | null {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim();
    if (tag !== '' && tag !== '*' && knownLocale(tag)) return tag;
  }
  return null;
}

const UNITS: readonly [label: string, seconds: number][] = [
  ['y', 365 * 86400],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/**
 * A duration in seconds as people read it: the two largest non-zero units
 * ("3d 4h", "2h 5m", "45s"); under a second, milliseconds ("120ms").
 */
export function humanizeSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  if (rest === 0) return '0s';
  if (rest < 1) return `${sign}${Math.round(rest * 1000)}ms`;
  rest = Math.round(rest);
  const parts: string[] = [];
  for (const [label, size] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${label}`);
      rest %= size;
    } else if (parts.length > 0) {
      break; // units must be adjacent: "1d 3m" would mislead, "1d" is honest
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}

/**
 * A fraction from 0 to 1 as a percentage with `digits` decimals: "41.3%" on a page,
 * "41.3 %" in the terminal's aligned tables (`spaced`); '–' for null.
 */
export function formatPercent(ratio: number | null | undefined, digits = 1, spaced = false): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  if (displayLocale !== null) return ratio.toLocaleString(displayLocale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${(ratio * 100).toFixed(digits)}${spaced ? ' %' : '%'}`;
}

/**
 * A KPI's value as people read it: ratios as percentages, times humanized ("2d 0h").
 * Null for a KPI that cannot be computed: it shows the reason, never a number.
 */
export function formatKpiValue(kpi: { value: number | null; unit: string; computable: boolean }, spaced = false): string | null {
  if (!kpi.computable) return null;
  if (kpi.value === null) return '–';
  return kpi.unit === 'ratio' ? formatPercent(kpi.value, 1, spaced) : humanizeSeconds(kpi.value);
}

/** A trend's slope (rate per period) in percentage points per period, signed ("+2.3 pp/week"). */
export function formatSlope(slope: number | null, period: 'week' | 'month' = 'week'): string {
  if (slope === null || !Number.isFinite(slope)) return '–';
  const points = slope * 100;
  const sign = points > 0.005 ? '+' : points < -0.005 ? '−' : '±';
  return `${sign}${Math.abs(points).toFixed(2)} pp/${period}`;
}

/** An ISO-8601 instant as its UTC day ("2026-01-26", or the reader's way: "26 Jan 2026"), how periods and since-dates are shown. */
export function formatDay(iso: string): string {
  if (displayLocale === null) return iso.slice(0, 10);
  const day = new Date(iso);
  return Number.isNaN(day.getTime()) ? iso.slice(0, 10) : day.toLocaleDateString(displayLocale, { dateStyle: 'medium', timeZone: 'UTC' });
}

/**
 * An instant (ISO-8601 or epoch milliseconds) to the minute or second, in UTC ("2026-01-26 14:05 UTC",
 * or the reader's way): the same on the server and in the browser, and as the log recorded it.
 */
export function formatInstant(at: string | number, { seconds = false, zone = true } = {}): string {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) return String(at);
  const text =
    displayLocale === null
      ? instant.toISOString().slice(0, seconds ? 19 : 16).replace('T', ' ')
      : instant.toLocaleString(displayLocale, { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short', timeZone: 'UTC' });
  return zone ? `${text} UTC` : text;
}

/** A count with thousands separators ("1,234", or the reader's: "1.234"). */
export function formatCount(value: number): string {
  return value.toLocaleString(displayLocale ?? 'en-US');
}
