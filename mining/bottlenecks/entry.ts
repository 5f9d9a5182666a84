import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { DEFAULT_BOTTLENECK_LIMIT, getBottlenecks } from './index.ts';
import { bottlenecksOptionsFromParams } from './params.ts';

export const bottlenecksAnalysis = defineAnalysis({
  name: 'bottlenecks',
  summary: 'The handoffs where cases wait longest, and the rework (activities repeated within a case).',
  params: paramsOf({
    'rank-by': param({ value: 'total|median', default: 'total', help: 'rank handoffs by the total time lost or by the median wait' }),
    limit: param({ value: 'N', default: String(DEFAULT_BOTTLENECK_LIMIT), help: 'at most this many handoffs' }),
  }),
  example: { log: 'order-to-cash', params: { 'rank-by': 'median', limit: '5' } },
  run: (store, log, filter, params) => getBottlenecks(store, log, filter, bottlenecksOptionsFromParams(params)),
});
