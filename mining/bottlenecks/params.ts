import { OptionError } from '../errors.ts';
import type { BottlenecksOptions } from './index.ts';

/** Query parameters and CLI flags of bottlenecks (besides the filter): `rank-by` (total | median) and `limit`. */
export const BOTTLENECK_PARAMS = ['rank-by', 'limit'] as const;

export function bottlenecksOptionsFromParams(params: Partial<Record<(typeof BOTTLENECK_PARAMS)[number], string | undefined>>): BottlenecksOptions {
  const options: BottlenecksOptions = {};
  const rankBy = params['rank-by'];
  if (rankBy !== undefined) {
    if (rankBy !== 'total' && rankBy !== 'median') throw new OptionError(`rank-by is total or median, not ${JSON.stringify(rankBy)}`);
    options.rankBy = rankBy;
  }
  if (params.limit !== undefined) {
    if (!/^\d+$/.test(params.limit.trim())) throw new OptionError(`limit must be a whole number, not ${JSON.stringify(params.limit)}`);
    options.limit = Number(params.limit);
  }
  return options;
}
