import { describe, expect, it } from 'vitest';
import { formatDay, formatKpiValue, formatPercent, formatSlope } from './format.ts';

describe('formatKpiValue', () => {
  it('shows ratios as percentages and seconds humanized', () => {
    expect(formatKpiValue({ value: 0.4134078, unit: 'ratio', computable: true })).toBe('41.3%');
    expect(formatKpiValue({ value: 1, unit: 'ratio', computable: true })).toBe('100.0%');
    expect(formatKpiValue({ value: 173377, unit: 'seconds', computable: true })).toBe('2d');
    expect(formatKpiValue({ value: 272727, unit: 'seconds', computable: true })).toBe('3d 3h');
  });

  it('gives no number for a KPI that cannot be computed, and a dash for one computed over nothing', () => {
    expect(formatKpiValue({ value: null, unit: 'ratio', computable: false })).toBeNull();
    expect(formatKpiValue({ value: 0.5, unit: 'ratio', computable: false })).toBeNull();
    expect(formatKpiValue({ value: null, unit: 'seconds', computable: true })).toBe('–');
  });
});

describe('formatPercent, formatSlope, formatDay', () => {
  it('formats rates, slopes in percentage points and days', () => {
    expect(formatPercent(0.0634304)).toBe('6.3%');
    expect(formatPercent(null)).toBe('–');
    expect(formatSlope(0.0230625)).toBe('+2.31 pp/week');
    expect(formatSlope(-0.0007979)).toBe('−0.08 pp/week');
    expect(formatSlope(0)).toBe('±0.00 pp/week');
    expect(formatSlope(null)).toBe('–');
    expect(formatDay('2026-01-26T00:00:00.000Z')).toBe('2026-01-26');
  });
});
