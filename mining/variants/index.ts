import { queryRows, type Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import { checkWholeNumber } from '../errors.ts';

/**
 * The variants of a log: a variant is the full activity sequence of a case (events
 * ordered by timestamp, ties in source order). Sorted by case count, then by the
 * sequence of activity names compared element by element (as PM4Py lists them).
 * `share` is count / cases; `duration` is over the variant's case durations, in seconds.
 */
export interface Variants {
  log: string;
  cases: number;
  variantCount: number;
  variants: { activities: string[]; count: number; share: number; duration: { mean: number; median: number } }[];
}

export interface VariantsOptions {
  /** Return only the most frequent `limit` variants (variantCount still counts them all). */
  limit?: number;
}

/** Lists the variants of the filtered cases of a log, most frequent first. */
export async function getVariants(store: Store, log: string, filter: Filter = {}, options: VariantsOptions = {}): Promise<Variants> {
  checkWholeNumber(options.limit, 'limit', 1, Number.MAX_SAFE_INTEGER);
  return runAnalysis(store, log, filter, async ({ connection, params, caseWhere, activityNames }) => {
    const names = await activityNames();
    // Activity ids are assigned in name order, so ordering by the id list orders by names.
    const rows = await queryRows<{ ids: number[]; count: number; mean: number; median: number; total: number; variant_count: number }>(
      connection,
      `WITH per_variant AS (
         SELECT variant_id, count(*)::BIGINT AS count, avg(duration_s) AS mean, median(duration_s) AS median
         FROM cases c WHERE ${caseWhere} GROUP BY variant_id
       )
       SELECT v.activity_ids AS ids, p.count, p.mean, p.median,
              (sum(p.count) OVER ())::BIGINT AS total, (count(*) OVER ())::BIGINT AS variant_count
       FROM per_variant p JOIN variants v ON v.log_id = $log AND v.variant_id = p.variant_id
       ORDER BY p.count DESC, v.activity_ids
       ${options.limit === undefined ? '' : 'LIMIT $limit'}`,
      options.limit === undefined ? params : { ...params, limit: options.limit },
    );
    const cases = rows[0]?.total ?? 0;
    return {
      log,
      cases,
      variantCount: rows[0]?.variant_count ?? 0,
      variants: rows.map((row) => ({
        activities: row.ids.map((id) => names[id] ?? `#${id}`),
        count: row.count,
        share: row.count / cases,
        duration: { mean: row.mean, median: row.median },
      })),
    };
  });
}
