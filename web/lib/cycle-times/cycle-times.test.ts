import { describe, expect, it } from 'vitest';
import { binText, histogramOption } from './chart/histogram-option.ts';
import { trendOption } from './chart/trend-option.ts';
import { cycleTimeSettings, defaultBreakdown } from './load.ts';

describe('cycle-time page', () => {
  it('reads its settings from the URL, a week trend unless month is asked', () => {
    expect(cycleTimeSettings(new URL('http://x/logs/a/cycle-times?milestone-from=A&milestone-to=B&by=region&period=month&has=X'))).toEqual({
      milestoneFrom: 'A',
      milestoneTo: 'B',
      by: 'region',
      period: 'month',
    });
    expect(cycleTimeSettings(new URL('http://x/?period=year&milestone-from=%20'))).toEqual({ milestoneFrom: null, milestoneTo: null, by: null, period: 'week' });
  });

  it('breaks down by a text attribute that is not an identifier', () => {
    const attributes = [
      { name: 'amount', type: 'DOUBLE' },
      { name: 'order_id', type: 'VARCHAR' },
      { name: 'customer_tier', type: 'VARCHAR' },
    ];
    expect(defaultBreakdown(attributes)).toBe('customer_tier');
    expect(defaultBreakdown(attributes.slice(0, 2))).toBe('order_id');
    expect(defaultBreakdown([{ name: 'amount', type: 'DOUBLE' }])).toBe('amount');
    expect(defaultBreakdown([])).toBeNull();
  });

  it('draws one bar per bin and says what each holds', () => {
    const bins = [
      { from: 0, to: 3600, count: 4 },
      { from: 3600, to: 7200, count: 1 },
    ];
    const option = histogramOption(bins);
    expect(option.series).toEqual([expect.objectContaining({ type: 'bar', data: [4, 1] })]);
    expect((option.xAxis as { data: string[] }).data).toEqual(['0s', '1h']);
    expect(binText(bins[0]!)).toBe('4 cases lasting 0s to 1h');
    expect(binText(bins[1]!)).toBe('1 case lasting 1h to 2h');
  });

  it('plots the median and p90 in days over the cases started per period', () => {
    const option = trendOption({
      log: 'a',
      period: 'week',
      measure: { kind: 'case' },
      cases: 3,
      series: [
        { start: '2026-01-05T00:00:00.000Z', cases: 3, median: 86_400, mean: 90_000, p90: 172_800 },
        { start: '2026-01-12T00:00:00.000Z', cases: 0, median: null, mean: null, p90: null },
      ],
    });
    const series = option.series as { name: string; data: (number | null)[] }[];
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['Cases started', [3, 0]],
      ['Median', [1, null]],
      ['p90', [2, null]],
    ]);
    expect((option.xAxis as { data: string[] }).data).toEqual(['2026-01-05', '2026-01-12']);
  });
});
