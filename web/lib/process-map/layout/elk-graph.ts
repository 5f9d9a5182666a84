import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs';
import type { DurationStats, ProcessMap } from '../../../../mining/index.ts';
import { formatCount, humanizeSeconds } from '../../../../mining/format.ts';
import { durationBy, type MapView, type PerformanceStatistic } from '../views.ts';
import { curveEdges } from './curves.ts';
import { estimateTextWidth, wrapLabel } from './label-text.ts';

/** Sizes of the map's shapes, in layout units (pixels at 100% zoom). */
export const NODE = { width: 172, padX: 10, padY: 7, nameSize: 13, nameLine: 16, countSize: 12, countLine: 15, gap: 1, maxLines: 3, radius: 7 } as const;
export const TERMINAL = { size: 30 } as const;
export const EDGE_LABEL = { fontSize: 11, padX: 6, height: 18 } as const;

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

/** A node of the laid-out map: an activity, or the synthetic start (●) / end (■) of all cases. */
export interface MapNode extends Box {
  id: string;
  kind: 'activity' | 'start' | 'end';
  /** The activity's full name ("Start" / "End" for the terminals). */
  name: string;
  /** Events of the activity; cases starting (start) or ending (end) for the terminals. */
  count: number;
  cases: number;
  /** The name wrapped to fit the node, as drawn. */
  lines: string[];
}

/** A path of the laid-out map: a transition between activities, or an arc from the start / to the end. */
export interface MapEdge {
  id: string;
  kind: 'transition' | 'start' | 'end';
  source: string;
  target: string;
  /** Display names of the two ends. */
  from: string;
  to: string;
  count: number;
  /** Seconds between the two events; null for start / end arcs. */
  duration: DurationStats | null;
  /** What the edge says in each view: its count, or its duration by the view's statistic ('' for start/end arcs). */
  labels: Record<MapView, string>;
  /** How wide each view's label is drawn; ELK reserves room for the widest. */
  labelWidths: Record<MapView, number>;
  /** Whether ELK routed it around the nodes; if not, it is drawn as a curve over the layout (see curves.ts). */
  routed: boolean;
  /** The polyline drawn, first point on the source's border, last on the target's. */
  points: Point[];
  /** Where the label sits, clear of nodes and other labels; null when a curve found no free spot (its tooltip still says it). */
  label: Box | null;
}

/** The process map with every node placed and every edge routed, in layout units. */
export interface ProcessMapLayout {
  log: string;
  cases: number;
  events: number;
  width: number;
  height: number;
  nodes: MapNode[];
  edges: MapEdge[];
  /** 'simple' when ELK failed or ran out of time and the map is drawn in rows with curves (fallback.ts). */
  mode: 'layered' | 'simple';
}

/** What lays an ELK graph out: elkjs itself, or the server's thread running it. */
export interface LayoutEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

export interface ProcessMapLayoutOptions {
  /** The engine to run; defaults to elkjs's bundled (same-thread) build. */
  elk?: LayoutEngine;
}

export const START_ID = 'start';
export const END_ID = 'end';

/**
 * ELK's settings: a layered (Sugiyama) layout, top-down, with orthogonal edge routes
 * that go around nodes and edge labels placed as part of the layout, so they cannot
 * overlap nodes or each other.
 */
export const ELK_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.spacing.nodeNode': '20',
  'elk.layered.spacing.nodeNodeBetweenLayers': '16',
  'elk.spacing.edgeNode': '12',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  'elk.spacing.edgeLabel': '2',
  // Network-simplex placement packs a layer's nodes closest together (Brandes-Köpf spreads a
  // hub's fan-out over twice the width), which keeps wide maps legible when fitted.
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
};

/**
 * Up to this many paths (transitions and start/end arcs) the network-simplex placement
 * stays quick. Its auxiliary graph has a node for every dummy node of every long edge,
 * ELK walks it recursively and pivots over it many times: past this size it takes
 * seconds, and on dense maps it overflows the stack.
 */
export const NETWORK_SIMPLEX_PATHS = 60;

/**
 * ELK routes about this many paths, the most frequent ones (with every activity's
 * busiest way in and out, see routedIds); the rest are drawn as curves between the placed nodes. ELK's layered
 * layout costs time for every layer a long edge crosses, and in a dense map many rare
 * paths jump across the whole map: routing all 385 paths of a 50-activity log takes
 * seconds, its 90 most frequent a fraction of one.
 */
export const ROUTED_PATHS = 90;

