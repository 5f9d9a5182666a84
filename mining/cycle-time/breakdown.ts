import { queryRows, type Store } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import { checkWholeNumber, OptionError } from '../errors.ts';
import { GROUP_STATS, resolveMeasure, type DurationMeasure, type MeasureInfo } from './measure.ts';

/**
 * A duration (case duration, or a milestone duration) broken down by an attribute.
 * A case's value of the attribute is its value on the case's first event (in case
 * order) where it is not null; so a case attribute (the same on every event, such as
 * XES `case:` attributes or a CSV's customer column) gives its value, and an event
 * attribute gives its first recorded value. Values are compared as text.
 * Buckets: the `limit` values with the highest `sort` statistic (default median; ties:
 * more cases, then value), in that order; then `(missing)` (measured cases with no value on any
 * event), then `(other)` (the cases of every value past the limit, merged; `values`
 * says how many). Each bucket's `median`, `mean` and `p90` (linear interpolation) are
 * over its cases' durations, in seconds. Only measured cases count: for a milestone,
 * cases it does not measure (missing, reversed) are left out.
 */
export interface DurationBreakdown {
  log: string;
  by: string;
  sort: BreakdownSort;
  measure: MeasureInfo;
  /** Measured cases, over all buckets. */
  cases: number;
  /** Distinct values among the measured cases (the missing bucket not counted). */
  valueCount: number;
  buckets: BreakdownBucket[];
}

export interface BreakdownBucket {
  kind: 'value' | 'missing' | 'other';
  /** The value as text; null for the missing and other buckets. */
  value: string | null;
  /** The value, or `(missing)` / `(other)`. */
  label: string;
  /** How many distinct values the bucket holds: 1 for a value, 0 for missing. */
  values: number;
  cases: number;
  median: number;
  mean: number;
  p90: number;
}

export interface DurationBreakdownOptions {
  /** An attribute column of the log (see `waybill logs`). */
  by: string;
  /** Default `case`: the case duration. */
  measure?: DurationMeasure;
  /** How many values to list before merging the rest into `(other)` (1–1000); default 20. */
  limit?: number;
  /** Which statistic ranks the values, highest first; default `median`. */
  sort?: BreakdownSort;
}

export type BreakdownSort = 'median' | 'mean' | 'p90' | 'cases';
export const BREAKDOWN_SORTS: readonly BreakdownSort[] = ['median', 'mean', 'p90', 'cases'];
const SORT_SQL: Record<BreakdownSort, string> = {
  median: 'median(seconds)',
  mean: 'avg(seconds)',
  p90: 'quantile_cont(seconds, 0.9)',
  cases: 'count(*)',
};

export const DEFAULT_BREAKDOWN_LIMIT = 20;

/** Breaks the duration of the filtered cases down by the value of an attribute, slowest median first. */
export async function getDurationBreakdown(store: Store, log: string, filter: Filter, options: DurationBreakdownOptions): Promise<DurationBreakdown> {
  checkWholeNumber(options.limit, 'limit', 1, 1000);
  const limit = options.limit ?? DEFAULT_BREAKDOWN_LIMIT;
  const sort = options.sort ?? 'median';
  if (!BREAKDOWN_SORTS.includes(sort)) throw new OptionError(`sort must be one of ${BREAKDOWN_SORTS.join(', ')}, not ${JSON.stringify(sort)}`);
  return runAnalysis(store, log, filter, async (scope) => {
    const attribute = scope.log.attributes.find((a) => a.name === options.by);
    if (!attribute) {
      const names = scope.log.attributes.map((a) => JSON.stringify(a.name)).join(', ');
      throw new OptionError(`by: log ${JSON.stringify(scope.log.name)} has no attribute ${JSON.stringify(options.by)}; its attributes are ${names || 'none'}`);
    }
    const measure = await resolveMeasure(scope, options.measure);
    const column = `a.${quoteIdent(attribute.name)}`;
    const table = quoteIdent(attributeTable(scope.log.id));
    const rows = await queryRows<{ kind: 'value' | 'missing' | 'other'; value: string | null; values: number; cases: number; median: number; mean: number; p90: number; value_count: number }>(
      scope.connection,
      `WITH d AS MATERIALIZED (${measure.sql}),
       firsts AS (
         SELECT e.case_id, ${column}::VARCHAR AS value
         FROM events e JOIN ${table} a ON a.waybill_event_no = e.event_no
         WHERE e.log_id = $log AND e.position = 1 ${scope.eventCases('e')}
       ),
       -- Most cases have the value on their first event; only the others need a search.
       case_values AS (
         SELECT case_id, value FROM firsts WHERE value IS NOT NULL
         UNION ALL
         SELECT e.case_id, arg_min(${column}, e.position)::VARCHAR AS value
         FROM events e JOIN ${table} a ON a.waybill_event_no = e.event_no
         WHERE e.log_id = $log AND ${column} IS NOT NULL AND e.case_id IN (SELECT case_id FROM firsts WHERE value IS NULL)
         GROUP BY e.case_id
       ),
       valued AS (SELECT d.seconds, v.value FROM d LEFT JOIN case_values v USING (case_id)),
       ranked AS (
         SELECT value, row_number() OVER (ORDER BY ${SORT_SQL[sort]} DESC, count(*) DESC, value) AS rank
         FROM valued WHERE value IS NOT NULL GROUP BY value
       ),
       bucketed AS (
         SELECT CASE WHEN d.value IS NULL THEN 'missing' WHEN r.rank <= $limit THEN 'value' ELSE 'other' END AS kind,
                CASE WHEN r.rank <= $limit THEN d.value END AS value,
                CASE WHEN r.rank <= $limit THEN r.rank END AS rank,
                d.value AS original, d.seconds
         FROM valued d LEFT JOIN ranked r USING (value)
       )
       SELECT kind, value, count(DISTINCT original)::BIGINT AS values, ${GROUP_STATS},
              (SELECT count(*) FROM ranked)::BIGINT AS value_count
       FROM bucketed d GROUP BY kind, value, rank
       ORDER BY CASE kind WHEN 'value' THEN 0 WHEN 'missing' THEN 1 ELSE 2 END, rank`,
      { ...measure.params, limit },
    );
    const cases = rows.reduce((sum, row) => sum + row.cases, 0);
    return {
      log,
      by: attribute.name,
      sort,
      measure: measure.info,
      cases,
      valueCount: rows[0]?.value_count ?? 0,
      buckets: rows.map(({ kind, value, values, cases: n, median, mean, p90 }) => ({
        kind,
        value,
        label: kind === 'value' ? value! : `(${kind})`,
        values,
        cases: n,
        median,
        mean,
        p90,
      })),
    };
  });
}
