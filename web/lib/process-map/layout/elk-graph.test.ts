import { beforeAll, describe, expect, it } from 'vitest';
import type { ProcessMap } from '../../../../mining/index.ts';
import { buildElkGraph, EDGE_LABEL, END_ID, layoutProcessMap, NODE, ROUTED_PATHS, START_ID, type Box, type Point, type ProcessMapLayout } from './elk-graph.ts';
import { estimateTextWidth } from './label-text.ts';
import { denseCases, mapOf, ORDER_TO_CASH, RECEIPT_ACTIVITIES } from '../../../../test-support/process-maps.ts';

const LINEAR = mapOf([{ activities: ['A', 'B', 'C', 'D'], times: 5 }]);
// 50 activities and 385 paths: the map on which ELK's network-simplex placement overflowed the stack.
const DENSE = mapOf(denseCases());
// The receipt log's long names, in a chain with a hub fanning out to six of them.
const RECEIPT_LIKE = mapOf([
  { activities: RECEIPT_ACTIVITIES.slice(0, 21), times: 3 },
  ...RECEIPT_ACTIVITIES.slice(21).map((name) => ({ activities: [RECEIPT_ACTIVITIES[0] as string, name, RECEIPT_ACTIVITIES[5] as string] })),
]);

const nodeNamed = (layout: ProcessMapLayout, name: string) => {
  const node = layout.nodes.find((candidate) => candidate.name === name && candidate.kind === 'activity');
  if (!node) throw new Error(`no node ${name}`);
  return node;
};
const byId = (layout: ProcessMapLayout, id: string) => layout.nodes.find((node) => node.id === id) as Box;

