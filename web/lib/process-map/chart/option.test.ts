import type { CustomSeriesOption, CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams } from 'echarts';
import { beforeAll, describe, expect, it } from 'vitest';
import { layoutProcessMap, type ProcessMapLayout } from '../layout/elk-graph.ts';
import { ORDER_TO_CASH } from '../../../../test-support/process-maps.ts';
import { humanizeSeconds } from '../../../../mining/format.ts';
import { durationBy, PERFORMANCE_STATISTICS } from '../views.ts';
import { escapeHtml } from '../../escape-html.ts';
import { luminance } from './colour-scale.ts';
import {
  chartHeight,
  edgeStyles,
  edgeTooltip,
  fitViewport,
  MAX_FIT_SCALE,
  nodeStyles,
  nodeTooltip,
  processMapOption,
  zoomBatch,
  zoomWindow,
} from './option.ts';

let layout: ProcessMapLayout;
beforeAll(async () => {
  layout = await layoutProcessMap(ORDER_TO_CASH);
});

const edgeIndex = (from: string, to: string) => layout.edges.findIndex((edge) => edge.from === from && edge.to === to && edge.kind === 'transition');

describe('fitViewport', () => {
  it('gives x and y the same scale, so the map keeps its aspect ratio in any chart', () => {
    for (const size of [
      { width: 1200, height: 700 },
      { width: 500, height: 1400 },
      { width: 300, height: 300 },
    ]) {
      const { x, y, scale } = fitViewport(layout, size);
      expect(size.width / (x[1] - x[0])).toBeCloseTo(scale, 9);
      expect(size.height / (y[1] - y[0])).toBeCloseTo(scale, 9);
    }
  });

  it('shows the whole map, centred, and never enlarges it', () => {
    const { x, y, scale } = fitViewport(layout, { width: 4000, height: 4000 });
    expect(scale).toBe(MAX_FIT_SCALE);
    expect(x[0] + x[1]).toBeCloseTo(layout.width, 6);
    expect(y[0] + y[1]).toBeCloseTo(layout.height, 6);
    const small = fitViewport(layout, { width: 400, height: 300 });
    expect(small.x[0]).toBeLessThanOrEqual(0);
    expect(small.x[1]).toBeGreaterThanOrEqual(layout.width);
    expect(small.y[0]).toBeLessThanOrEqual(0);
    expect(small.y[1]).toBeGreaterThanOrEqual(layout.height);
  });
});

describe('chartHeight', () => {
  const tall = { width: 400, height: 1600 };
  it('draws a tall map at the scale its width allows, up to a maximum', () => {
    expect(chartHeight(tall, 1200)).toBe(1600 + 32);
    expect(chartHeight(tall, 232)).toBe(Math.ceil(1600 * 0.5) + 32);
    expect(chartHeight(tall, 1200, 360, 1000)).toBe(1000);
  });

  it('keeps a minimum height for a flat map', () => {
    expect(chartHeight({ width: 800, height: 100 }, 1200)).toBe(360);
  });
});

describe('nodeStyles', () => {
  it('shades frequent activities darker, with readable text', () => {
    const styles = nodeStyles(layout);
    const fillOf = (name: string) => styles[layout.nodes.findIndex((node) => node.name === name)]?.fill ?? '';
    expect(luminance(fillOf('Order Captured'))).toBeLessThan(luminance(fillOf('Credit Hold')));
    expect(luminance(fillOf('Credit Hold'))).toBeGreaterThan(0.5);
    const dark = styles[layout.nodes.findIndex((node) => node.name === 'Order Validated')];
    expect(dark?.text).toBe('#ffffff');
  });
});

