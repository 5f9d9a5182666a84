import { OptionError, parseWholeNumber } from '../errors.ts';
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
  const limit = parseWholeNumber(params.limit, 'limit');
  if (limit !== undefined) options.limit = limit;
  return options;
}
