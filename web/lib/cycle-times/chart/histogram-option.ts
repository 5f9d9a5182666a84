import type { AriaComponentOption, BarSeriesOption, ComposeOption, GridComponentOption, TooltipComponentOption, XAXisComponentOption, YAXisComponentOption } from 'echarts';
import { formatCount, humanizeSeconds } from '../../../../mining/format.ts';

export type HistogramOption = ComposeOption<BarSeriesOption | GridComponentOption | XAXisComponentOption | YAXisComponentOption | TooltipComponentOption | AriaComponentOption>;

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** How many cases a bin holds, in words for its tooltip and its link. */
export function binText(bin: Bin, noun = 'cases'): string {
  return `${formatCount(bin.count)} ${bin.count === 1 ? noun.replace(/s$/, '') : noun} lasting ${humanizeSeconds(bin.from)} to ${humanizeSeconds(bin.to)}`;
}

/** A histogram of durations: one bar per bin, labelled by its lower bound. */
export function histogramOption(bins: readonly Bin[], noun = 'cases'): HistogramOption {
  return {
    aria: { enabled: true, decal: { show: false } },
    animation: false,
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (params) => binText(bins[(params as { dataIndex: number }).dataIndex]!, noun) },
    xAxis: {
      type: 'category',
      data: bins.map((bin) => humanizeSeconds(bin.from)),
      axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: 11, color: '#64748b', hideOverlap: true },
    },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef2f6' } }, axisLabel: { fontSize: 11, color: '#64748b' } },
    series: [{ type: 'bar', data: bins.map((bin) => bin.count), barCategoryGap: '8%', itemStyle: { color: '#5b9bd5' }, emphasis: { itemStyle: { color: '#1f5f9e' } }, cursor: 'pointer' }],
  };
}
