import type { ExceptionTrends, QueueAging } from '../../../mining/index.ts';
import { isKpiWithCases } from '../../../mining/kpis/fields.ts';
import type { Conditions } from '../filter/url-filter.ts';

/** Whether the page's filter already has a time window (the filter holds one). */
export function hasTimeWindow(url: URL): boolean {
  return ['from', 'to', 'timeframe'].some((name) => url.searchParams.has(name));
}

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
 * their events cut at asOf, which no filter does; `asOfChosen` then gives null, as does
 * a page already filtered by time (`timeWindow`: the filter holds one window).
 */
export function queueCases(
  aging: Pick<QueueAging, 'asOf' | 'endActivities' | 'rule'>,
  activity: string,
  bucket: { fromSeconds: number; toSeconds: number | null } | null,
  { asOfChosen = false, timeWindow = false }: { asOfChosen?: boolean; timeWindow?: boolean } = {},
): Conditions | null {
  // The page's own time window would be replaced by the bucket's, so the link would not be the count's cases.
  if (asOfChosen || timeWindow) return null;
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
export function exceptionCases(trends: Pick<ExceptionTrends, 'period' | 'periodBy' | 'definitions'>, type: string, periodStart: string | null, timeWindow = false): Conditions | null {
  const definition = trends.definitions.exceptions.find((d) => d.type === type);
  if (!definition || definition.attribute !== undefined || definition.activities?.length !== 1) return null;
  const has = definition.activities[0]!;
  if (periodStart === null) return { has };
  // A period is a time window, and the filter holds one: on a page filtered by time, the period's cases cannot be added.
  if (trends.periodBy !== 'case-start' || timeWindow) return null;
  const start = new Date(periodStart);
  const end = trends.period === 'week' ? new Date(start.getTime() + 7 * 86_400_000) : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return { has, timeframe: 'started', from: start.toISOString(), to: iso(end.getTime() - 1) };
}

/** Which side of a KPI to open: the cases it counts (its numerator, or the cases it measures), or the others it considers. */
export type KpiPart = 'counted' | 'uncounted';

/**
 * The cases behind a KPI tile: those it counts, or considers and does not count, as the
 * KPI itself reads them (the filter's `counted-by` / `not-counted-by`); null for the
 * KPIs that count units or pairs rather than cases (fill rate, receipt to available).
 */
export function kpiCases(id: string, part: KpiPart): Conditions | null {
  if (!isKpiWithCases(id)) return null;
  return part === 'counted' ? { 'counted-by': id } : { 'not-counted-by': id };
}
