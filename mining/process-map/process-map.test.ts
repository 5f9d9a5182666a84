import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { discoverProcessMap, type ProcessMap } from './index.ts';
import { processMapOptionsFromParams } from './params.ts';
import { defaultPathShare, simplifyPaths } from './simplify.ts';

// c1, c2: A B C D; c3: A C D; c4: A B C B C D (rework). Events an hour apart.
const CASES: [string, string[]][] = [
  ['c1', ['A', 'B', 'C', 'D']],
  ['c2', ['A', 'B', 'C', 'D']],
  ['c3', ['A', 'C', 'D']],
  ['c4', ['A', 'B', 'C', 'B', 'C', 'D']],
];
let store: Store;
let remove: () => void;
beforeAll(async () => {
  let dir: string;
  ({ store, dir, remove } = await tempStore());
  const rows = CASES.flatMap(([id, activities]) => activities.map((a, i) => `${id},${a},2026-01-05T${String(8 + i).padStart(2, '0')}:00:00Z`));
  await ingestFile(store, writeFixture(dir, 'flow.csv', `case_id,activity,timestamp\n${rows.join('\n')}\n`));
});
afterAll(() => remove());

const arcs = (map: ProcessMap) => [...map.start.map((s) => `▶${s.activity}`), ...map.edges.map((e) => `${e.from}→${e.to}`), ...map.end.map((e) => `${e.activity}■`)].sort();

describe('process map controls', () => {
  it('counts an edge by events or by cases', async () => {
    const byEvents = await discoverProcessMap(store, 'flow');
    expect(byEvents.edges.find((e) => e.from === 'B' && e.to === 'C')).toMatchObject({ count: 4 });
    expect(byEvents.edges[0]).not.toHaveProperty('cases');
    const byCases = await discoverProcessMap(store, 'flow', {}, { frequency: 'cases' });
    expect(byCases.edges.find((e) => e.from === 'B' && e.to === 'C')).toMatchObject({ count: 4, cases: 3 });
    expect(byCases.edges.find((e) => e.from === 'C' && e.to === 'B')).toMatchObject({ count: 1, cases: 1 });
  });

  it('keeps the most frequent activities and re-links the cases through them', async () => {
    // Counts: C 5, then A, B, D 4 each (ties by name): half keeps C and A.
    const half = await discoverProcessMap(store, 'flow', {}, { activities: 0.5 });
    expect(half.activities.map((a) => a.name)).toEqual(['C', 'A']);
    expect(half.hiddenActivities).toBe(2);
    expect(half.edges.map((e) => [e.from, e.to, e.count])).toEqual([
      ['A', 'C', 4],
      ['C', 'C', 1],
    ]);
    expect(half.edges[0]!.duration).toMatchObject({ min: 3600, max: 7200 }); // A→C over B (2 h) or direct (1 h)
    expect(half.start).toEqual([{ activity: 'A', count: 4 }]);
    expect(half.end).toEqual([{ activity: 'C', count: 4 }]);
  });

  it('keeps the most frequent paths while every activity stays between start and end', async () => {
    const least = await discoverProcessMap(store, 'flow', {}, { paths: 0 });
    // The widest ways: ▶A, A→B (3), B→C (4), C→D (4), D■ (4); the rare A→C and C→B go.
    expect(arcs(least)).toEqual(['A→B', 'B→C', 'C→D', 'D■', '▶A'].sort());
    expect(least.hiddenPaths).toBe(2);
    expect(arcs(await discoverProcessMap(store, 'flow', {}, { paths: 1 }))).toHaveLength(7);
    await expect(discoverProcessMap(store, 'flow', {}, { paths: 2 })).rejects.toThrow(/paths is a share from 0 to 1/);
  });

  it('chooses the share of paths itself with paths auto, and says which it kept', async () => {
    const whole = await discoverProcessMap(store, 'flow');
    expect(whole.pathShare).toBeUndefined();
    // 7 paths over 6 nodes is sparse: all of them.
    expect(await discoverProcessMap(store, 'flow', {}, { paths: 'auto' })).toEqual({ ...whole, hiddenPaths: 0, pathShare: defaultPathShare(whole) });
    expect(defaultPathShare(whole)).toBe(1);
    expect((await discoverProcessMap(store, 'flow', {}, { paths: 0 })).pathShare).toBe(0);
    expect(processMapOptionsFromParams({ paths: 'auto' })).toEqual({ paths: 'auto' });
    expect(() => processMapOptionsFromParams({ paths: 'most' })).toThrow(/paths is a percentage from 0 to 100 or auto, not "most"/);
  });

  it('reconnects an activity reached only by a rare path, by the widest one', () => {
    // X is only reachable through a rare branch: ▶S 10, S→E 10, E■ 10, S→X 1, X→E 1.
    const map: ProcessMap = {
      log: 'x',
      cases: 11,
      events: 23,
      activities: ['S', 'E', 'X'].map((name) => ({ name, count: 1, cases: 1 })),
      edges: [
        { from: 'S', to: 'E', count: 10, duration: { mean: 0, median: 0, min: 0, max: 0, p90: 0, sum: 0, stdev: null } },
        { from: 'S', to: 'X', count: 1, duration: { mean: 0, median: 0, min: 0, max: 0, p90: 0, sum: 0, stdev: null } },
        { from: 'X', to: 'E', count: 1, duration: { mean: 0, median: 0, min: 0, max: 0, p90: 0, sum: 0, stdev: null } },
      ],
      start: [{ activity: 'S', count: 11 }],
      end: [{ activity: 'E', count: 11 }],
    };
    expect(arcs(simplifyPaths(map, 0.5))).toEqual(['E■', 'S→E', 'S→X', 'X→E', '▶S'].sort());
  });
});
