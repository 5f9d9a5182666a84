import type { ProcessMap } from './index.ts';

/** A process map showing some of its paths, with how many it hides. */
export interface SimplifiedMap extends ProcessMap {
  hiddenPaths: number;
}

/**
 * The share of paths a map opens with (`paths=auto`): all of them while the map is
 * sparse (at most 2.5 paths per node), otherwise enough for about 1.25 per node — a
 * 27-activity log with a hundred transitions is unreadable drawn whole. A multiple of 5%.
 */
export function defaultPathShare(map: ProcessMap): number {
  const paths = map.edges.length + map.start.length + map.end.length;
  const nodes = map.activities.length + 2;
  if (paths <= 2.5 * nodes) return 1;
  return Math.max(0.05, Math.round(((1.25 * nodes) / paths) * 20) / 20);
}

const START = '\u0000start';
const END = '\u0000end';

/** An arc of the map: a transition, or the start or end arc of an activity. */
interface Arc {
  from: string;
  to: string;
  weight: number;
  /** Position in the map's own order (start arcs, then transitions, then end arcs), to break ties. */
  order: number;
}

/**
 * Keeps the most frequent `share` (0–1) of a map's paths — transitions and the
 * start and end arcs alike, as Disco's paths slider does — and then keeps the
 * graph connected: every activity stays on a path from the start to the end. An
 * activity the kept arcs do not reach from the start gets the widest path to it
 * (the one whose least frequent arc is most frequent), and likewise its widest
 * path on to the end. `weight` chooses the frequency ranked (edge `count` by
 * default; `cases` when the map counts cases per edge). Activities and totals are
 * untouched.
 */
export function simplifyPaths(map: ProcessMap, share: number, weight: (edge: ProcessMap['edges'][number]) => number = (edge) => edge.count): SimplifiedMap {
  const arcs: Arc[] = [
    ...map.start.map((s) => ({ from: START, to: s.activity, weight: s.count })),
    ...map.edges.map((e) => ({ from: e.from, to: e.to, weight: weight(e) })),
    ...map.end.map((e) => ({ from: e.activity, to: END, weight: e.count })),
  ].map((arc, order) => ({ ...arc, order }));
  // Stable ranking: ties keep the map's own order, so the result is deterministic.
  const ranked = [...arcs].sort((a, b) => b.weight - a.weight || a.order - b.order);
  const keep = new Set<Arc>(ranked.slice(0, Math.round(Math.min(1, Math.max(0, share)) * arcs.length)));

  for (const { name } of map.activities) {
    if (!reachable(keep, START, 'forward').has(name)) for (const arc of widestPath(arcs, START, name)) keep.add(arc);
    if (!reachable(keep, END, 'backward').has(name)) for (const arc of widestPath(arcs, name, END)) keep.add(arc);
  }

  const kept = (arc: Arc) => keep.has(arcs[arc.order]!);
  const startArcs = arcs.slice(0, map.start.length);
  const edgeArcs = arcs.slice(map.start.length, map.start.length + map.edges.length);
  const endArcs = arcs.slice(map.start.length + map.edges.length);
  return {
    ...map,
    start: map.start.filter((_, i) => kept(startArcs[i]!)),
    edges: map.edges.filter((_, i) => kept(edgeArcs[i]!)),
    end: map.end.filter((_, i) => kept(endArcs[i]!)),
    hiddenPaths: arcs.length - keep.size,
  };
}

/** The nodes reachable from `origin` along `arcs`, following them forward or backward. */
function reachable(arcs: ReadonlySet<Arc>, origin: string, direction: 'forward' | 'backward'): Set<string> {
  const seen = new Set([origin]);
  const queue = [origin];
  for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
    for (const arc of arcs) {
      const [here, there] = direction === 'forward' ? [arc.from, arc.to] : [arc.to, arc.from];
      if (here === node && !seen.has(there)) {
        seen.add(there);
        queue.push(there);
      }
    }
  }
  return seen;
}

/**
 * The path from `source` to `target` whose least frequent arc is as frequent as
 * possible (a widest path, by a Dijkstra on the bottleneck); empty if none.
 */
function widestPath(arcs: readonly Arc[], source: string, target: string): Arc[] {
  const width = new Map<string, number>([[source, Number.POSITIVE_INFINITY]]);
  const via = new Map<string, Arc>();
  const done = new Set<string>();
  for (;;) {
    let node: string | undefined;
    for (const [candidate, w] of width) if (!done.has(candidate) && (node === undefined || w > width.get(node)!)) node = candidate;
    if (node === undefined || node === target) break;
    done.add(node);
    for (const arc of arcs) {
      if (arc.from !== node || done.has(arc.to)) continue;
      const through = Math.min(width.get(node)!, arc.weight);
      if (through > (width.get(arc.to) ?? Number.NEGATIVE_INFINITY)) {
        width.set(arc.to, through);
        via.set(arc.to, arc);
      }
    }
  }
  const path: Arc[] = [];
  for (let node = target; node !== source; ) {
    const arc = via.get(node);
    if (arc === undefined) return [];
    path.push(arc);
    node = arc.from;
  }
  return path.reverse();
}
