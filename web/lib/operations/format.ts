import { humanizeSeconds } from '../../../mining/format.ts';
import type { Kpi } from '../../../mining/index.ts';

/** A fraction from 0 to 1 as a percentage with `digits` decimals ("41.3%"); '–' for null. */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/**
 * A KPI's value as a card shows it: ratios as percentages, times humanized ("2d 0h").
 * Null for a KPI that cannot be computed: its card shows the reason, never a number.
 */
export function formatKpiValue(kpi: Pick<Kpi, 'value' | 'unit' | 'computable'>): string | null {
  if (!kpi.computable) return null;
  if (kpi.value === null) return '–';
  return kpi.unit === 'ratio' ? formatPercent(kpi.value) : humanizeSeconds(kpi.value);
}

/** A trend's slope (rate per period) in percentage points per week, signed ("+2.3 pp/week"). */
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
