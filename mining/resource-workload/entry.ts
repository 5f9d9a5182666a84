import { OptionError, parseWholeNumber } from '../errors.ts';
import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { DEFAULT_WORKLOAD_LIMIT, getResourceWorkload } from './index.ts';

export const resourceWorkloadAnalysis = defineAnalysis({
  name: 'resource-workload',
  summary: 'Who does the work: events and cases per resource, overall and per week or month.',
  params: paramsOf({
    period: param({ value: 'week|month', default: 'week', help: 'the length of each period' }),
    limit: param({ value: 'N', default: String(DEFAULT_WORKLOAD_LIMIT), help: 'at most this many resources, the busiest first' }),
  }),
  example: { log: 'order-to-cash', params: { limit: '5' } },
  run: (store, log, filter, params) => {
    if (params.period !== undefined && params.period !== 'week' && params.period !== 'month') throw new OptionError(`period is week or month, not ${JSON.stringify(params.period)}`);
    const limit = parseWholeNumber(params.limit, 'limit');
    return getResourceWorkload(store, log, filter, { ...(params.period !== undefined && { period: params.period }), ...(limit !== undefined && { limit }) });
  },
});
