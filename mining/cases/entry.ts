import { OptionError, parseWholeNumber } from '../errors.ts';
import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { CASE_SORTS, type CaseSort, DEFAULT_CASES_LIMIT, getCases } from './index.ts';
import { getCaseTimeline } from './timeline.ts';

export const casesAnalysis = defineAnalysis({
  name: 'cases',
  summary: 'The cases the filter keeps, a page at a time: start, end, duration, events, variant and each case’s attribute values.',
  params: paramsOf({
    sort: param({ value: CASE_SORTS.join('|'), default: 'start', help: 'the order of the list' }),
    order: param({ value: 'asc|desc', default: 'asc', help: 'ascending or descending' }),
    limit: param({ value: 'N', default: String(DEFAULT_CASES_LIMIT), help: 'at most this many cases (1–10,000)' }),
    offset: param({ value: 'N', default: '0', help: 'skip this many first (a page)' }),
  }),
  example: { log: 'order-to-cash', params: { sort: 'duration', order: 'desc', limit: '5' } },
  run: (store, log, filter, params) => {
    const limit = parseWholeNumber(params.limit, 'limit');
    const offset = parseWholeNumber(params.offset, 'offset');
    return getCases(store, log, filter, {
      ...(params.sort !== undefined && { sort: params.sort as CaseSort }),
      ...(params.order !== undefined && { order: params.order as 'asc' | 'desc' }),
      ...(limit !== undefined && { limit }),
      ...(offset !== undefined && { offset }),
    });
  },
});

export const caseTimelineAnalysis = defineAnalysis({
  name: 'case-timeline',
  summary: 'One case as it happened: its events with times, gaps, resources and attributes, and for a linked log the objects it touches (the filter does not apply).',
  params: paramsOf({
    case: param({ value: 'NAME', help: 'the case (required)' }),
  }),
  example: { log: 'order-to-cash', params: { case: 'SO-1000001' } },
  run: (store, log, _filter, params) => {
    if (params.case === undefined || params.case === '') throw new OptionError('name the case: case=NAME (the cases analysis lists them)');
    return getCaseTimeline(store, log, params.case);
  },
});
