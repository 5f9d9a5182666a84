import type {
  ComposeOption,
  CustomSeriesOption,
  CustomSeriesRenderItemAPI,
  CustomSeriesRenderItemReturn,
  GridComponentOption,
  InsideDataZoomComponentOption,
  TooltipComponentFormatterCallbackParams,
  TooltipComponentOption,
  XAXisComponentOption,
  YAXisComponentOption,
  AriaComponentOption,
} from 'echarts';
import { formatCount, humanizeSeconds } from '../../../../mining/format.ts';
import { durationBy, type MapView } from '../views.ts';
export type { MapView, PerformanceStatistic } from '../views.ts';
import { EDGE_LABEL, NODE, type MapEdge, type MapNode, type ProcessMapLayout } from '../layout/elk-graph.ts';
import { escapeHtml } from '../../escape-html.ts';
import { colourAt, darken, EDGE_FREQUENCY_RAMP, EDGE_SLOWNESS_RAMP, frequencyFill, logPosition, textColourOn } from './colour-scale.ts';


export type ProcessMapOption = ComposeOption<
  CustomSeriesOption | GridComponentOption | XAXisComponentOption | YAXisComponentOption | InsideDataZoomComponentOption | TooltipComponentOption | AriaComponentOption
>;

export interface ChartSize {
  width: number;
  height: number;
}

/** The font of the map's text; the page's text uses the same stack (see global.css). */
export const MAP_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Margin kept free around the map when it is fitted to the chart, in pixels. */
const MARGIN = 16;
/** Fitting never enlarges: a three-node map should not fill a screen with 40px text. */
export const MAX_FIT_SCALE = 1;
const EDGE_WIDTH = { min: 1.25, max: 8 } as const;
const TERMINAL_FILL = '#334155';
const LABEL_TEXT = '#334155';

export interface NodeStyle {
  fill: string;
  stroke: string;
  text: string;
}

export interface EdgeStyle {
  stroke: string;
  /** Stroke width in layout units (pixels at 100% zoom). */
  width: number;
  dashed: boolean;
  /** The label drawn on the edge in this view ('' for none), and its box's width. */
  label: string;
  labelWidth: number;
  labelColour: string;
}

/** Activity fills from light to dark blue by event count (log scale), with text that contrasts. */
export function nodeStyles(layout: ProcessMapLayout): NodeStyle[] {
  const counts = layout.nodes.filter((node) => node.kind === 'activity').map((node) => node.count);
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  return layout.nodes.map((node) => {
    if (node.kind !== 'activity') return { fill: TERMINAL_FILL, stroke: TERMINAL_FILL, text: '#ffffff' };
    const fill = frequencyFill(logPosition(node.count, min, max));
    return { fill, stroke: darken(fill, 0.18), text: textColourOn(fill) };
  });
}

/**
 * How each edge is drawn in a view. Frequency: width and darkness grow with the square
 * root of the count (so area tracks volume), labelled with the count. Performance: width
 * and colour grow with the view's statistic of the duration on a log scale, grey for quick
 * handoffs to red for the slowest, labelled with it; start/end arcs have no duration and fade back.
 */
export function edgeStyles(layout: ProcessMapLayout, view: MapView): EdgeStyle[] {
  const width = (t: number) => EDGE_WIDTH.min + (EDGE_WIDTH.max - EDGE_WIDTH.min) * t;
  if (view === 'frequency') {
    const max = Math.max(1, ...layout.edges.map((edge) => edge.count));
    return layout.edges.map((edge) => {
      const t = Math.sqrt(edge.count / max);
      return {
        stroke: colourAt(EDGE_FREQUENCY_RAMP, t),
        width: width(t),
        dashed: edge.kind !== 'transition',
        label: edge.labels.frequency,
        labelWidth: edge.labelWidths.frequency,
        labelColour: LABEL_TEXT,
      };
    });
  }
  const values = layout.edges.flatMap((edge) => (edge.duration ? [durationBy(edge.duration, view)] : []));
  const min = Math.min(...values);
  const max = Math.max(...values);
  return layout.edges.map((edge) => {
    if (!edge.duration) return { stroke: EDGE_SLOWNESS_RAMP[0], width: EDGE_WIDTH.min, dashed: true, label: '', labelWidth: 0, labelColour: LABEL_TEXT };
    const t = logPosition(durationBy(edge.duration, view), min, max);
    const stroke = colourAt(EDGE_SLOWNESS_RAMP, t);
    return {
      stroke,
      width: width(t),
      dashed: false,
      label: edge.labels[view],
      labelWidth: edge.labelWidths[view],
      labelColour: t > 0.6 ? darken(stroke, 0.25) : LABEL_TEXT,
    };
  });
}