/** ELK's settings for a graph with this many paths: beyond small maps, Brandes-Köpf placement and fewer crossing-minimization passes. */
export function elkOptions(paths: number): LayoutOptions {
  if (paths <= NETWORK_SIMPLEX_PATHS) return ELK_OPTIONS;
  return { ...ELK_OPTIONS, 'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF', 'elk.layered.thoroughness': '3' };
}

interface Built {
  graph: ElkNode;
  nodes: MapNode[];
  edges: MapEdge[];
}

/**
 * The nodes and edges of a process map as drawn, not yet placed: one node per activity
 * (sized to its wrapped name), a start and an end node, one edge per transition and
 * start/end arc with its label in every view, all marked routed.
 */
export function mapShapes(map: ProcessMap): { nodes: MapNode[]; edges: MapEdge[] } {
  // Font-free widths, a little wide: the server lays maps out for any sans-serif a browser has.
  const measure = estimateTextWidth;
  const ids = new Map(map.activities.map((activity, index) => [activity.name, `a${index}`]));
  const idOf = (name: string) => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`the process map has a path to or from ${JSON.stringify(name)}, which is not among its activities`);
    return id;
  };
  const started = map.start.reduce((sum, start) => sum + start.count, 0);
  const ended = map.end.reduce((sum, end) => sum + end.count, 0);

  const nodes: MapNode[] = [
    terminal(START_ID, 'start', 'Start', started || map.cases),
    ...map.activities.map((activity) => {
      const lines = wrapLabel(activity.name, NODE.width - 2 * NODE.padX, NODE.maxLines, measure, NODE.nameSize, true);
      const height = 2 * NODE.padY + lines.length * NODE.nameLine + NODE.gap + NODE.countLine;
      return { id: idOf(activity.name), kind: 'activity' as const, name: activity.name, count: activity.count, cases: activity.cases, lines, x: 0, y: 0, width: NODE.width, height };
    }),
    terminal(END_ID, 'end', 'End', ended || map.cases),
  ];

  const labelWidth = (text: string) => (text === '' ? 0 : Math.ceil(measure(text, EDGE_LABEL.fontSize, true)) + 2 * EDGE_LABEL.padX);
  // An edge's label in each view (start/end arcs have no duration), and the room each needs.
  const labelled = (count: number, duration: DurationStats | null) => {
    const by = (statistic: PerformanceStatistic) => (duration ? humanizeSeconds(durationBy(duration, statistic)) : '');
    const labels: Record<MapView, string> = { frequency: formatCount(count), median: by('median'), mean: by('mean'), p90: by('p90'), total: by('total') };
    const labelWidths = Object.fromEntries(Object.entries(labels).map(([view, text]) => [view, labelWidth(text)])) as Record<MapView, number>;
    return { count, duration, labels, labelWidths, routed: true, points: [], label: null };
  };
  const edges: MapEdge[] = [
    ...map.start.map((start, index) => ({
      id: `s${index}`, kind: 'start' as const, source: START_ID, target: idOf(start.activity), from: 'Start', to: start.activity, ...labelled(start.count, null),
    })),
    ...map.edges.map((edge, index) => ({
      id: `e${index}`, kind: 'transition' as const, source: idOf(edge.from), target: idOf(edge.to), from: edge.from, to: edge.to, ...labelled(edge.count, edge.duration),
    })),
    ...map.end.map((end, index) => ({
      id: `x${index}`, kind: 'end' as const, source: idOf(end.activity), target: END_ID, from: end.activity, to: 'End', ...labelled(end.count, null),
    })),
  ];
  return { nodes, edges };
}

/**
 * The ELK graph of a process map (see mapShapes) with the edges ELK routes (all up to
 * ROUTED_PATHS, else the most frequent), each with a label box wide enough for every view. The start node is pinned to the first layer
 * and the end node to the last. Frequent edges get a higher direction priority, so
 * when ELK breaks cycles it reverses the rare edges (rework) and keeps the main flow
 * pointing down.
 */
