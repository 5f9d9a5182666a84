import type {
  AriaComponentOption,
  ComposeOption,
  GridComponentOption,
  LegendComponentOption,
  LineSeriesOption,
  MarkPointComponentOption,
  TooltipComponentOption,
  XAXisComponentOption,
  YAXisComponentOption,
} from 'echarts';
import type { ExceptionTrends } from '../../../../mining/index.ts';
import { formatDay, formatPercent } from '../../../../mining/format.ts';
import { escapeHtml } from '../../escape-html.ts';

export type ExceptionTrendOption = ComposeOption<
  LineSeriesOption | GridComponentOption | XAXisComponentOption | YAXisComponentOption | LegendComponentOption | TooltipComponentOption | MarkPointComponentOption | AriaComponentOption
>;

type ExceptionType = ExceptionTrends['types'][number];
type ChangeKind = ExceptionType['changes'][number]['kind'];

// Distinct hues that stay apart for the colour-blind (Okabe–Ito, without yellow), then greys.
const TYPE_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#000000', '#7f7f7f'] as const;

/** What a flagged change is called on the chart. */
export const CHANGE_LABEL: Record<ChangeKind, string> = {
  'step-up': 'step up',
  'step-down': 'step down',
  spike: 'spike',
  dip: 'dip',
};

/** A period's key: its ISO day ("2026-01-05"), which sorts in time order whatever the reader's locale. */
const dayOf = (iso: string) => iso.slice(0, 10);

/** The periods of all types, in order, as ISO days ("2026-01-05"): the chart's x axis (labelled the reader's way). */
export function periodDays(types: readonly ExceptionType[]): string[] {
  return [...new Set(types.flatMap((type) => type.series.map((point) => dayOf(point.start))))].sort();
}

/**
 * One line per exception type: its rate (cases with the exception / the period's cases)
 * in each period, a gap where a period had no case, a hollow point where the period is
 * incomplete (left out of the tests). Each flagged change (a significant
 * step, or an outlier period) is a pin on its type's line at the period it starts in.
 */
export function exceptionTrendOption(trends: Pick<ExceptionTrends, 'types' | 'period'>): ExceptionTrendOption {
  const days = periodDays(trends.types);
  return {
    aria: { enabled: true, decal: { show: false } },
    animation: false,
    color: [...TYPE_COLOURS],
    grid: { left: 8, right: 32, top: 48, bottom: 34, containLabel: true },
    legend: { top: 0, left: 0, type: 'scroll', itemWidth: 18, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', valueFormatter: (value) => (typeof value === 'number' ? formatPercent(value) : '–') },
    xAxis: { type: 'category', data: days, axisLabel: { formatter: (day: string) => formatDay(day) }, boundaryGap: false, name: `${trends.period} starting`, nameLocation: 'middle', nameGap: 30, nameTextStyle: { color: '#64748b' } },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: (value: number) => formatPercent(value, 0) }, splitLine: { lineStyle: { color: '#eef2f6' } } },
    series: trends.types.map((type) => {
      const rates = new Map(type.series.map((point) => [dayOf(point.start), point.rate]));
      const incomplete = new Set(type.series.filter((point) => !point.complete).map((point) => dayOf(point.start)));
      return {
        type: 'line',
        name: type.type,
        // A period still settling (its cases may yet get exceptions) is a hollow, faded point: shown, not judged.
        data: days.map((day) => (incomplete.has(day) ? { value: rates.get(day)!, symbol: 'emptyCircle', itemStyle: { opacity: 0.5 } } : (rates.get(day) ?? null))),
        connectNulls: false,
        // Filled points for judged periods (ECharts' default is hollow), so a hollow one stands out.
        symbol: 'circle',
        symbolSize: 6,
        lineStyle: { width: 2 },
        emphasis: { focus: 'series' },
        markPoint: {
          symbol: 'pin',
          symbolSize: 44,
          label: { fontSize: 10, formatter: (params: { name?: string }) => params.name ?? '' },
          data: type.changes.map((change) => ({
            name: CHANGE_LABEL[change.kind],
            coord: [dayOf(change.start), rates.get(dayOf(change.start)) ?? change.rate],
            value: change.rate,
          })),
          tooltip: { formatter: (params: unknown) => changeTooltip(type.type, params as { name?: string; value?: unknown }) },
        },
      };
    }),
  };
}

function changeTooltip(type: string, params: { name?: string; value?: unknown }): string {
  return `<b>${escapeHtml(type)}</b>: ${escapeHtml(params.name ?? '')} (${formatPercent(typeof params.value === 'number' ? params.value : null)})`;
}