/**
 * The axis ranges that fit the whole map in the chart with x and y on the same scale:
 * the range of the roomier axis is widened so one layout unit is `scale` pixels both
 * ways, and the map sits centred.
 */
export function fitViewport(layout: Pick<ProcessMapLayout, 'width' | 'height'>, size: ChartSize): { x: [number, number]; y: [number, number]; scale: number } {
  const scale = Math.min((size.width - 2 * MARGIN) / Math.max(1, layout.width), (size.height - 2 * MARGIN) / Math.max(1, layout.height), MAX_FIT_SCALE);
  const safe = scale > 0 ? scale : 1e-3;
  const span = (pixels: number, extent: number): [number, number] => {
    const range = pixels / safe;
    return [extent / 2 - range / 2, extent / 2 + range / 2];
  };
  return { x: span(size.width, layout.width), y: span(size.height, layout.height), scale: safe };
}

/**
 * How tall the chart should be at a given width: tall enough to draw the map at the
 * scale its width allows (never enlarged), within [minimum, maximum]. A tall map (a
 * long sequence of steps drawn top-down) then stays legible and the page scrolls,
 * instead of its text shrinking to specks to fit one screen.
 */
export function chartHeight(layout: Pick<ProcessMapLayout, 'width' | 'height'>, width: number, minimum = 360, maximum = 2200): number {
  const scale = Math.min(MAX_FIT_SCALE, (width - 2 * MARGIN) / Math.max(1, layout.width));
  return Math.min(maximum, Math.max(minimum, Math.ceil(layout.height * scale + 2 * MARGIN)));
}

/**
 * The ECharts option drawing a laid-out process map: a hidden cartesian grid whose
 * axes are in layout units (fitViewport), three custom series drawn in data
 * coordinates — edges (ELK's routes with arrowheads), edge labels, nodes — so pan and
 * zoom (inside dataZoom on both axes, same factor) scale the whole picture together.
 */
