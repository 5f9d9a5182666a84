import type { JsonValue } from '../../store/db.ts';
import type { ChartSpec } from './parse.ts';
import type { QueryResult } from './sandbox.ts';

/** One series of a chart: its name and a value per x. */
interface Series {
  name: string;
  values: (number | null)[];
}

/**
 * A chart block's ECharts option, from its query's result: the x column as categories
 * (in the query's order), one series per y column, or per value of the series column.
 * Pure, so the page, HTML and PDF draw the same chart.
 */
export function notebookChartOption(chart: ChartSpec, result: QueryResult) {
  const column = (name: string) => result.columns.findIndex((c) => c.name === name);
  const xAt = column(chart.x);
  const ys = Array.isArray(chart.y) ? chart.y : [chart.y];
  const categories: string[] = [];
  const index = new Map<string, number>();
  for (const row of result.rows) {
    const x = label(row[xAt]!);
    if (!index.has(x)) {
      index.set(x, categories.length);
      categories.push(x);
    }
  }
  let series: Series[];
  if (chart.series !== undefined) {
    const seriesAt = column(chart.series);
    const yAt = column(ys[0]!);
    const byName = new Map<string, Series>();
    for (const row of result.rows) {
      const name = label(row[seriesAt]!);
      let one = byName.get(name);
      if (!one) byName.set(name, (one = { name, values: categories.map(() => null) }));
      one.values[index.get(label(row[xAt]!))!] = numberOf(row[yAt]!);
    }
    series = [...byName.values()];
  } else {
    series = ys.map((y) => {
      const at = column(y);
      const values: (number | null)[] = categories.map(() => null);
      for (const row of result.rows) values[index.get(label(row[xAt]!))!] = numberOf(row[at]!);
      return { name: y, values };
    });
  }
  const type = chart.type === 'area' ? 'line' : chart.type;
  return {
    // Drawn at once: a PDF or a screenshot never catches a bar half grown.
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: chart.type === 'scatter' ? 'item' : 'axis' },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: 56, right: 16, top: series.length > 1 ? 32 : 16, bottom: 40 },
    xAxis: { type: 'category', data: categories, name: chart.x, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: ys.length === 1 && chart.series === undefined ? ys[0] : undefined },
    series: series.map((one) => ({
      name: one.name,
      type,
      data: one.values,
      ...(chart.stacked && { stack: 'all' }),
      ...(chart.type === 'area' && { areaStyle: {} }),
    })),
  };
}

function label(value: JsonValue): string {
  return value === null ? '(none)' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function numberOf(value: JsonValue): number | null {
  return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : null;
}
