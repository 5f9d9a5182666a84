import type { KpiOptions } from './index.ts';

/** The KPIs' query parameters and CLI flags (besides the filter); the other KPI options are for code that calls getKpis. */
type Params = Partial<Record<'order-activity' | 'exception' | 'manual', string | readonly string[]>>;

const all = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);

/**
 * `order-activity` (the activity that makes a case an order; `none` for every case),
 * `exception` (repeatable: the exception activities) and `manual` (repeatable:
 * resource prefixes of people whose touch makes an order manual).
 */
export function kpiOptionsFromParams(params: Params): KpiOptions {
  const options: KpiOptions = {};
  const [orderActivity] = all(params['order-activity']);
  if (orderActivity !== undefined) options.orderActivity = orderActivity === 'none' ? null : orderActivity;
  const exceptions = all(params.exception);
  if (exceptions.length > 0) options.exceptionActivities = exceptions;
  const manual = all(params.manual);
  if (manual.length > 0) options.manualResourcePrefixes = manual;
  return options;
}