export function processMapOption(layout: ProcessMapLayout, view: MapView, size: ChartSize): ProcessMapOption {
  const nodes = nodeStyles(layout);
  const edges = edgeStyles(layout, view);
  const viewport = fitViewport(layout, size);
  const centre = (box: { x: number; y: number; width: number; height: number }) => [box.x + box.width / 2, box.y + box.height / 2];
  const zoom = (axis: 'x' | 'y'): InsideDataZoomComponentOption => ({
    type: 'inside',
    [axis === 'x' ? 'xAxisIndex' : 'yAxisIndex']: 0,
    // 'none': custom items must not be dropped when their centre leaves the window.
    filterMode: 'none',
    // Plain wheel scrolls the page; ctrl + wheel (and trackpad pinch) zooms; drag pans.
    zoomOnMouseWheel: 'ctrl',
    moveOnMouseWheel: false,
    moveOnMouseMove: true,
    minSpan: 3,
  });
  return {
    animation: false,
    aria: { enabled: true, label: { description: describe(layout) } },
    grid: { left: 0, right: 0, top: 0, bottom: 0, show: false },
    xAxis: { type: 'value', min: viewport.x[0], max: viewport.x[1], show: false, splitLine: { show: false } },
    yAxis: { type: 'value', min: viewport.y[0], max: viewport.y[1], inverse: true, show: false, splitLine: { show: false } },
    dataZoom: [zoom('x'), zoom('y')],
    tooltip: {
      trigger: 'item',
      confine: true,
      enterable: false,
      formatter: (params: TooltipComponentFormatterCallbackParams) => {
        const item = Array.isArray(params) ? params[0] : params;
        if (!item) return '';
        if (item.seriesId === 'nodes') {
          const node = layout.nodes[item.dataIndex];
          return node ? nodeTooltip(node, layout) : '';
        }
        const edge = layout.edges[item.dataIndex];
        return edge ? edgeTooltip(edge) : '';
      },
    },
    series: [
      {
        type: 'custom',
        id: 'edges',
        coordinateSystem: 'cartesian2d',
        clip: true,
        z: 1,
        encode: { x: 0, y: 1 },
        data: layout.edges.map((edge) => [edge.points[0]?.x ?? 0, edge.points[0]?.y ?? 0]),
        renderItem: (params, api) => {
          const edge = layout.edges[params.dataIndex];
          const style = edges[params.dataIndex];
          return edge && style ? drawEdge(edge, style, api) : null;
        },
      },
      {
        type: 'custom',
        id: 'edge-labels',
        coordinateSystem: 'cartesian2d',
        clip: true,
        z: 2,
        encode: { x: 0, y: 1 },
        data: layout.edges.map((edge) => (edge.label ? centre(edge.label) : [0, 0])),
        renderItem: (params, api) => {
          const edge = layout.edges[params.dataIndex];
          const style = edges[params.dataIndex];
          return edge?.label && style?.label ? drawEdgeLabel(edge.label, style, api) : null;
        },
      },
      {
        type: 'custom',
        id: 'nodes',
        coordinateSystem: 'cartesian2d',
        clip: true,
        z: 3,
        encode: { x: 0, y: 1 },
        data: layout.nodes.map(centre),
        renderItem: (params, api) => {
          const node = layout.nodes[params.dataIndex];
          const style = nodes[params.dataIndex];
          return node && style ? drawNode(node, style, api) : null;
        },
      },
    ],
  };
}

/** The axis ranges alone, for a resize: keeps the rest of the option (and the zoom) as it is. */
export function viewportOption(layout: ProcessMapLayout, size: ChartSize): Pick<ProcessMapOption, 'xAxis' | 'yAxis'> {
  const viewport = fitViewport(layout, size);
  return { xAxis: { min: viewport.x[0], max: viewport.x[1] }, yAxis: { min: viewport.y[0], max: viewport.y[1] } };
}

type Group = Extract<NonNullable<CustomSeriesRenderItemReturn>, { type: 'group' }>;
type Element = Group['children'][number];

/** Pixels per layout unit at the current zoom (x and y are kept equal). */
function pixelsPerUnit(api: CustomSeriesRenderItemAPI): number {
  const size = api.size?.([1, 1]);
  const x = Array.isArray(size) ? size[0] : size;
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 1;
}

function toPixels(api: CustomSeriesRenderItemAPI, x: number, y: number): [number, number] {
  const [px = 0, py = 0] = api.coord([x, y]);
  return [px, py];
}

