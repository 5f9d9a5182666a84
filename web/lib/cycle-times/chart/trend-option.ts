import type { AriaComponentOption, BarSeriesOption, ComposeOption, GridComponentOption, LegendComponentOption, LineSeriesOption, TooltipComponentOption, XAXisComponentOption, YAXisComponentOption } from 'echarts';
import { formatCount, formatDay, humanizeSeconds } from '../../../../mining/format.ts';
import type { DurationTrend } from '../../../../mining/index.ts';
import { escapeHtml } from '../../escape-html.ts';

export type TrendOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | XAXisComponentOption | YAXisComponentOption | LegendComponentOption | TooltipComponentOption | AriaComponentOption
>;

const DAY = 86_400;

/** Median and p90 per period (days, left axis) over the cases started in it (bars, right axis). */
export function trendOption(trend: DurationTrend): TrendOption {
  const days = (seconds: number | null) => (seconds === null ? null : Number((seconds / DAY).toFixed(3)));
  return {
    aria: { enabled: true, decal: { show: false } },
    animation: false,
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const index = (Array.isArray(params) ? params[0] : params)?.dataIndex;
        const point = index === undefined ? undefined : trend.series[index];
        if (!point) return '';
        return [
          `<b>${escapeHtml(trend.period === 'week' ? `Week of ${formatDay(point.start)}` : point.start.slice(0, 7))}</b>`,
          `${formatCount(point.cases)} cases started`,
          `median ${humanizeSeconds(point.median)} · p90 ${humanizeSeconds(point.p90)} · mean ${humanizeSeconds(point.mean)}`,
        ].join('<br>');
      },
    },
    xAxis: { type: 'category', data: trend.series.map((p) => (trend.period === 'week' ? p.start.slice(0, 10) : p.start.slice(0, 7))), axisLabel: { fontSize: 11, color: '#64748b', hideOverlap: true } },
    yAxis: [
      { type: 'value', name: 'days', nameTextStyle: { fontSize: 11 }, splitLine: { lineStyle: { color: '#eef2f6' } }, axisLabel: { fontSize: 11, color: '#64748b' } },
      { type: 'value', name: 'cases', nameTextStyle: { fontSize: 11 }, minInterval: 1, splitLine: { show: false }, axisLabel: { fontSize: 11, color: '#64748b' } },
    ],
    series: [
      { type: 'bar', name: 'Cases started', yAxisIndex: 1, data: trend.series.map((p) => p.cases), itemStyle: { color: '#e8f0f9' }, barCategoryGap: '20%' },
      { type: 'line', name: 'Median', data: trend.series.map((p) => days(p.median)), itemStyle: { color: '#1f5f9e' }, symbolSize: 5, connectNulls: false },
      { type: 'line', name: 'p90', data: trend.series.map((p) => days(p.p90)), itemStyle: { color: '#e07b39' }, lineStyle: { type: 'dashed' }, symbolSize: 5 },
    ],
  };
}
