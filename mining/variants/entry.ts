import { parseWholeNumber } from '../errors.ts';
import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { getVariants } from './index.ts';

export const variantsAnalysis = defineAnalysis({
  name: 'variants',
  summary: 'The variants (distinct activity sequences), most frequent first, with their cases, share and durations.',
  params: paramsOf({
    limit: param({ value: 'N', help: 'at most this many variants (default all)' }),
    offset: param({ value: 'N', default: '0', help: 'skip this many of the most frequent first (a page: offset=100&limit=100 is the second hundred)' }),
  }),
  example: { log: 'order-to-cash', params: { limit: '5' } },
  run: (store, log, filter, params) => {
    const limit = parseWholeNumber(params.limit, 'limit');
    const offset = parseWholeNumber(params.offset, 'offset');
    return getVariants(store, log, filter, { ...(limit !== undefined && { limit }), ...(offset !== undefined && { offset }) });
  },
});