/** Whether the axis-parallel segment p–q enters the box shrunk by `inset` on every side. */
function crosses(p: Point, q: Point, box: Box, inset = 1): boolean {
  const [x0, x1] = [Math.min(p.x, q.x), Math.max(p.x, q.x)];
  const [y0, y1] = [Math.min(p.y, q.y), Math.max(p.y, q.y)];
  return x1 > box.x + inset && x0 < box.x + box.width - inset && y1 > box.y + inset && y0 < box.y + box.height - inset;
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const onBorder = (point: Point, box: Box) =>
  point.x >= box.x - 0.5 &&
  point.x <= box.x + box.width + 0.5 &&
  point.y >= box.y - 0.5 &&
  point.y <= box.y + box.height + 0.5 &&
  (Math.abs(point.x - box.x) < 0.5 || Math.abs(point.x - box.x - box.width) < 0.5 || Math.abs(point.y - box.y) < 0.5 || Math.abs(point.y - box.y - box.height) < 0.5);

describe('buildElkGraph', () => {
  const { graph, nodes, edges } = buildElkGraph(ORDER_TO_CASH);

  it('makes one node per activity, plus the start and end of all cases', () => {
    expect(nodes.filter((node) => node.kind === 'activity').map((node) => node.name)).toEqual(ORDER_TO_CASH.activities.map((activity) => activity.name));
    expect(nodes.filter((node) => node.kind !== 'activity').map((node) => node.id)).toEqual([START_ID, END_ID]);
    expect(new Set(graph.children?.map((child) => child.id)).size).toBe(ORDER_TO_CASH.activities.length + 2);
  });

  it('makes one edge per transition and per start/end arc, with their counts', () => {
    expect(graph.edges).toHaveLength(ORDER_TO_CASH.edges.length + ORDER_TO_CASH.start.length + ORDER_TO_CASH.end.length);
    expect(edges.filter((edge) => edge.kind === 'start').map((edge) => [edge.to, edge.count])).toEqual([['Order Captured', 63]]);
    expect(edges.filter((edge) => edge.kind === 'end').map((edge) => [edge.from, edge.count])).toEqual([['Payment Received', 55], ['Invoiced', 8]]);
  });

  it('asks ELK for a top-down layered layout with orthogonal routes', () => {
    expect(graph.layoutOptions).toMatchObject({ 'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.edgeRouting': 'ORTHOGONAL', 'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX' });
    const start = graph.children?.find((child) => child.id === START_ID);
    expect(start?.layoutOptions?.['elk.layered.layering.layerConstraint']).toBe('FIRST_SEPARATE');
  });

  it('gives frequent edges the higher direction priority, so cycle breaking reverses the rare ones', () => {
    const priority = (from: string, to: string) => {
      const edge = edges.find((candidate) => candidate.from === from && candidate.to === to);
      const elkEdge = graph.edges?.find((candidate) => candidate.id === edge?.id);
      return Number(elkEdge?.layoutOptions?.['elk.layered.priority.direction']);
    };
    expect(priority('Order Captured', 'Order Validated')).toBeGreaterThan(priority('Pricing Discrepancy', 'Order Validated'));
  });

  it('sizes each edge label for the widest of its texts', () => {
    for (const edge of edges) {
      const label = graph.edges?.find((candidate) => candidate.id === edge.id)?.labels?.[0];
      expect(label?.height).toBe(EDGE_LABEL.height);
      for (const text of Object.values(edge.labels)) {
        expect(label?.width ?? 0).toBeGreaterThan(estimateTextWidth(text, EDGE_LABEL.fontSize, true));
      }
    }
    const hold = edges.find((edge) => edge.from === 'Credit Hold');
    expect(hold?.labels).toMatchObject({ frequency: '6', median: '3d' });
    expect(Object.keys(hold?.labels ?? {})).toEqual(['frequency', 'median', 'mean', 'p90', 'total']);
  });

  it('wraps long names to at most three lines that fit the node', () => {
    const { nodes: receipt } = buildElkGraph(RECEIPT_LIKE);
    for (const node of receipt.filter((candidate) => candidate.kind === 'activity')) {
      expect(node.lines.length).toBeGreaterThanOrEqual(1);
      expect(node.lines.length).toBeLessThanOrEqual(NODE.maxLines);
      for (const line of node.lines) expect(estimateTextWidth(line, NODE.nameSize, true)).toBeLessThanOrEqual(NODE.width - 2 * NODE.padX);
    }
    const longest = receipt.find((node) => node.name === 'T09-3 Process or receive external advice from party 3');
    const shortest = receipt.find((node) => node.name === 'Confirmation of receipt');
    expect(longest?.lines.length).toBeGreaterThan(shortest?.lines.length ?? 0);
    expect(longest?.height).toBeGreaterThan(shortest?.height ?? 0);
  });

  it('routes the most frequent paths of a dense map, keeping every activity on a path from start to end, and places nodes the cheap way', () => {
    const dense = buildElkGraph(DENSE);
    expect(dense.edges).toHaveLength(DENSE.edges.length + DENSE.start.length + DENSE.end.length);
    const routed = dense.edges.filter((edge) => edge.routed);
    expect(dense.graph.edges?.map((edge) => edge.id)).toEqual(routed.map((edge) => edge.id));
    expect(routed.length).toBeGreaterThanOrEqual(ROUTED_PATHS - 5);
    expect(routed.length).toBeLessThanOrEqual(ROUTED_PATHS + 10);
    // No routed path is rarer than a curved one, except those kept to connect an activity.
    const rarestRouted = Math.min(...routed.map((edge) => edge.count));
    const curved = dense.edges.filter((edge) => !edge.routed);
    expect(curved.filter((edge) => edge.count > rarestRouted * 2)).toEqual([]);
    for (const node of dense.nodes.filter((candidate) => candidate.kind === 'activity')) {
      expect(routed.some((edge) => edge.target === node.id), `${node.name} has a routed way in`).toBe(true);
      expect(routed.some((edge) => edge.source === node.id), `${node.name} has a routed way out`).toBe(true);
    }
    expect(dense.graph.layoutOptions?.['elk.layered.nodePlacement.strategy']).toBe('BRANDES_KOEPF');
  });

  it('says which activity is missing when a path names an unknown one', () => {
    const broken: ProcessMap = { ...LINEAR, start: [{ activity: 'Nowhere', count: 1 }] };
    expect(() => buildElkGraph(broken)).toThrow(/"Nowhere", which is not among its activities/);
  });
});

describe('layoutProcessMap', () => {
  let linear: ProcessMapLayout;
  let o2c: ProcessMapLayout;
  let receipt: ProcessMapLayout;
  beforeAll(async () => {
    [linear, o2c, receipt] = await Promise.all([layoutProcessMap(LINEAR), layoutProcessMap(ORDER_TO_CASH), layoutProcessMap(RECEIPT_LIKE)]);
  });

  it('puts a linear log in top-down order: start, A, B, C, D, end', () => {
    const ys = [byId(linear, START_ID), ...['A', 'B', 'C', 'D'].map((name) => nodeNamed(linear, name)), byId(linear, END_ID)].map((box) => box.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(ys).size).toBe(ys.length);
  });

  it('keeps the frequent flow of a log with loops pointing down', () => {
    for (const edge of o2c.edges.filter((candidate) => candidate.count >= 40)) {
      expect(byId(o2c, edge.target).y, `${edge.from} → ${edge.to}`).toBeGreaterThan(byId(o2c, edge.source).y);
    }
    const ys = o2c.nodes.map((node) => node.y);
    expect(byId(o2c, START_ID).y).toBe(Math.min(...ys));
    expect(byId(o2c, END_ID).y).toBe(Math.max(...ys));
  });

  it('lays out all 385 paths of a dense 50-activity map (it overflowed the stack), curving the rarest', async () => {
    const dense = await layoutProcessMap(DENSE);
    expect(dense.mode).toBe('layered');
    expect(dense.nodes).toHaveLength(52);
    expect(dense.edges).toHaveLength(385);
    expect(dense.edges.filter((edge) => !edge.routed).length).toBeGreaterThan(200);
    for (const edge of dense.edges) {
      expect(edge.points.length, `${edge.from} → ${edge.to}`).toBeGreaterThanOrEqual(2);
      expect(onBorder(edge.points[0] as Point, byId(dense, edge.source)), `${edge.from} → ${edge.to} leaves its source`).toBe(true);
      expect(onBorder(edge.points.at(-1) as Point, byId(dense, edge.target)), `${edge.from} → ${edge.to} reaches its target`).toBe(true);
    }
    for (const [i, a] of dense.nodes.entries()) for (const b of dense.nodes.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    // Every label sits clear of nodes and other labels; only curves may go without one.
    const labels = dense.edges.flatMap((edge) => (edge.label ? [edge.label] : []));
    expect(dense.edges.filter((edge) => !edge.label && edge.routed)).toEqual([]);
    expect(labels.length).toBeGreaterThan(0.9 * dense.edges.length);
    for (const [i, box] of labels.entries()) {
      for (const node of dense.nodes) expect(overlap(box, node)).toBe(false);
      for (const other of labels.slice(i + 1)) expect(overlap(box, other)).toBe(false);
    }
    for (const box of [...dense.nodes, ...labels]) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(dense.width);
      expect(box.y + box.height).toBeLessThanOrEqual(dense.height);
    }
  });

  for (const [name, layout] of [
    ['order-to-cash', () => o2c],
    ['receipt names', () => receipt],
  ] as const) {
    describe(`on ${name}`, () => {
      it('places nodes without overlaps, inside the graph', () => {
        const nodes = layout().nodes;
        for (const [i, a] of nodes.entries()) {
          expect(a.x).toBeGreaterThanOrEqual(0);
          expect(a.x + a.width).toBeLessThanOrEqual(layout().width);
          expect(a.y + a.height).toBeLessThanOrEqual(layout().height);
          for (const b of nodes.slice(i + 1)) expect(overlap(a, b), `${a.name} / ${b.name}`).toBe(false);
        }
      });

      it('routes every edge from its source border to its target border, around all nodes', () => {
        for (const edge of layout().edges) {
          expect(edge.points.length).toBeGreaterThanOrEqual(2);
          expect(onBorder(edge.points[0] as Point, byId(layout(), edge.source)), `${edge.from} → ${edge.to} leaves its source`).toBe(true);
          expect(onBorder(edge.points.at(-1) as Point, byId(layout(), edge.target)), `${edge.from} → ${edge.to} reaches its target`).toBe(true);
          for (const node of layout().nodes) {
            edge.points.slice(1).forEach((q, i) => {
              expect(crosses(edge.points[i] as Point, q, node), `${edge.from} → ${edge.to} through ${node.name}`).toBe(false);
            });
          }
        }
      });

      it('puts each label on its own edge, clear of nodes and of other labels', () => {
        const labelled = layout().edges.filter((edge) => edge.label);
        expect(labelled).toHaveLength(layout().edges.length);
        for (const [i, edge] of labelled.entries()) {
          const box = edge.label as Box;
          expect(edge.points.slice(1).some((q, j) => crosses(edge.points[j] as Point, q, box, 0)), `label of ${edge.from} → ${edge.to}`).toBe(true);
          for (const node of layout().nodes) expect(overlap(box, node), `label of ${edge.from} → ${edge.to} on ${node.name}`).toBe(false);
          for (const other of labelled.slice(i + 1)) expect(overlap(box, other.label as Box)).toBe(false);
        }
      });
    });
  }
});