function drawEdge(edge: MapEdge, style: EdgeStyle, api: CustomSeriesRenderItemAPI): Group | null {
  const s = pixelsPerUnit(api);
  const points = edge.points.map((point) => toPixels(api, point.x, point.y));
  const tip = points.at(-1);
  const before = points.at(-2);
  if (!tip || !before) return null;
  const dx = tip[0] - before[0];
  const dy = tip[1] - before[1];
  const norm = Math.hypot(dx, dy) || 1;
  // The arrowhead grows with the stroke so thick edges still end in a visible point, but
  // stays on the last segment: past a bend it would point along the wrong direction.
  const fit = Math.min(1, norm / ((7 + 1.3 * style.width) * s));
  const length = Math.max(5 * s, (7 + 1.3 * style.width) * s * fit);
  const half = Math.max(3 * s, (3.5 + 0.9 * style.width) * s * fit);
  const [ux, uy] = [dx / norm, dy / norm];
  const base: [number, number] = [tip[0] - ux * length, tip[1] - uy * length];
  // The stroke stops inside the head: a wide line would otherwise blunt the point.
  const shaft = [...points.slice(0, -1), [tip[0] - ux * length * 0.7, tip[1] - uy * length * 0.7]];
  // Wider edges are drawn over narrower ones: where arcs meet at a port, the heaviest arrow shows.
  const z2 = Math.round(style.width * 10);
  // Curves (paths ELK did not route) may pass under nodes: fainter, they read as the rarer paths they are.
  const opacity = edge.routed ? 1 : 0.7;
  const children: Element[] = [
    // An invisible wide stroke under the line, so a 1px edge can still be hovered for its tooltip.
    { type: 'polyline', shape: { points }, style: { stroke: 'transparent', lineWidth: Math.max(10, style.width + 6) * s, fill: 'none' } },
    {
      type: 'polyline',
      z2,
      shape: { points: shaft },
      style: { stroke: style.stroke, opacity, lineWidth: style.width * s, fill: 'none', lineJoin: 'round', lineCap: 'butt', lineDash: style.dashed ? [Math.max(5, 2 * style.width) * s, Math.max(4, 1.5 * style.width) * s] : undefined },
    },
    {
      type: 'polygon',
      z2,
      shape: { points: [tip, [base[0] - uy * half, base[1] + ux * half], [base[0] + uy * half, base[1] - ux * half]] },
      style: { fill: style.stroke, stroke: 'none', opacity },
    },
  ];
  return { type: 'group', children };
}

function drawEdgeLabel(box: NonNullable<MapEdge['label']>, style: EdgeStyle, api: CustomSeriesRenderItemAPI): Group {
  const s = pixelsPerUnit(api);
  // ELK's box fits the widest of the views' labels; this view's box is centred in it.
  const [x, y] = toPixels(api, box.x + (box.width - Math.min(box.width, style.labelWidth)) / 2, box.y);
  const width = Math.min(box.width, style.labelWidth) * s;
  const height = box.height * s;
  return {
    type: 'group',
    children: [
      { type: 'rect', shape: { x, y, width, height, r: 4 * s }, style: { fill: '#ffffff', opacity: 0.92, stroke: '#e2e8f0', lineWidth: s } },
      {
        type: 'text',
        style: { text: style.label, x: x + width / 2, y: y + height / 2, align: 'center', verticalAlign: 'middle', fill: style.labelColour, font: `600 ${EDGE_LABEL.fontSize * s}px ${MAP_FONT}` },
      },
    ],
  };
}

function drawNode(node: MapNode, style: NodeStyle, api: CustomSeriesRenderItemAPI): Group {
  const s = pixelsPerUnit(api);
  const [x, y] = toPixels(api, node.x, node.y);
  const width = node.width * s;
  const height = node.height * s;
  if (node.kind === 'start') {
    return { type: 'group', children: [{ type: 'circle', shape: { cx: x + width / 2, cy: y + height / 2, r: width / 2 }, style: { fill: style.fill } }] };
  }
  if (node.kind === 'end') {
    const inset = width * 0.08;
    return { type: 'group', children: [{ type: 'rect', shape: { x: x + inset, y: y + inset, width: width - 2 * inset, height: height - 2 * inset, r: 3 * s }, style: { fill: style.fill } }] };
  }
  const text = (content: string, top: number, lineHeight: number, font: string, opacity = 1): Element => ({
    type: 'text',
    style: { text: content, x: x + width / 2, y: y + (top + lineHeight / 2) * s, align: 'center', verticalAlign: 'middle', fill: style.text, opacity, font },
  });
  const nameFont = `600 ${NODE.nameSize * s}px ${MAP_FONT}`;
  const countTop = NODE.padY + node.lines.length * NODE.nameLine + NODE.gap;
  return {
    type: 'group',
    children: [
      { type: 'rect', shape: { x, y, width, height, r: NODE.radius * s }, style: { fill: style.fill, stroke: style.stroke, lineWidth: s } },
      ...node.lines.map((line, index) => text(line, NODE.padY + index * NODE.nameLine, NODE.nameLine, nameFont)),
      text(formatCount(node.count), countTop, NODE.countLine, `${NODE.countSize * s}px ${MAP_FONT}`, 0.85),
    ],
  };
}

