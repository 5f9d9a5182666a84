import { OptionError } from '../errors.ts';
import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { getOverview, type OverviewPeriod } from './index.ts';

const PERIODS: readonly OverviewPeriod[] = ['day', 'week', 'month'];

export const overviewAnalysis = defineAnalysis({
  name: 'overview',
  summary: 'What the filter keeps: its cases and events of the log’s, the activities and attributes to filter on, and cases started per period, all and kept.',
  params: paramsOf({
    period: param({ value: 'day|week|month', help: 'the timeline’s period (default: days up to about three months of data, weeks up to three years, then months)' }),
  }),
  example: { log: 'order-to-cash', params: { period: 'week' } },
  run: (store, log, filter, params) => {
    const period = params.period as OverviewPeriod | undefined;
    if (period !== undefined && !PERIODS.includes(period)) throw new OptionError(`period is day, week or month, not ${JSON.stringify(period)}`);
    return getOverview(store, log, filter, period === undefined ? {} : { period });
  },
});
