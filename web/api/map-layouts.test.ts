import { describe, expect, it, vi } from 'vitest';
import type { ElkNode } from 'elkjs';
import type { ProcessMap } from '../../mining/index.ts';
import { layoutProcessMap } from '../lib/process-map/layout/elk-graph.ts';
import { MapLayouts } from './map-layouts.ts';

const MAP: ProcessMap = {
  log: 'orders',
  cases: 3,
  events: 7,
  activities: [
    { name: 'Order Captured', count: 3, cases: 3 },
    { name: 'Order Validated', count: 2, cases: 2 },
    { name: 'Shipped', count: 2, cases: 2 },
  ],
  edges: [
    { from: 'Order Captured', to: 'Order Validated', count: 2, duration: { mean: 3600, median: 3600, p90: 3600, sum: 7200, min: 3600, max: 3600, stdev: 0 } },
    { from: 'Order Validated', to: 'Shipped', count: 2, duration: { mean: 7200, median: 7200, p90: 7200, sum: 14400, min: 7200, max: 7200, stdev: 0 } },
  ],
  start: [{ activity: 'Order Captured', count: 3 }],
  end: [
    { activity: 'Shipped', count: 2 },
    { activity: 'Order Captured', count: 1 },
  ],
};

/** ELK in this thread, counting its layouts. */
async function countingEngine() {
  const elk = new (await import('elkjs/lib/elk.bundled.js')).default();
  const engine = { layouts: 0, layout: (graph: ElkNode) => (engine.layouts++, elk.layout(graph)) };
  return engine;
}

describe('MapLayouts', () => {
  it('lays a map out in ELK’s thread exactly as ELK does in this one', async () => {
    const layouts = new MapLayouts();
    const { layout, problem } = await layouts.layout(MAP);
    expect(problem).toBeNull();
    expect(layout).toEqual(await layoutProcessMap(MAP));
  });

  it('lays the same map out once, however many ask and whenever, each answer with its own numbers', async () => {
    const engine = await countingEngine();
    const layouts = new MapLayouts({ elk: () => engine });
    const [first, second] = await Promise.all([layouts.layout(MAP), layouts.layout(structuredClone(MAP))]);
    expect(second).toEqual(first);
    expect(engine.layouts).toBe(1);
    // The same drawing with other numbers behind its labels: placed as before, its own numbers kept.
    const again = structuredClone(MAP);
    again.edges[0]!.duration.mean += 1e-9;
    const laidAgain = await layouts.layout(again);
    expect(engine.layouts).toBe(1);
    expect(laidAgain.layout.nodes).toEqual(first.layout.nodes);
    expect(laidAgain.layout.edges.find((edge) => edge.kind === 'transition')?.duration?.mean).toBe(again.edges[0]!.duration.mean);
    // Another drawing (a path's label takes more room) is another layout.
    await layouts.layout({ ...MAP, edges: MAP.edges.map((edge) => ({ ...edge, count: edge.count * 1000 })) });
    expect(engine.layouts).toBe(2);
  });

  it('draws the map simply when ELK fails, and tries a new engine for the next map', async () => {
    const makeEngine = vi.fn(() => ({ layout: () => Promise.reject(new Error('Maximum call stack size exceeded')), stop: vi.fn() }));
    const layouts = new MapLayouts({ elk: makeEngine });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { layout, problem } = await layouts.layout(MAP);
    expect(problem).toBe('failed');
    expect(layout.mode).toBe('simple');
    expect(layout.nodes.map((node) => node.name)).toEqual(['Start', 'Order Captured', 'Order Validated', 'Shipped', 'End']);
    expect(makeEngine.mock.results[0]?.value.stop).toHaveBeenCalledOnce();
    // Not remembered: asked again, the map gets another try with a new engine.
    expect((await layouts.layout(MAP)).problem).toBe('failed');
    expect(makeEngine).toHaveBeenCalledTimes(2);
    vi.restoreAllMocks();
  });

  it('draws the map simply when ELK overruns its budget, and stops that engine', async () => {
    const stop = vi.fn();
    const layouts = new MapLayouts({ budgetMs: 50, elk: () => ({ layout: () => new Promise<ElkNode>(() => {}), stop }) });
    const { layout, problem } = await layouts.layout(MAP);
    expect(problem).toBe('timeout');
    expect(layout.mode).toBe('simple');
    expect(stop).toHaveBeenCalledOnce();
  });

  it('lays out first the maps someone waits for, then those laid out ahead; time in the queue is not counted against the budget', async () => {
    const order: number[] = [];
    // Each layout takes 300 ms of a 500 ms budget: two in a row would overrun it if waiting counted.
    // (The graph comes back as it went, unplaced: only the order and the budget matter here.)
    const slow = { layout: async (graph: ElkNode) => (order.push(graph.children!.length - 2), await new Promise((done) => setTimeout(done, 300)), graph) };
    const layouts = new MapLayouts({ budgetMs: 500, elk: () => slow });
    const sized = (activities: number): ProcessMap => {
      const names = Array.from({ length: activities }, (_, i) => `A${i}`);
      return { ...MAP, activities: names.map((name) => ({ name, count: 1, cases: 1 })), edges: [], start: names.map((activity) => ({ activity, count: 1 })), end: names.map((activity) => ({ activity, count: 1 })) };
    };
    const ahead = [1, 2, 3].map((n) => layouts.layout(sized(n), { ahead: true }));
    const waited = [layouts.layout(sized(4)), layouts.layout(sized(5))];
    const results = await Promise.all([...ahead, ...waited]);
    expect(results.map((result) => result.problem)).toEqual([null, null, null, null, null]);
    // The first map ahead had started; the two waited for come next, then the rest ahead.
    expect(order).toEqual([1, 4, 5, 2, 3]);
  });
});
