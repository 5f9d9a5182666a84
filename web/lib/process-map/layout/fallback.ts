import type { ProcessMap } from '../../../../mining/index.ts';
import { curveEdges } from './curves.ts';
import { END_ID, layoutProcessMap, mapShapes, START_ID, type MapEdge, type MapNode, type ProcessMapLayout, type ProcessMapLayoutOptions } from './elk-graph.ts';

/** Room between rows and between neighbours of the simple drawing, in layout units. */
const ROW_GAP = 72;
const COLUMN_GAP = 48;
const PADDING = 16;

/** Why the map is drawn simply: ELK did not answer within the budget, or failed. */
export type LayoutProblem = 'timeout' | 'failed';

export interface BudgetedLayout {
  layout: ProcessMapLayout;
  problem: LayoutProblem | null;
}

/** What a layout engine fails with when it ran out of its time budget. */
export class LayoutTimeout extends Error {
  override name = 'LayoutTimeout';
}

/**
 * Lays out with ELK (layoutProcessMap), and if it fails, or its engine gives up with
 * LayoutTimeout, draws the map simply instead (simpleLayout) and says why.
 */
export async function layoutOrSimply(map: ProcessMap, options: ProcessMapLayoutOptions = {}): Promise<BudgetedLayout> {
  try {
    return { layout: await layoutProcessMap(map, options), problem: null };
  } catch (error) {
    if (error instanceof LayoutTimeout) return { layout: simpleLayout(map), problem: 'timeout' };
    console.error('The process map could not be laid out by ELK:', error);
    return { layout: simpleLayout(map), problem: 'failed' };
  }
}

/**
 * A drawing that needs no layout engine: activities in rows by their longest distance
 * from the start along the map's frequent flow (the rarest edge of every cycle is
 * left out, as a depth-first search from the start along the most frequent edges first
 * finds them), each row ordered by where its predecessors sit, every path a curve
 * (curves.ts). Linear in the size of the map.
 */
export function simpleLayout(map: ProcessMap): ProcessMapLayout {
  const shapes = mapShapes(map);
  const edges = shapes.edges.map((edge): MapEdge => ({ ...edge, routed: false, points: [], label: null }));
  const out = new Map<string, MapEdge[]>(shapes.nodes.map((node) => [node.id, []]));
  for (const edge of [...edges].sort((a, b) => b.count - a.count)) out.get(edge.source)?.push(edge);

  // Forward edges: those a depth-first search does not find closing a cycle.
  const forward = new Set<MapEdge>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: { id: string; next: number }[] = [{ id: START_ID, next: 0 }];
  state.set(START_ID, 'open');
  const order: string[] = [];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { id: string; next: number };
    const edge = out.get(top.id)?.[top.next++];
    if (!edge) {
      state.set(top.id, 'done');
      order.push(top.id);
      stack.pop();
      continue;
    }
    if (state.get(edge.target) === 'open') continue;
    forward.add(edge);
    if (!state.has(edge.target)) {
      state.set(edge.target, 'open');
      stack.push({ id: edge.target, next: 0 });
    }
  }
  // Longest path from the start over the forward edges, in topological order (reverse finishing order).
  const row = new Map<string, number>(shapes.nodes.map((node) => [node.id, node.id === START_ID ? 0 : 1]));
  for (const id of order.reverse()) {
    for (const edge of out.get(id) ?? []) if (forward.has(edge)) row.set(edge.target, Math.max(row.get(edge.target) ?? 0, (row.get(id) ?? 0) + 1));
  }
  const last = Math.max(...[...row].filter(([id]) => id !== END_ID).map(([, r]) => r)) + 1;
  row.set(END_ID, last);

  const rows: MapNode[][] = Array.from({ length: last + 1 }, () => []);
  for (const node of shapes.nodes) rows[row.get(node.id) ?? 1]?.push(node);
  const placed = new Map<string, MapNode>();
  const into = new Map<string, MapEdge[]>();
  for (const edge of forward) into.set(edge.target, [...(into.get(edge.target) ?? []), edge]);
  const width = Math.max(...rows.map((nodes) => nodes.reduce((sum, node) => sum + node.width, 0) + Math.max(0, nodes.length - 1) * COLUMN_GAP));
  let y = PADDING;
  for (const nodes of rows.filter((candidate) => candidate.length > 0)) {
    // Under the mean of its predecessors' centres, as far as the row allows (a barycentre order).
    const centre = (node: MapNode) => {
      const from = (into.get(node.id) ?? []).map((edge) => placed.get(edge.source)).filter((source): source is MapNode => source !== undefined);
      return from.length === 0 ? width / 2 : from.reduce((sum, source) => sum + source.x + source.width / 2, 0) / from.length;
    };
    const sorted = nodes.map((node) => ({ node, at: centre(node) })).sort((a, b) => a.at - b.at || b.node.count - a.node.count);
    const rowWidth = sorted.reduce((sum, { node }) => sum + node.width, 0) + (sorted.length - 1) * COLUMN_GAP;
    const height = Math.max(...sorted.map(({ node }) => node.height));
    let x = PADDING + (width - rowWidth) / 2;
    for (const { node } of sorted) {
      placed.set(node.id, { ...node, x, y: y + (height - node.height) / 2 });
      x += node.width + COLUMN_GAP;
    }
    y += height + ROW_GAP;
  }
  const nodes = shapes.nodes.map((node) => placed.get(node.id) as MapNode);
  return { log: map.log, cases: map.cases, events: map.events, mode: 'simple', ...curveEdges(nodes, edges, { width: width + 2 * PADDING, height: y - ROW_GAP + PADDING }) };
}