describe('edgeStyles', () => {
  it('in frequency view, labels edges with their counts and widens them with the count', () => {
    const styles = edgeStyles(layout, 'frequency');
    expect(styles.map((style) => style.label)).toEqual(layout.edges.map((edge) => edge.count.toLocaleString('en-US')));
    const ranked = layout.edges.map((edge, i) => ({ count: edge.count, width: styles[i]?.width ?? 0 })).sort((a, b) => a.count - b.count);
    for (let i = 1; i < ranked.length; i++) {
      const [lower, higher] = [ranked[i - 1], ranked[i]] as [{ count: number; width: number }, { count: number; width: number }];
      if (higher.count > lower.count) expect(higher.width).toBeGreaterThan(lower.width);
      else expect(higher.width).toBe(lower.width);
    }
  });

  it('in performance view, labels with the median and makes the slowest handoff the widest and reddest', () => {
    const styles = edgeStyles(layout, 'median');
    const hold = styles[edgeIndex('Credit Hold', 'Credit Released')];
    const quick = styles[edgeIndex('Picked', 'Packed')];
    expect(hold?.label).toBe('3d');
    expect(quick?.label).toBe('1h');
    const widths = styles.map((style) => style.width);
    expect(hold?.width).toBe(Math.max(...widths));
    const red = (hex: string) => Number.parseInt(hex.slice(1, 3), 16) - Number.parseInt(hex.slice(5, 7), 16);
    expect(red(hold?.stroke ?? '')).toBeGreaterThan(100);
    expect(red(hold?.stroke ?? '')).toBeGreaterThan(red(quick?.stroke ?? ''));
  });

  it('drops the labels of start and end arcs in performance view: they have no duration', () => {
    for (const statistic of PERFORMANCE_STATISTICS) {
      const styles = edgeStyles(layout, statistic);
      layout.edges.forEach((edge, i) => {
        if (edge.kind !== 'transition') expect(styles[i]?.label).toBe('');
      });
    }
  });

  it('labels and ranks by the chosen statistic: total time weighs a frequent handoff by its count', () => {
    const i = edgeIndex('Credit Hold', 'Credit Released');
    const edge = layout.edges[i]!;
    for (const statistic of PERFORMANCE_STATISTICS) {
      expect(edgeStyles(layout, statistic)[i]?.label).toBe(humanizeSeconds(durationBy(edge.duration!, statistic)));
    }
    expect(durationBy(edge.duration!, 'total')).toBe(edge.duration!.sum);
    const totals = edgeStyles(layout, 'total');
    const total = (j: number) => layout.edges[j]!.duration?.sum ?? -1;
    const mostTime = layout.edges.map((_, j) => j).reduce((best, j) => (total(j) > total(best) ? j : best));
    expect(totals[mostTime]?.width).toBe(Math.max(...totals.map((style) => style.width)));
  });
});

/** A stand-in for ECharts' renderItem API: layout units to pixels at 2×, offset by (10, 20). */
const api = {
  coord: ([x, y]: number[]) => [10 + 2 * (x ?? 0), 20 + 2 * (y ?? 0)],
  size: () => [2, 2],
} as unknown as CustomSeriesRenderItemAPI;

type Rendered = { type: string; style?: { text?: string; font?: string }; shape?: { points?: number[][] }; children?: Rendered[] };
function render(option: ReturnType<typeof processMapOption>, id: string, dataIndex: number): Rendered | null {
  const series = (option.series as CustomSeriesOption[]).find((candidate) => candidate.id === id);
  return (series?.renderItem?.({ dataIndex } as CustomSeriesRenderItemParams, api) as Rendered | null | undefined) ?? null;
}
const texts = (element: Rendered | null): string[] => (element ? [...(element.style?.text ? [element.style.text] : []), ...(element.children ?? []).flatMap(texts)] : []);

