import { parseWholeNumber } from '../errors.ts';
import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { DEFAULT_RECONCILIATION_LIMIT, getReconciliation } from './index.ts';

export const reconciliationAnalysis = defineAnalysis({
  name: 'reconciliation',
  summary: 'Ordered against shipped against invoiced, the three-way match and stock variances, on a linked log or a case notion of it.',
  params: paramsOf({
    limit: param({ value: 'N', default: String(DEFAULT_RECONCILIATION_LIMIT), help: 'at most this many rows per list' }),
  }),
  example: { log: 'distributor@order', params: { limit: '20' } },
  run: (store, log, filter, params) => {
    const limit = parseWholeNumber(params.limit, 'limit');
    return getReconciliation(store, log, filter, limit === undefined ? {} : { limit });
  },
});