/** Tooltip of a node: its full name (labels may be wrapped or cut) and its numbers. */
export function nodeTooltip(node: MapNode, layout: Pick<ProcessMapLayout, 'cases'>): string {
  if (node.kind !== 'activity') {
    const verb = node.kind === 'start' ? 'start' : 'end';
    return `<strong>${node.kind === 'start' ? '● Start' : '■ End'}</strong><br>${number(node.count)} cases ${verb} here`;
  }
  const share = layout.cases > 0 ? ` (${Math.round((100 * node.cases) / layout.cases)}% of cases)` : '';
  return `<strong>${escapeHtml(node.name)}</strong><br>Events: ${number(node.count)}<br>Cases: ${number(node.cases)}${share}`;
}

/** Tooltip of an edge: its ends, count and duration statistics. */
export function edgeTooltip(edge: MapEdge): string {
  const head = `<strong>${escapeHtml(edge.from)} → ${escapeHtml(edge.to)}</strong>`;
  if (!edge.duration) return `${head}<br>${number(edge.count)} cases ${edge.kind === 'start' ? 'start with' : 'end with'} ${escapeHtml(edge.kind === 'start' ? edge.to : edge.from)}`;
  const d = edge.duration;
  return [
    head,
    `Transitions: ${number(edge.count)}`,
    `Median: ${humanizeSeconds(d.median)}`,
    `Mean: ${humanizeSeconds(d.mean)}`,
    `90th percentile: ${humanizeSeconds(d.p90)}`,
    `Range: ${humanizeSeconds(d.min)} – ${humanizeSeconds(d.max)}`,
  ].join('<br>');
}

function describe(layout: ProcessMapLayout): string {
  const activities = layout.nodes.filter((node) => node.kind === 'activity').length;
  const paths = layout.edges.filter((edge) => edge.kind === 'transition').length;
  return `Process map of ${layout.log}: ${activities} activities and ${paths} transitions between them. The table below the map lists the activities.`;
}

function number(value: number): string {
  return formatCount(value);
}

/**
 * A dataZoom window (percent of the full map) zoomed by `factor` about its centre:
 * below 1 zooms in. The span stays within [minimum, 100] and the window inside [0, 100].
 */
export function zoomWindow(window: { start: number; end: number }, factor: number, minimum = 3): { start: number; end: number } {
  const span = Math.min(100, Math.max(minimum, (window.end - window.start) * factor));
  const centre = (window.start + window.end) / 2;
  const start = Math.min(100 - span, Math.max(0, centre - span / 2));
  return { start, end: start + span };
}

/**
 * The dataZoom action batch that zooms every window of `dataZoom` (as read back from
 * `chart.getOption()`) by `factor`, or back to the whole map for 'fit'. x and y get the
 * same factor, so the map keeps its proportions.
 */
export function zoomBatch(dataZoom: unknown, factor: number | 'fit'): { dataZoomIndex: number; start: number; end: number }[] {
  if (!Array.isArray(dataZoom)) return [];
  return dataZoom.map((entry: unknown, dataZoomIndex) => {
    const { start, end } = (entry ?? {}) as { start?: unknown; end?: unknown };
    const window = { start: typeof start === 'number' ? start : 0, end: typeof end === 'number' ? end : 100 };
    return { dataZoomIndex, ...(factor === 'fit' ? { start: 0, end: 100 } : zoomWindow(window, factor)) };
  });
}
