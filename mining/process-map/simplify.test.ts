import { describe, expect, it } from 'vitest';
import { mapOf, RECEIPT_ACTIVITIES } from '../../test-support/process-maps.ts';
import { defaultPathShare, simplifyPaths } from './simplify.ts';

// Main flow A→B→C→D (10 cases), a skip A→C (3), rework C→B (2), an early exit at B (1).
const map = mapOf([
  { activities: ['A', 'B', 'C', 'D'], times: 10 },
  { activities: ['A', 'C', 'D'], times: 3 },
  { activities: ['A', 'B', 'C', 'B', 'C', 'D'], times: 2 },
  { activities: ['A', 'B'], times: 1 },
]);
const paths = (m: ReturnType<typeof simplifyPaths>) => [
  ...m.start.map((s) => `▶${s.activity}`),
  ...m.edges.map((e) => `${e.from}→${e.to}`),
  ...m.end.map((e) => `${e.activity}■`),
];

describe('simplifyPaths', () => {
  it('keeps every path at 100%', () => {
    const all = simplifyPaths(map, 1);
    expect(all.hiddenPaths).toBe(0);
    expect(all.edges).toEqual(map.edges);
    expect(all.start).toEqual(map.start);
    expect(all.end).toEqual(map.end);
  });

  it('at 0% still gives every activity its strongest way in and out', () => {
    const least = simplifyPaths(map, 0);
    expect(paths(least).sort()).toEqual(['▶A', 'A→B', 'B→C', 'C→D', 'D■'].sort());
    expect(least.hiddenPaths).toBe(paths(simplifyPaths(map, 1)).length - 5);
  });

  it('adds paths from the most frequent down', () => {
    // 9 paths in all; half of them is the 4 (rounded) most frequent: ▶A 16, A→B 13, B→C 14, C→D 15 (D■ ties at 15).
    const half = simplifyPaths(map, 0.5);
    expect(paths(half)).toContain('B→C');
    expect(paths(half)).not.toContain('C→B');
    expect(paths(half)).not.toContain('A→C');
  });

  it('never touches the activities or the totals', () => {
    const least = simplifyPaths(map, 0);
    expect(least.activities).toEqual(map.activities);
    expect([least.cases, least.events]).toEqual([map.cases, map.events]);
  });
});

describe('defaultPathShare', () => {
  it('shows a sparse map whole', () => {
    expect(defaultPathShare(map)).toBe(1);
  });

  it('thins a dense map to about 1.25 paths per node, in steps of 5%', () => {
    // Every activity directly followed by every other once: 27 × 26 transitions.
    const dense = mapOf(RECEIPT_ACTIVITIES.flatMap((a) => RECEIPT_ACTIVITIES.filter((b) => b !== a).map((b) => ({ activities: [a, b] }))));
    expect(dense.edges).toHaveLength(27 * 26);
    const share = defaultPathShare(dense);
    expect(share).toBeLessThan(0.2);
    expect(Math.round(share * 20)).toBeCloseTo(share * 20, 9);
    const total = dense.edges.length + dense.start.length + dense.end.length;
    expect(share * total).toBeGreaterThan(0.9 * (RECEIPT_ACTIVITIES.length + 2));
  });
});
