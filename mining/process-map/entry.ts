import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { discoverProcessMap } from './index.ts';
import { processMapOptionsFromParams } from './params.ts';

export const processMapAnalysis = defineAnalysis({
  name: 'process-map',
  summary: 'The process map: each activity and each directly-follows path, with counts and the time between.',
  params: paramsOf({
    activities: param({ value: 'PCT', default: '100', help: 'keep the most frequent activities making up this percentage (0–100)' }),
    paths: param({ value: 'PCT', default: '100', help: 'keep the most frequent paths making up this percentage (0–100), each kept activity still connected; auto: all on a sparse map, about 1.25 per activity on a dense one' }),
    frequency: param({ value: 'events|cases', default: 'events', help: 'count every occurrence, or each case once' }),
  }),
  example: { log: 'order-to-cash', params: { paths: '60' } },
  run: (store, log, filter, params) => discoverProcessMap(store, log, filter, processMapOptionsFromParams(params)),
});
