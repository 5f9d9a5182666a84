import { queryRows, type Store } from '../../store/db.ts';
import { runAnalysis } from '../analysis.ts';
import type { Filter } from '../filter/index.ts';

export type OverviewPeriod = 'day' | 'week' | 'month';

/**
 * What a filter keeps of a log, for the filter bar that every page shows: its cases
 * and events of the log's ("n of N cases, m of M events"), the first and last event
 * of the kept cases, per activity the kept cases with it, and the cases started per
 * day, week or month, all of them and those kept, to draw a timeline to choose a time
 * window on. Periods start at midnight UTC, weeks on Monday.
 */
export interface Overview {
  log: string;
  cases: number;
  events: number;
  totalCases: number;
  totalEvents: number;
  /** The kept cases' first and last event (ISO-8601 UTC); null when none is kept. */
  start: string | null;
  end: string | null;
  /** Every activity of the log with the kept cases holding it at least once, most cases first, then by name. */
  activities: { name: string; cases: number }[];
  /** The attributes to filter on, with their DuckDB types. */
  attributes: { name: string; type: string }[];
  /** Cases started per period over the log's whole span, every period listed (zero where none started). */
  timeline: { period: OverviewPeriod; buckets: { start: string; cases: number; kept: number }[] };
}

const DAY_MS = 86_400_000;

/** The period that gives a readable timeline: days up to about three months, weeks up to three years, then months. */
export function timelinePeriod(first: string | null, last: string | null): OverviewPeriod {
  if (first === null || last === null) return 'day';
  const days = (Date.parse(last) - Date.parse(first)) / DAY_MS;
  return days <= 92 ? 'day' : days <= 3 * 366 ? 'week' : 'month';
}

export async function getOverview(store: Store, log: string, filter: Filter = {}, options: { period?: OverviewPeriod } = {}): Promise<Overview> {
  return runAnalysis(store, log, filter, async ({ connection, log: ref, params, caseWhere, activityNames }) => {
    const [kept] = await queryRows<{ cases: number; events: number | null; start: string | null; end: string | null }>(
      connection,
      `SELECT count(*)::BIGINT AS cases, sum(events)::BIGINT AS events,
              strftime(min(start_ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS start, strftime(max(end_ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS "end"
       FROM cases c WHERE ${caseWhere}`,
      params,
    );
    const names = await activityNames();
    // Every case of a variant holds the same activities: kept cases per activity come from cases per variant.
    const perActivity = await queryRows<{ id: number; cases: number }>(
      connection,
      `WITH per_variant AS (SELECT variant_id, count(*) AS n FROM cases c WHERE ${caseWhere} GROUP BY variant_id)
       SELECT va.activity_id AS id, sum(p.n)::BIGINT AS cases
       FROM per_variant p JOIN variant_activities va ON va.log_id = $log AND va.variant_id = p.variant_id GROUP BY va.activity_id`,
      params,
    );
    const casesOf = new Map(perActivity.map((row) => [row.id, row.cases]));
    const activities = names.map((name, id) => ({ name, cases: casesOf.get(id) ?? 0 })).sort((a, b) => b.cases - a.cases || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const period = options.period ?? timelinePeriod(ref.firstTimestamp, ref.lastTimestamp);
    const buckets = await queryRows<{ start: string; cases: number; kept: number }>(
      connection,
      `WITH kept AS (SELECT c.case_id FROM cases c WHERE ${caseWhere}),
       counted AS (
         SELECT date_trunc('${period}', c.start_ts) AS b, count(*)::BIGINT AS cases, count(k.case_id)::BIGINT AS kept
         FROM cases c LEFT JOIN kept k ON k.case_id = c.case_id WHERE c.log_id = $log GROUP BY 1
       ),
       periods AS (SELECT unnest(generate_series(min(b), max(b), INTERVAL 1 ${period})) AS b FROM counted)
       SELECT strftime(p.b, '%Y-%m-%dT%H:%M:%S.%gZ') AS start, coalesce(counted.cases, 0)::BIGINT AS cases, coalesce(counted.kept, 0)::BIGINT AS kept
       FROM periods p LEFT JOIN counted ON counted.b = p.b ORDER BY p.b`,
      params,
    );
    return {
      log,
      cases: kept?.cases ?? 0,
      events: kept?.events ?? 0,
      totalCases: ref.cases,
      totalEvents: ref.events,
      start: kept?.start ?? null,
      end: kept?.end ?? null,
      activities,
      attributes: ref.attributes,
      timeline: { period, buckets },
    };
  });
}
