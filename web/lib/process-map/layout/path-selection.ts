import type { ProcessMap } from '../../../../mining/index.ts';
import { simplifyPaths, type SimplifiedMap } from '../../../../mining/process-map/simplify.ts';

export type { SimplifiedMap } from '../../../../mining/process-map/simplify.ts';

/**
 * Keeps the most frequent `share` of the map's paths while every activity stays
 * on a path from start to end — the same simplification `waybill mine
 * process-map --paths` and the API's `paths` apply (mining/process-map/simplify.ts).
 */
export function simplifyProcessMap(map: ProcessMap, share: number): SimplifiedMap {
  return simplifyPaths(map, share);
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
