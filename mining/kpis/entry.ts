import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { getKpis, getTouchlessOrders } from './index.ts';
import { kpiOptionsFromParams } from './params.ts';

const kpiParams = {
  'order-activity': param({ value: 'ACTIVITY|none', default: 'the log’s saved settings', help: 'the activity that makes a case an order (none: every case is one)' }),
  exception: param({ value: 'ACTIVITY', repeatable: true, default: 'the log’s saved settings', help: 'an exception activity' }),
  manual: param({ value: 'PREFIX', repeatable: true, default: 'the log’s saved settings', help: 'a resource prefix of people whose touch makes an order manual' }),
};

export const kpisAnalysis = defineAnalysis({
  name: 'kpis',
  summary: 'The operations KPIs (cycle time, OTIF, fill rate, touchless rate, exception rate…), each with what it could not compute and why.',
  params: paramsOf(kpiParams),
  example: { log: 'order-to-cash', params: {} },
  run: (store, log, filter, params) => getKpis(store, log, filter, kpiOptionsFromParams(params)),
});

export const touchlessOrdersAnalysis = defineAnalysis({
  name: 'touchless-orders',
  summary: 'The orders behind the touchless rate: completed orders no person touched.',
  params: paramsOf(kpiParams),
  example: { log: 'order-to-cash', params: {} },
  run: (store, log, filter, params) => getTouchlessOrders(store, log, filter, kpiOptionsFromParams(params)),
});
