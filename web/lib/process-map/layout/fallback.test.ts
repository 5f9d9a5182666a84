import { describe, expect, it, vi } from 'vitest';
import { END_ID, START_ID, type Box, type Point, type ProcessMapLayout } from './elk-graph.ts';
import { LayoutTimeout, layoutOrSimply, simpleLayout } from './fallback.ts';
import { denseCases, mapOf, ORDER_TO_CASH } from '../../../../test-support/process-maps.ts';

const byId = (layout: ProcessMapLayout, id: string) => layout.nodes.find((node) => node.id === id) as Box;
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const onBorder = (point: Point, box: Box) =>
  point.x >= box.x - 0.5 &&
  point.x <= box.x + box.width + 0.5 &&
  point.y >= box.y - 0.5 &&
  point.y <= box.y + box.height + 0.5 &&
  (Math.abs(point.x - box.x) < 0.5 || Math.abs(point.x - box.x - box.width) < 0.5 || Math.abs(point.y - box.y) < 0.5 || Math.abs(point.y - box.y - box.height) < 0.5);

/** What every drawing must hold: nodes apart and inside, each path from its source's border to its target's, labels clear. */
function expectDrawable(layout: ProcessMapLayout) {
  for (const [i, a] of layout.nodes.entries()) {
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(a.y).toBeGreaterThanOrEqual(0);
    expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
    expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
    for (const b of layout.nodes.slice(i + 1)) expect(overlap(a, b), `${a.name} / ${b.name}`).toBe(false);
  }
  for (const edge of layout.edges) {
    expect(onBorder(edge.points[0] as Point, byId(layout, edge.source)), `${edge.from} → ${edge.to} leaves its source`).toBe(true);
    expect(onBorder(edge.points.at(-1) as Point, byId(layout, edge.target)), `${edge.from} → ${edge.to} reaches its target`).toBe(true);
    for (const point of edge.points) {
      expect(point.x).toBeGreaterThanOrEqual(0);
      expect(point.x).toBeLessThanOrEqual(layout.width);
    }
  }
  const labels = layout.edges.flatMap((edge) => (edge.label ? [edge.label] : []));
  for (const [i, label] of labels.entries()) {
    for (const node of layout.nodes) expect(overlap(label, node)).toBe(false);
    for (const other of labels.slice(i + 1)) expect(overlap(label, other)).toBe(false);
  }
}

describe('simpleLayout', () => {
  it('draws order-to-cash in rows along its main flow, start on top, end at the bottom, every path a curve', () => {
    const layout = simpleLayout(ORDER_TO_CASH);
    expect(layout.mode).toBe('simple');
    expect(layout.edges.every((edge) => !edge.routed)).toBe(true);
    expectDrawable(layout);
    const y = (name: string) => layout.nodes.find((node) => node.name === name && node.kind === 'activity')?.y ?? Number.NaN;
    const main = ['Order Captured', 'Order Validated', 'Credit Check', 'Inventory Allocated', 'Released to Warehouse', 'Picked', 'Packed', 'Shipped', 'Invoiced', 'Payment Received'];
    const ys = main.map(y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(byId(layout, START_ID).y).toBeLessThan(Math.min(...ys));
    expect(byId(layout, END_ID).y).toBeGreaterThan(Math.max(...ys));
    // The pricing loop goes back up: the rare edge of the cycle is the one drawn upwards.
    expect(y('Pricing Discrepancy')).toBeGreaterThan(y('Order Validated'));
    expect(layout.edges.every((edge) => edge.label !== null)).toBe(true);
  });

  it('draws the dense 50-activity map', () => {
    const dense = mapOf(denseCases());
    const layout = simpleLayout(dense);
    expect(layout.nodes).toHaveLength(52);
    expect(layout.edges).toHaveLength(385);
    expectDrawable(layout);
  });
});

describe('layoutOrSimply', () => {
  it('uses ELK when it answers', async () => {
    const result = await layoutOrSimply(ORDER_TO_CASH);
    expect(result.problem).toBeNull();
    expect(result.layout.mode).toBe('layered');
    expect(result.layout.edges.every((edge) => edge.routed)).toBe(true);
  });

  it('draws the map simply and says so when ELK ran out of time', async () => {
    const result = await layoutOrSimply(ORDER_TO_CASH, { elk: { layout: () => Promise.reject(new LayoutTimeout('8 s')) } });
    expect(result.problem).toBe('timeout');
    expect(result.layout.mode).toBe('simple');
    expectDrawable(result.layout);
  });

  it('draws the map simply and says so when ELK fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await layoutOrSimply(ORDER_TO_CASH, { elk: { layout: () => Promise.reject(new RangeError('Maximum call stack size exceeded')) } });
    expect(result.problem).toBe('failed');
    expect(result.layout.mode).toBe('simple');
    expect(result.layout.nodes).toHaveLength(ORDER_TO_CASH.activities.length + 2);
    vi.restoreAllMocks();
  });
});
