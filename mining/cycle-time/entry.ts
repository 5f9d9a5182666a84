import { OptionError } from '../errors.ts';
import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { DEFAULT_HISTOGRAM_BINS, getCaseDurations } from './case-durations.ts';
import { getCaseDurationDistribution } from './distribution.ts';
import { getMilestoneDurations } from './milestone.ts';
import { DEFAULT_BREAKDOWN_LIMIT, getDurationBreakdown } from './breakdown.ts';
import { getDurationTrend } from './trend.ts';
import { binsFromParams, breakdownFromParams, measureFromParams, trendFromParams } from './params.ts';

const bins = param({ value: 'N', default: String(DEFAULT_HISTOGRAM_BINS), help: 'the histogram’s number of bins' });
/** A milestone: from one activity to another in each case, instead of the whole case. */
const milestone = {
  'milestone-from': param({ value: 'ACTIVITY', help: 'measure from this activity (with milestone-to) instead of the case’s start' }),
  'milestone-to': param({ value: 'ACTIVITY', help: 'measure to this activity (with milestone-from) instead of the case’s end' }),
  'from-occurrence': param({ value: 'first|last', default: 'first', help: 'which occurrence of milestone-from counts' }),
  'to-occurrence': param({ value: 'first|last', default: 'first', help: 'which occurrence of milestone-to counts' }),
};

export const caseDurationsAnalysis = defineAnalysis({
  name: 'case-durations',
  summary: 'How long cases take: count, mean, median, percentiles and a histogram.',
  params: paramsOf({ bins }),
  example: { log: 'order-to-cash', params: { bins: '12' } },
  run: (store, log, filter, params) => {
    const count = binsFromParams(params);
    return getCaseDurations(store, log, filter, count === undefined ? {} : { bins: count });
  },
});

export const caseDistributionAnalysis = defineAnalysis({
  name: 'case-distribution',
  summary: 'The distribution of case durations: percentiles and a histogram with the cases in each bin.',
  params: paramsOf({ bins }),
  example: { log: 'order-to-cash', params: {} },
  run: (store, log, filter, params) => {
    const count = binsFromParams(params);
    return getCaseDurationDistribution(store, log, filter, count === undefined ? {} : { bins: count });
  },
});

export const milestonesAnalysis = defineAnalysis({
  name: 'milestones',
  summary: 'The time from one activity to another in each case (a milestone), with its distribution.',
  params: paramsOf({ ...milestone, bins }),
  example: { log: 'order-to-cash', params: { 'milestone-from': 'Order Validated', 'milestone-to': 'Payment Received' } },
  run: (store, log, filter, params) => {
    const measure = measureFromParams(params);
    if (measure === 'case') throw new OptionError('milestones needs milestone-from and milestone-to (activities)');
    const count = binsFromParams(params);
    return getMilestoneDurations(store, log, filter, { ...measure, ...(count !== undefined && { bins: count }) });
  },
});

export const durationBreakdownAnalysis = defineAnalysis({
  name: 'duration-breakdown',
  summary: 'Case (or milestone) durations broken down by an attribute’s values.',
  params: paramsOf({
    by: param({ value: 'ATTRIBUTE', help: 'the attribute to break durations down by (required)' }),
    sort: param({ value: 'median|mean|p90|cases', default: 'median', help: 'how the values are ranked' }),
    limit: param({ value: 'N', default: String(DEFAULT_BREAKDOWN_LIMIT), help: 'at most this many values' }),
    ...milestone,
  }),
  example: { log: 'order-to-cash', params: { by: 'customer_tier' } },
  run: (store, log, filter, params) => getDurationBreakdown(store, log, filter, breakdownFromParams(params)),
});

export const durationTrendAnalysis = defineAnalysis({
  name: 'duration-trend',
  summary: 'Case (or milestone) durations per week or month, with the trend.',
  params: paramsOf({
    period: param({ value: 'week|month', default: 'week', help: 'the length of each period' }),
    ...milestone,
  }),
  example: { log: 'order-to-cash', params: { period: 'week' } },
  run: (store, log, filter, params) => getDurationTrend(store, log, filter, trendFromParams(params)),
});
