import { OptionError, parseWholeNumber } from '../errors.ts';
import type { ExceptionDefinition } from './definitions.ts';
import type { ExceptionTrendsOptions } from './trends.ts';

type Params = Partial<Record<'exception' | 'period' | 'period-by' | 'driver' | 'top', string | readonly string[]>>;

const all = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);

/**
 * The text syntax of exception trends' options, shared by the CLI and the API:
 * `exception` (repeatable) `TYPE=ACTIVITY|ACTIVITY…` (a type made of these
 * activities); `period` (week | month); `period-by` (case-start | event);
 * `driver` (repeatable attribute name, or `none`); `top` (1–100).
 */
export function exceptionOptionsFromParams(params: Params): ExceptionTrendsOptions {
  const options: ExceptionTrendsOptions = {};
  const exceptions = all(params.exception);
  if (exceptions.length > 0) {
    options.exceptions = exceptions.map((text): ExceptionDefinition => {
      const at = text.indexOf('=');
      const type = at < 0 ? text.trim() : text.slice(0, at).trim();
      const activities = (at < 0 ? text : text.slice(at + 1)).split('|').map((a) => a.trim()).filter(Boolean);
      if (type === '' || activities.length === 0) throw new OptionError(`exception: write TYPE=ACTIVITY|ACTIVITY (or one ACTIVITY), not ${JSON.stringify(text)}`);
      return { type, activities };
    });
  }
  const [period] = all(params.period);
  if (period !== undefined) {
    if (period !== 'week' && period !== 'month') throw new OptionError(`period is week or month, not ${JSON.stringify(period)}`);
    options.period = period;
  }
  const [periodBy] = all(params['period-by']);
  if (periodBy !== undefined) {
    if (periodBy !== 'case-start' && periodBy !== 'event') throw new OptionError(`period-by is case-start or event, not ${JSON.stringify(periodBy)}`);
    options.periodBy = periodBy;
  }
  const drivers = all(params.driver);
  if (drivers.length > 0) options.drivers = drivers.length === 1 && drivers[0] === 'none' ? [] : drivers;
  const top = parseWholeNumber(all(params.top)[0], 'top');
  if (top !== undefined) options.top = top;
  return options;
}
