import type { ProcessMap } from '../../../../mining/index.ts';

/** A process map with only some of its paths, and how many were left out. */
export interface SimplifiedMap extends ProcessMap {
  hiddenPaths: number;
}

type Path = { kind: 'edge'; index: number; from: string; to: string; count: number } | { kind: 'start' | 'end'; index: number; activity: string; count: number };

/**
 * Keeps the most frequent `share` (0–1) of a map's paths — transitions between
 * activities and the start/end arcs alike, as Disco's paths slider does — and
 * then, so no activity floats free, each activity's most frequent incoming and
 * outgoing path. Activities, counts and totals are untouched.
 */
export function simplifyProcessMap(map: ProcessMap, share: number): SimplifiedMap {
  const paths: Path[] = [
    ...map.edges.map((edge, index) => ({ kind: 'edge' as const, index, from: edge.from, to: edge.to, count: edge.count })),
    ...map.start.map((start, index) => ({ kind: 'start' as const, index, activity: start.activity, count: start.count })),
    ...map.end.map((end, index) => ({ kind: 'end' as const, index, activity: end.activity, count: end.count })),
  ];
  // Stable sort: ties keep the map's own order, so the result is deterministic.
  const ranked = paths.map((path, order) => ({ path, order })).sort((a, b) => b.path.count - a.path.count || a.order - b.order);
  const keep = new Set<Path>(ranked.slice(0, Math.round(Math.min(1, Math.max(0, share)) * paths.length)).map(({ path }) => path));

  const into = (path: Path, activity: string) => (path.kind === 'edge' ? path.to === activity : path.kind === 'start' && path.activity === activity);
  const outOf = (path: Path, activity: string) => (path.kind === 'edge' ? path.from === activity : path.kind === 'end' && path.activity === activity);
  for (const { name } of map.activities) {
    for (const touches of [into, outOf]) {
      if ([...keep].some((path) => touches(path, name))) continue;
      const strongest = ranked.find(({ path }) => touches(path, name));
      if (strongest) keep.add(strongest.path);
    }
  }

  const kept = (kind: Path['kind']) => new Set([...keep].filter((path) => path.kind === kind).map((path) => path.index));
  const edges = kept('edge');
  const start = kept('start');
  const end = kept('end');
  return {
    ...map,
    edges: map.edges.filter((_, index) => edges.has(index)),
    start: map.start.filter((_, index) => start.has(index)),
    end: map.end.filter((_, index) => end.has(index)),
    hiddenPaths: paths.length - keep.size,
  };
}

/**
 * The share of paths a map opens with: all of them while the map is sparse (at most
 * 2.5 paths per node), otherwise enough for about 1.25 per node — a 27-activity log
 * with a hundred transitions is unreadable drawn whole. A multiple of 5%.
 */
export function defaultPathShare(map: ProcessMap): number {
  const paths = map.edges.length + map.start.length + map.end.length;
  const nodes = map.activities.length + 2;
  if (paths <= 2.5 * nodes) return 1;
  return Math.max(0.05, Math.round(((1.25 * nodes) / paths) * 20) / 20);
}
