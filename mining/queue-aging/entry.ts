import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { DEFAULT_OLDEST, getQueueAging } from './index.ts';
import { queueAgingOptionsFromParams } from './params.ts';

export const queueAgingAnalysis = defineAnalysis({
  name: 'queue-aging',
  summary: 'The open cases: per current step, how many and how long they have waited, in aging buckets, and the oldest.',
  params: paramsOf({
    'as-of': param({ value: 'TIME', default: 'the log’s last event', help: 'the moment ages are measured at (ISO-8601)' }),
    end: param({ value: 'ACTIVITY', repeatable: true, default: 'inferred from the log', help: 'an activity that ends a case (one empty value: none)' }),
    silence: param({ value: 'none|auto|DURATION', default: 'auto when the end activities are inferred, else none', help: 'a case silent this long (e.g. 30d) counts as ended; auto: from the log’s usual gaps' }),
    sla: param({ value: 'ACTIVITY=DURATION', repeatable: true, help: 'a service level for a step, e.g. "Credit Hold=2d"' }),
    buckets: param({ value: 'DURATIONS', default: '1d,3d,7d', help: 'the aging buckets’ upper bounds' }),
    oldest: param({ value: 'N', default: String(DEFAULT_OLDEST), help: 'how many of the oldest open cases to list (0–1000)' }),
    'oldest-by': param({ value: 'case|step', default: 'case', help: 'rank the oldest by the case’s age or by the time in its current step' }),
    'case-prefix': param({ value: 'PREFIX', help: 'only cases whose id starts with this' }),
  }),
  example: { log: 'order-to-cash', params: { sla: ['Credit Hold=2d'] } },
  run: (store, log, filter, params) => getQueueAging(store, log, filter, queueAgingOptionsFromParams(params)),
});
