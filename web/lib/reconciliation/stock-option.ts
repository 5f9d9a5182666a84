import type { AriaComponentOption, BarSeriesOption, ComposeOption, GridComponentOption, LegendComponentOption, TooltipComponentOption, XAXisComponentOption, YAXisComponentOption } from 'echarts';
import type { Reconciliation } from '../../../mining/index.ts';

export type StockTrendOption = ComposeOption<BarSeriesOption | GridComponentOption | XAXisComponentOption | YAXisComponentOption | LegendComponentOption | TooltipComponentOption | AriaComponentOption>;

const WAREHOUSE_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#7f7f7f'];

/** The net units counted in or out per week, one bar per warehouse (below zero: shrinkage outweighs what was found). */
export function stockTrendOption(trend: Reconciliation['stock']['trend']): StockTrendOption {
  const weeks = [...new Set(trend.map((row) => row.week))].sort();
  const warehouses = [...new Set(trend.map((row) => row.warehouse))].sort();
  const units = new Map(trend.map((row) => [`${row.week}\u0000${row.warehouse}`, row.units]));
  return {
    aria: { enabled: true, decal: { show: false } },
    animation: false,
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: weeks, axisLabel: { fontSize: 11, color: '#64748b' } },
    yAxis: { type: 'value', name: 'units', nameTextStyle: { fontSize: 11 }, splitLine: { lineStyle: { color: '#eef2f6' } }, axisLabel: { fontSize: 11, color: '#64748b' } },
    series: warehouses.map((warehouse, i) => ({
      type: 'bar',
      name: warehouse,
      data: weeks.map((week) => units.get(`${week}\u0000${warehouse}`) ?? 0),
      itemStyle: { color: WAREHOUSE_COLOURS[i % WAREHOUSE_COLOURS.length] },
      barMaxWidth: 18,
    })),
  };
}