describe('processMapOption', () => {
  const size = { width: 1000, height: 1600 };

  it('draws edges, edge labels and nodes as custom series on a hidden grid whose axes fit the map', () => {
    const option = processMapOption(layout, 'frequency', size);
    const series = option.series as CustomSeriesOption[];
    expect(series.map((s) => [s.id, s.type, s.coordinateSystem])).toEqual([
      ['edges', 'custom', 'cartesian2d'],
      ['edge-labels', 'custom', 'cartesian2d'],
      ['nodes', 'custom', 'cartesian2d'],
    ]);
    expect(series[2]?.data).toHaveLength(layout.nodes.length);
    const { x, y } = fitViewport(layout, size);
    expect(option.xAxis).toMatchObject({ min: x[0], max: x[1], show: false });
    expect(option.yAxis).toMatchObject({ min: y[0], max: y[1], inverse: true });
    expect(option.dataZoom).toMatchObject([
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
    ]);
  });

  it('writes every activity name and count in its node', () => {
    const option = processMapOption(layout, 'frequency', size);
    layout.nodes.forEach((node, i) => {
      if (node.kind !== 'activity') return;
      expect(texts(render(option, 'nodes', i))).toEqual([...node.lines, node.count.toLocaleString('en-US')]);
      expect(node.lines.join(' ')).toBe(node.name);
    });
  });

  it('switches the edge labels with the view', () => {
    const i = edgeIndex('Credit Hold', 'Credit Released');
    expect(texts(render(processMapOption(layout, 'frequency', size), 'edge-labels', i))).toEqual(['6']);
    expect(texts(render(processMapOption(layout, 'median', size), 'edge-labels', i))).toEqual(['3d']);
  });

  it('scales text with the zoom and ends each edge in an arrowhead at its target', () => {
    const option = processMapOption(layout, 'frequency', size);
    const node = render(option, 'nodes', layout.nodes.findIndex((candidate) => candidate.kind === 'activity'));
    expect(node?.children?.find((child) => child.type === 'text')?.style?.font).toMatch(/^600 26px /);
    const i = edgeIndex('Order Captured', 'Order Validated');
    const edge = render(option, 'edges', i);
    const head = edge?.children?.find((child) => child.type === 'polygon');
    const tip = layout.edges[i]?.points.at(-1);
    expect(head?.shape?.points?.[0]).toEqual([10 + 2 * (tip?.x ?? 0), 20 + 2 * (tip?.y ?? 0)]);
  });

  it('explains nodes and edges in tooltips, escaping names that came from a file', () => {
    const node = { ...layout.nodes.find((candidate) => candidate.kind === 'activity'), name: '<img src=x onerror=alert(1)>' } as ProcessMapLayout['nodes'][number];
    expect(nodeTooltip(node, layout)).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(nodeTooltip(node, layout)).not.toContain('<img');
    const edge = layout.edges[edgeIndex('Credit Hold', 'Credit Released')];
    const tip = edge ? edgeTooltip(edge) : '';
    expect(tip).toContain('Transitions: 6');
    expect(tip).toContain('Median: 3d');
    expect(tip).toContain('90th percentile: 3d');
    expect(escapeHtml(`"a" & 'b'`)).toBe('&#34;a&#34; &#38; &#39;b&#39;');
  });
});

describe('an empty map', () => {
  it('draws just the start and end without failing', async () => {
    const empty = await layoutProcessMap({ log: 'empty', cases: 0, events: 0, activities: [], edges: [], start: [], end: [] });
    expect(empty.nodes.map((node) => node.kind)).toEqual(['start', 'end']);
    for (const view of ['frequency', 'median', 'total'] as const) {
      const option = processMapOption(empty, view, { width: 800, height: 400 });
      expect(render(option, 'nodes', 0)?.children?.[0]?.type).toBe('circle');
    }
  });
});

describe('zooming', () => {
  it('zooms a window about its centre, within bounds', () => {
    expect(zoomWindow({ start: 0, end: 100 }, 0.5)).toEqual({ start: 25, end: 75 });
    expect(zoomWindow({ start: 0, end: 20 }, 2)).toEqual({ start: 0, end: 40 });
    expect(zoomWindow({ start: 40, end: 60 }, 0.01)).toEqual({ start: 48.5, end: 51.5 });
    expect(zoomWindow({ start: 10, end: 60 }, 4)).toEqual({ start: 0, end: 100 });
  });

  it('zooms x and y by the same factor, and fits both', () => {
    const current = [
      { start: 0, end: 100 },
      { start: 20, end: 60 },
    ];
    expect(zoomBatch(current, 0.5)).toEqual([
      { dataZoomIndex: 0, start: 25, end: 75 },
      { dataZoomIndex: 1, start: 30, end: 50 },
    ]);
    expect(zoomBatch(current, 'fit').map(({ start, end }) => [start, end])).toEqual([
      [0, 100],
      [0, 100],
    ]);
    expect(zoomBatch(undefined, 2)).toEqual([]);
  });
});
