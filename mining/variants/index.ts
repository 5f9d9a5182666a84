import { queryRows, type Store } from '../../store/db.ts';
import type { Filter } from '../filter/index.ts';
import { runAnalysis } from '../analysis.ts';
import { checkWholeNumber } from '../errors.ts';

/**
 * The variants of a log: a variant is the full activity sequence of a case (events
 * ordered by timestamp, ties in source order). Sorted by case count, then by the
 * sequence of activity names compared element by element (as PM4Py lists them).
 * `share` is count / cases and `cumulativeShare` the share of this variant and every
 * one before it; `duration` is over the variant's case durations, in seconds. `rank` is
 * the variant's place in the whole log (1 = its most frequent), the number the filter's
 * `variant=` takes, whatever the filter keeps.
 */
export interface Variants {
  log: string;
  cases: number;
  variantCount: number;
  /** How many of the most frequent variants were skipped before the first listed. */
  offset: number;
  variants: { rank: number; activities: string[]; count: number; share: number; cumulativeShare: number; duration: { mean: number; median: number } }[];
}

export interface VariantsOptions {
  /** Return only `limit` variants (variantCount still counts them all). */
  limit?: number;
  /** Skip the `offset` most frequent variants first: a page of the list. */
  offset?: number;
}

/** Lists the variants of the filtered cases of a log, most frequent first. */
export async function getVariants(store: Store, log: string, filter: Filter = {}, options: VariantsOptions = {}): Promise<Variants> {
  checkWholeNumber(options.limit, 'limit', 1, Number.MAX_SAFE_INTEGER);
  checkWholeNumber(options.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const offset = options.offset ?? 0;
  return runAnalysis(store, log, filter, async ({ connection, params, caseWhere, activityNames }) => {
    const names = await activityNames();
    // Activity ids are assigned in name order, so ordering by the id list orders by names.
    const listed = await queryRows<{ id: number; ids: number[]; count: number; before: number; mean: number; median: number }>(
      connection,
      `WITH per_variant AS (
         SELECT variant_id, count(*)::BIGINT AS count, avg(duration_s) AS mean, median(duration_s) AS median
         FROM cases c WHERE ${caseWhere} GROUP BY variant_id
       )
       SELECT p.variant_id AS id, v.activity_ids AS ids, p.count, p.mean, p.median,
              (sum(p.count) OVER (ORDER BY p.count DESC, v.activity_ids ROWS UNBOUNDED PRECEDING))::BIGINT AS before
       FROM per_variant p JOIN variants v ON v.log_id = $log AND v.variant_id = p.variant_id
       ORDER BY p.count DESC, v.activity_ids
       ${options.limit === undefined ? '' : 'LIMIT $limit'} OFFSET $offset`,
      { ...params, offset, ...(options.limit !== undefined && { limit: options.limit }) },
    );
    // The totals, apart: a page past the end lists nothing but still says how many there are.
    const totals = await queryRows<{ cases: number; variants: number }>(
      connection,
      `SELECT count(*)::BIGINT AS cases, count(DISTINCT variant_id)::BIGINT AS variants FROM cases c WHERE ${caseWhere}`,
      params,
    );
    const cases = totals[0]?.cases ?? 0;
    return {
      log,
      cases,
      variantCount: totals[0]?.variants ?? 0,
      offset,
      variants: listed.map((row) => ({
        rank: row.id + 1,
        activities: row.ids.map((id) => names[id] ?? `#${id}`),
        count: row.count,
        share: row.count / cases,
        cumulativeShare: row.before / cases,
        duration: { mean: row.mean, median: row.median },
      })),
    };
  });
}
