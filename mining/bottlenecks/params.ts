import { OptionError, parseWholeNumber } from '../errors.ts';
import type { BottlenecksOptions } from './index.ts';

/** Reads bottlenecks' parameters (besides the filter): `rank-by` (total | median) and `limit`. */
export function bottlenecksOptionsFromParams(params: { 'rank-by'?: string; limit?: string }): BottlenecksOptions {
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
