import type { FilterParam } from '../../filter/url-filter.ts';
import type { ProcessMapLayout } from '../layout/elk-graph.ts';

/**
 * The filter conditions that keep exactly the cases behind a clicked part of the map:
 * an activity's (it occurs), a transition's (A directly followed by B), a start arc's
 * (the case starts with it) or an end arc's (it ends with it). Null for the start and
 * end nodes, which stand for every case.
 */
export function casesBehind(layout: ProcessMapLayout, seriesId: string, index: number): Partial<Record<FilterParam, string>> | null {
  if (seriesId === 'nodes') {
    const node = layout.nodes[index];
    return node?.kind === 'activity' ? { has: node.name } : null;
  }
  if (seriesId !== 'edges' && seriesId !== 'edge-labels') return null;
  const edge = layout.edges[index];
  if (edge === undefined) return null;
  switch (edge.kind) {
    case 'transition':
      return { follows: `${edge.from} -> ${edge.to}` };
    case 'start':
      return { starts: edge.to };
    case 'end':
      return { ends: edge.from };
  }
}
