import type { ExceptionTrends, QueueAging } from '../../../mining/index.ts';
import { effectiveSetting, type KpiSettingPath, type KpiSettings } from '../../../mining/kpis/fields.ts';
import type { Conditions } from '../filter/url-filter.ts';

/**
 * The filter conditions that keep exactly the cases behind a number on the operations
 * page, so it opens them in the case list; null where the filter cannot say it exactly.
 */

const MS = 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The open cases waiting in `activity` (with `bucket`: only those whose wait falls in its
 * ages). A case waits in the activity it ended with so far, has none of the end
 * activities, and its last event lies within the silence before asOf (older is silent,
 * judged ended) and, for a bucket, within the bucket's ages of asOf:
 * `ends`, `without` and a time window on the case's end. Exact when asOf is the log's
 * last event (the default): at an earlier asOf, cases that go on after it would need
 * their events cut at asOf, which no filter does; `asOfChosen` then gives null.
 */
export function queueCases(aging: Pick<QueueAging, 'asOf' | 'endActivities' | 'rule'>, activity: string, bucket: { fromSeconds: number; toSeconds: number | null } | null, asOfChosen: boolean): Conditions | null {
  if (asOfChosen) return null;
  const asOf = Date.parse(aging.asOf);
  const silence = aging.rule.silence.seconds;
  // Ages in [from, to) seconds; a silent case (age > silence) is not open.
  const oldest = Math.min(bucket?.toSeconds ?? Infinity, silence === null ? Infinity : silence);
  const youngest = bucket?.fromSeconds ?? 0;
  // The case's last event in (asOf − oldest, asOf − youngest]; at the silence bound itself the case is still open, so inclusive.
  // In whole milliseconds, as logs record time: strictly younger than the bucket's end, at most the silence.
  const bySilence = silence !== null && oldest === silence && (bucket?.toSeconds ?? Infinity) > silence;
  const from = oldest === Infinity ? undefined : bySilence ? Math.ceil(asOf - oldest * MS) : Math.floor(asOf - oldest * MS) + 1;
  const to = Math.floor(asOf - youngest * MS);
  return {
    ends: activity,
    without: aging.endActivities,
    timeframe: 'completed',
    ...(from !== undefined && { from: iso(from) }),
    to: iso(to),
  };
}

/**
 * The cases behind one point of an exception trend: by case start, the cases started in
 * the period that have the exception. Exact for a type that is one activity; a type
 * of several activities (any of them) or with an attribute condition on the event
 * cannot be said by the filter (its `has` needs every activity, its `where` any
 * event), and gives null; so does a trend by event time.
 */
export function exceptionCases(trends: Pick<ExceptionTrends, 'period' | 'periodBy' | 'definitions'>, type: string, periodStart: string | null): Conditions | null {
  const definition = trends.definitions.exceptions.find((d) => d.type === type);
  if (!definition || definition.attribute !== undefined || definition.activities?.length !== 1) return null;
  const has = definition.activities[0]!;
  if (periodStart === null) return { has };
  if (trends.periodBy !== 'case-start') return null;
  const start = new Date(periodStart);
  const end = trends.period === 'week' ? new Date(start.getTime() + 7 * 86_400_000) : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return { has, timeframe: 'started', from: start.toISOString(), to: iso(end.getTime() - 1) };
}

/** Which side of a KPI to open: the cases it counts (its numerator, or the cases it measures), or the others it considers. */
export type KpiPart = 'counted' | 'uncounted';

/**
 * The cases behind a KPI tile, for the KPIs the filter can say exactly (null for the
 * others): exception rate (orders with any exception activity; the other orders),
 * order cycle time (orders with the end after the start: the ones measured) and the
 * credit turnaround (cases with a hold released after it). Read with the log's
 * settings in force, as the KPI was.
 */
export function kpiCases(id: string, settings: KpiSettings, part: KpiPart): Conditions | null {
  const order = effectiveSetting(settings, 'orderActivity');
  const orders: Conditions = typeof order === 'string' ? { has: order } : {};
  const list = (path: KpiSettingPath) => {
    const value = effectiveSetting(settings, path);
    return value === null ? [] : typeof value === 'string' ? [value] : value;
  };
  const one = (path: KpiSettingPath) => list(path)[0];
  switch (id) {
    case 'exception_rate': {
      const exceptions = list('exceptionActivities');
      if (exceptions.length === 0) return null;
      return part === 'counted' ? { ...orders, 'has-any': exceptions } : { ...orders, without: exceptions };
    }
    case 'order_cycle_time': {
      const [start, end] = [one('cycleTime.start'), one('cycleTime.end')];
      return part === 'counted' && start !== undefined && end !== undefined ? { ...orders, eventually: `${start} -> ${end}` } : null;
    }
    case 'credit_turnaround': {
      const [from, to] = [one('creditTurnaround.from'), one('creditTurnaround.to')];
      return part === 'counted' && from !== undefined && to !== undefined ? { eventually: `${from} -> ${to}` } : null;
    }
    default:
      return null;
  }
}
