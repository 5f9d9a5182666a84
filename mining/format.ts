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

/** An ISO-8601 instant as its UTC day ("2026-01-26"), how periods and since-dates are shown. */
export function formatDay(iso: string): string {
  return iso.slice(0, 10);
}

/** A count with thousands separators ("1,234"). */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
