import type { LineSeriesOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import type { ExceptionTrends } from '../../../../mining/index.ts';
import { exceptionTrendOption, periodDays } from './exception-trend-option.ts';

type ExceptionType = ExceptionTrends['types'][number];

const point = (start: string, cases: number, population: number, complete = true) => ({ start: `${start}T00:00:00.000Z`, count: cases, cases, rate: cases / population, population, complete });
const type = (name: string, series: ExceptionType['series'], changes: ExceptionType['changes'] = []): ExceptionType => ({
  type: name,
  total: series.reduce((sum, p) => sum + p.count, 0),
  cases: series.reduce((sum, p) => sum + p.cases, 0),
  rate: 0.1,
  settleSeconds: 86_400,
  series,
  trend: { slope: 0.02, pValue: 0.01, significant: true, periods: series.length },
  step: null,
  changes,
  drivers: [],
});

const PRICING = type(
  'Pricing discrepancy',
  [point('2026-01-05', 2, 100), point('2026-01-12', 3, 100), point('2026-01-19', 10, 100), point('2026-01-26', 11, 100)],
  [{ start: '2026-01-19T00:00:00.000Z', kind: 'step-up', rate: 0.105, baseline: 0.025, z: 5, pValue: 0.0001 }],
);
// No case started in the week of 2026-01-12: that period is missing, not zero.
const RETURNS = type('Return', [point('2026-01-05', 1, 50), point('2026-01-19', 2, 50), point('2026-01-26', 20, 50)], [
  { start: '2026-01-26T00:00:00.000Z', kind: 'spike', rate: 0.4, baseline: 0.03, z: 4, pValue: 0.001 },
]);

describe('exceptionTrendOption', () => {
  it('puts every type’s periods on one axis of days', () => {
    expect(periodDays([RETURNS, PRICING])).toEqual(['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26']);
    const option = exceptionTrendOption({ period: 'week', types: [PRICING, RETURNS] });
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26'], name: 'week starting' });
  });

  it('draws one line per type with its weekly rate, a gap for a period without cases', () => {
    const series = exceptionTrendOption({ period: 'week', types: [PRICING, RETURNS] }).series as LineSeriesOption[];
    expect(series.map((s) => [s.type, s.name])).toEqual([
      ['line', 'Pricing discrepancy'],
      ['line', 'Return'],
    ]);
    expect(series[0]?.data).toEqual([0.02, 0.03, 0.1, 0.11]);
    expect(series[1]?.data).toEqual([0.02, null, 0.04, 0.4]);
  });

  it('draws a period still settling as a hollow, faded point', () => {
    const settling = type('Credit hold', [point('2026-01-05', 5, 100), point('2026-01-12', 1, 100, false)]);
    const series = exceptionTrendOption({ period: 'week', types: [settling] }).series as LineSeriesOption[];
    expect(series[0]?.data).toEqual([0.05, { value: 0.01, symbol: 'emptyCircle', itemStyle: { opacity: 0.5 } }]);
  });

  it('marks each flagged change on its line at the period it starts in', () => {
    const series = exceptionTrendOption({ period: 'week', types: [PRICING, RETURNS] }).series as LineSeriesOption[];
    expect(series[0]?.markPoint?.data).toEqual([{ name: 'step up', coord: ['2026-01-19', 0.1], value: 0.105 }]);
    expect(series[1]?.markPoint?.data).toEqual([{ name: 'spike', coord: ['2026-01-26', 0.4], value: 0.4 }]);
    const quiet = exceptionTrendOption({ period: 'week', types: [type('Short pick', [point('2026-01-05', 1, 10)])] }).series as LineSeriesOption[];
    expect(quiet[0]?.markPoint?.data).toEqual([]);
  });

  it('labels the rate axis in percent and formats tooltip values as percentages', () => {
    const option = exceptionTrendOption({ period: 'month', types: [PRICING] });
    const axis = option.yAxis as { axisLabel: { formatter: (value: number) => string }; min: number };
    expect(axis.min).toBe(0);
    expect(axis.axisLabel.formatter(0.15)).toBe('15%');
    const tooltip = option.tooltip as { valueFormatter: (value: unknown) => string };
    expect(tooltip.valueFormatter(0.1234)).toBe('12.3%');
    expect(tooltip.valueFormatter(null)).toBe('–');
    expect(option.xAxis).toMatchObject({ name: 'month starting' });
  });
});
