import { OptionError, parseWholeNumber } from '../errors.ts';
import type { BreakdownSort } from './breakdown.ts';
import type { DurationMeasure, Occurrence } from './measure.ts';
import type { TrendPeriod } from './trend.ts';

/**
 * The text syntax of the cycle-time options, shared by the CLI and the API.
 * `from` and `to` already bound the time window, so a milestone is
 * `milestone-from` / `milestone-to` (activities) with `from-occurrence` /
 * `to-occurrence` (first | last); `by`, `limit` and `sort` (median | mean | p90 |
 * cases) break durations down by an attribute; `period` (week | month) makes a
 * trend; `bins` sizes a histogram.
 */
export type CycleTimeParams = Partial<Record<'milestone-from' | 'milestone-to' | 'from-occurrence' | 'to-occurrence' | 'by' | 'limit' | 'sort' | 'period' | 'bins', string>>;

const occurrence = (text: string | undefined, name: string): Occurrence | undefined => {
  if (text === undefined) return undefined;
  if (text !== 'first' && text !== 'last') throw new OptionError(`${name} is first or last, not ${JSON.stringify(text)}`);
  return text;
};

/** The measure the parameters name: a milestone when both activities are given, else the case duration. */
export function measureFromParams(params: CycleTimeParams): DurationMeasure {
  const from = params['milestone-from'];
  const to = params['milestone-to'];
  if (from === undefined && to === undefined) return 'case';
  if (from === undefined || to === undefined) throw new OptionError('a milestone needs both milestone-from and milestone-to');
  const fromOccurrence = occurrence(params['from-occurrence'], 'from-occurrence');
  const toOccurrence = occurrence(params['to-occurrence'], 'to-occurrence');
  return { from, to, ...(fromOccurrence && { fromOccurrence }), ...(toOccurrence && { toOccurrence }) };
}

export function binsFromParams(params: CycleTimeParams): number | undefined {
  return parseWholeNumber(params.bins, 'bins');
}

export function breakdownFromParams(params: CycleTimeParams): { by: string; measure: DurationMeasure; limit?: number; sort?: BreakdownSort } {
  if (params.by === undefined) throw new OptionError('duration-breakdown needs by=ATTRIBUTE (see the log\'s attributes)');
  const limit = parseWholeNumber(params.limit, 'limit');
  return { by: params.by, measure: measureFromParams(params), ...(limit !== undefined && { limit }), ...(params.sort !== undefined && { sort: params.sort as BreakdownSort }) };
}

export function trendFromParams(params: CycleTimeParams): { period?: TrendPeriod; measure: DurationMeasure } {
  if (params.period !== undefined && params.period !== 'week' && params.period !== 'month') throw new OptionError(`period is week or month, not ${JSON.stringify(params.period)}`);
  return { measure: measureFromParams(params), ...(params.period !== undefined && { period: params.period as TrendPeriod }) };
}
