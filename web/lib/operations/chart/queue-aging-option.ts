import type { AriaComponentOption, BarSeriesOption, ComposeOption, GridComponentOption, LegendComponentOption, TooltipComponentOption, XAXisComponentOption, YAXisComponentOption } from 'echarts';
import { formatCount, humanizeSeconds } from '../../../../mining/format.ts';
import type { QueueStep } from '../../../../mining/index.ts';
import { escapeHtml } from '../../escape-html.ts';

export type QueueAgingOption = ComposeOption<
  BarSeriesOption | GridComponentOption | XAXisComponentOption | YAXisComponentOption | LegendComponentOption | TooltipComponentOption | AriaComponentOption
>;

// From "just arrived" to "long overdue": cool blues, then amber, then red.
const AGE_RAMP = ['#a9cbe8', '#5b9bd5', '#f0b45c', '#e07b39', '#c2412d', '#8e1b12'] as const;

/** The colour of bucket `index` of `count`, spread over the ramp so the oldest bucket is always the darkest red. */
export function bucketColour(index: number, count: number): string {
  if (count <= 1) return AGE_RAMP[AGE_RAMP.length - 1]!;
  const position = Math.round(((AGE_RAMP.length - 1) * index) / (count - 1));
  return AGE_RAMP[Math.min(AGE_RAMP.length - 1, Math.max(0, position))]!;
}

/** Pixels the chart needs to give each step a readable bar, legend and axis included. */
export function queueAgingHeight(steps: readonly QueueStep[]): number {
  return 90 + 30 * Math.max(1, steps.length);
}

/**
 * A stacked horizontal bar per current step (most open cases on top), one segment per
 * aging bucket: how many of the step's open cases have waited that long. Every step
 * has the same buckets (the analysis's bounds), so the first step's labels name them.
 */
export function queueAgingOption(steps: readonly QueueStep[]): QueueAgingOption {
  const labels = steps[0]?.buckets.map((bucket) => bucket.label) ?? [];
  return {
    aria: { enabled: true, decal: { show: false } },
    animation: false,
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (params) => stepTooltip(steps, params) },
    xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef2f6' } } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: steps.map((step) => step.activity),
      axisTick: { show: false },
      axisLabel: { fontSize: 12, color: '#1e293b', width: 180, overflow: 'truncate' },
    },
    series: labels.map((label, index) => ({
      type: 'bar',
      name: label,
      stack: 'age',
      barMaxWidth: 22,
      itemStyle: { color: bucketColour(index, labels.length) },
      emphasis: { focus: 'series' },
      data: steps.map((step) => step.buckets[index]?.count ?? 0),
    })),
  };
}

/** The tooltip of one step: its open cases, mean and max age, and the count in each bucket. */
export function stepTooltip(steps: readonly QueueStep[], params: unknown): string {
  const first = (Array.isArray(params) ? params[0] : params) as { dataIndex?: number } | undefined;
  const step = first?.dataIndex === undefined ? undefined : steps[first.dataIndex];
  if (!step) return '';
  const rows = step.buckets.map((bucket) => `${escapeHtml(bucket.label)}: <b>${formatCount(bucket.count)}</b>`);
  return [
    `<b>${escapeHtml(step.activity)}</b>`,
    `${formatCount(step.count)} open cases · mean age ${humanizeSeconds(step.meanAgeSeconds)} · max ${humanizeSeconds(step.maxAgeSeconds)}`,
    ...rows,
  ].join('<br>');
}