export function buildElkGraph(map: ProcessMap): Built {
  const shapes = mapShapes(map);
  const kept = routedIds(shapes.edges);
  const edges = shapes.edges.map((edge) => ({ ...edge, routed: kept.has(edge.id) }));
  const nodes = shapes.nodes;
  const routed = edges.filter((edge) => edge.routed);
  const maxCount = Math.max(1, ...routed.map((edge) => edge.count));
  const elkEdges: ElkExtendedEdge[] = routed.map((edge) => {
    const widest = (Object.keys(edge.labels) as MapView[]).reduce((a, b) => (edge.labelWidths[b] > edge.labelWidths[a] ? b : a));
    const text = edge.labels[widest];
    const width = edge.labelWidths[widest];
    const priority = String(Math.max(1, Math.round((100 * edge.count) / maxCount)));
    return {
      id: edge.id,
      sources: [edge.source === START_ID ? `${START_ID}.out` : edge.source],
      targets: [edge.target === END_ID ? `${END_ID}.in` : edge.target],
      // Inline: the label sits on its edge (the line runs through it), so it cannot be read as another edge's.
      labels: [{ id: `${edge.id}.label`, text, width, height: EDGE_LABEL.height, layoutOptions: { 'elk.edgeLabels.inline': 'true' } }],
      layoutOptions: { 'elk.layered.priority.direction': priority, 'elk.layered.priority.straightness': priority },
    };
  });

  const graph: ElkNode = {
    id: 'root',
    layoutOptions: elkOptions(elkEdges.length),
    children: nodes.map((node) => {
      if (node.kind === 'activity') return { id: node.id, width: node.width, height: node.height };
      // The terminals take all their arcs at one port in the middle of the facing side, so
      // the arcs fan out from the ● and into the ■ rather than from a corner of their box.
      const start = node.kind === 'start';
      return {
        id: node.id,
        width: node.width,
        height: node.height,
        layoutOptions: { 'elk.layered.layering.layerConstraint': start ? 'FIRST_SEPARATE' : 'LAST_SEPARATE', 'elk.portConstraints': 'FIXED_POS' },
        ports: [{ id: `${node.id}.${start ? 'out' : 'in'}`, x: node.width / 2, y: start ? node.height : 0, width: 0, height: 0, layoutOptions: { 'elk.port.side': start ? 'SOUTH' : 'NORTH' } }],
      };
    }),
    edges: elkEdges,
  };
  return { graph, nodes, edges };
}

/**
 * The ids of the paths ELK routes: all, up to ROUTED_PATHS; beyond that, each node's most
 * frequent way in and way out (so every activity is tied into the layers), then the most
 * frequent of the rest up to ROUTED_PATHS.
 */
function routedIds(edges: readonly MapEdge[]): Set<string> {
  if (edges.length <= ROUTED_PATHS) return new Set(edges.map((edge) => edge.id));
  // Stable: ties keep the map's own order.
  const byCount = [...edges].sort((a, b) => b.count - a.count);
  const routed = new Set<string>();
  const entered = new Set<string>();
  const left = new Set<string>();
  for (const edge of byCount) {
    if (entered.has(edge.target) && left.has(edge.source)) continue;
    routed.add(edge.id);
    entered.add(edge.target);
    left.add(edge.source);
  }
  for (const edge of byCount) {
    if (routed.size >= ROUTED_PATHS) break;
    routed.add(edge.id);
  }
  return routed;
}

/**
 * Lays out a process map with ELK (see buildElkGraph) and returns plain positions and
 * routes; the paths ELK did not route are drawn as curves between the placed nodes.
 */
export async function layoutProcessMap(map: ProcessMap, options: ProcessMapLayoutOptions = {}): Promise<ProcessMapLayout> {
  const { graph, nodes, edges } = buildElkGraph(map);
  const elk: LayoutEngine = options.elk ?? new (await import('elkjs/lib/elk.bundled.js')).default();
  const laid = await elk.layout(graph);
  const placed = new Map((laid.children ?? []).map((child) => [child.id, child]));
  const routed = new Map((laid.edges ?? []).map((edge) => [edge.id, edge]));
  const placedNodes = nodes.map((node) => {
    const child = placed.get(node.id);
    return { ...node, x: child?.x ?? 0, y: child?.y ?? 0 };
  });
  const routedEdges = edges.map((edge) => {
      const elkEdge = routed.get(edge.id);
      if (!elkEdge) return edge;
      const points = (elkEdge?.sections ?? []).flatMap((section, index) => [
        ...(index === 0 ? [section.startPoint] : []),
        ...(section.bendPoints ?? []),
        section.endPoint,
      ]);
      const label = elkEdge?.labels?.[0];
      return {
        ...edge,
        points: points.map(({ x, y }) => ({ x, y })),
        label: label ? { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } : null,
      };
    });
  return { log: map.log, cases: map.cases, events: map.events, mode: 'layered', ...curveEdges(placedNodes, routedEdges, { width: laid.width ?? 0, height: laid.height ?? 0 }) };
}

function terminal(id: string, kind: 'start' | 'end', name: string, count: number): MapNode {
  return { id, kind, name, count, cases: count, lines: [], x: 0, y: 0, width: TERMINAL.size, height: TERMINAL.size };
}
