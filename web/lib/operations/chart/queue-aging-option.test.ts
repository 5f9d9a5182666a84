import type { BarSeriesOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import type { QueueStep } from '../../../../mining/index.ts';
import { bucketColour, queueAgingHeight, queueAgingOption, stepTooltip } from './queue-aging-option.ts';

const DAY = 86400;
const step = (activity: string, counts: [number, number, number, number]): QueueStep => ({
  activity,
  count: counts.reduce((a, b) => a + b, 0),
  meanAgeSeconds: 2 * DAY,
  maxAgeSeconds: 9 * DAY,
  buckets: [
    { label: '< 1 d', fromSeconds: 0, toSeconds: DAY, count: counts[0] },
    { label: '1–3 d', fromSeconds: DAY, toSeconds: 3 * DAY, count: counts[1] },
    { label: '3–7 d', fromSeconds: 3 * DAY, toSeconds: 7 * DAY, count: counts[2] },
    { label: '> 7 d', fromSeconds: 7 * DAY, toSeconds: null, count: counts[3] },
  ],
  slaSeconds: null,
  overSla: null,
});
const STEPS = [step('Invoiced', [5, 74, 148, 378]), step('Credit Hold', [2, 6, 19, 0]), step('<Picked>', [1, 0, 0, 0])];

describe('queueAgingOption', () => {
  it('stacks one series per aging bucket with each step’s counts, in the steps’ order', () => {
    const option = queueAgingOption(STEPS);
    const series = option.series as BarSeriesOption[];
    expect(series.map((s) => s.name)).toEqual(['< 1 d', '1–3 d', '3–7 d', '> 7 d']);
    expect(series.every((s) => s.type === 'bar' && s.stack === 'age')).toBe(true);
    expect(series.map((s) => s.data)).toEqual([
      [5, 2, 1],
      [74, 6, 0],
      [148, 19, 0],
      [378, 0, 0],
    ]);
    // Horizontal bars, the busiest step on top.
    expect(option.xAxis).toMatchObject({ type: 'value' });
    expect(option.yAxis).toMatchObject({ type: 'category', inverse: true, data: ['Invoiced', 'Credit Hold', '<Picked>'] });
  });

  it('colours the youngest bucket blue and the oldest dark red', () => {
    const colours = (queueAgingOption(STEPS).series as BarSeriesOption[]).map((s) => (s.itemStyle as { color: string }).color);
    expect(colours[0]).toBe('#a9cbe8');
    expect(colours[3]).toBe('#8e1b12');
    expect(new Set(colours).size).toBe(4);
    expect(bucketColour(0, 1)).toBe('#8e1b12');
  });

  it('draws nothing but axes for a log with no open cases', () => {
    const option = queueAgingOption([]);
    expect(option.series).toEqual([]);
    expect(option.yAxis).toMatchObject({ data: [] });
    expect(queueAgingHeight([])).toBeGreaterThan(100);
    expect(queueAgingHeight(STEPS)).toBeGreaterThan(queueAgingHeight([]));
  });

  it('explains a step in its tooltip, with the name escaped', () => {
    const tip = stepTooltip(STEPS, [{ dataIndex: 2 }]);
    expect(tip).toContain('&#60;Picked&#62;');
    expect(tip).not.toContain('<Picked>');
    const invoiced = stepTooltip(STEPS, [{ dataIndex: 0 }]);
    expect(invoiced).toContain('605 open cases');
    expect(invoiced).toContain('mean age 2d');
    expect(invoiced).toContain('max 9d');
    expect(invoiced).toContain('&#62; 7 d: <b>378</b>');
    expect(stepTooltip(STEPS, [{ dataIndex: 9 }])).toBe('');
  });
});
