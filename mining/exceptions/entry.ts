import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { exceptionOptionsFromParams } from './params.ts';
import { getExceptionTrends } from './trends.ts';

export const exceptionsAnalysis = defineAnalysis({
  name: 'exceptions',
  summary: 'Exception rates per type and period, with trends, step changes and outliers, and the attributes that drive them.',
  params: paramsOf({
    exception: param({ value: 'TYPE=ACTIVITY|ACTIVITY', repeatable: true, default: 'the log’s saved settings', help: 'an exception type and the activities that mark it' }),
    period: param({ value: 'week|month', default: 'week', help: 'the length of each period' }),
    'period-by': param({ value: 'case-start|event', default: 'case-start', help: 'count a case in the period it started, or each exception when it happened' }),
    driver: param({ value: 'ATTRIBUTE', repeatable: true, default: 'chosen from the log', help: 'an attribute to test as a driver (none: no drivers)' }),
    top: param({ value: 'N', default: '5', help: 'how many drivers to show per type (1–100)' }),
  }),
  example: { log: 'order-to-cash', params: { period: 'week' } },
  run: (store, log, filter, params) => getExceptionTrends(store, log, filter, exceptionOptionsFromParams(params)),
});
