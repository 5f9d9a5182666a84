import { queryRows, type Store } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { runAnalysis } from '../analysis.ts';
import { isNumericType, isTemporalType } from '../columns.ts';
import { checkWholeNumber, OptionError } from '../errors.ts';
import type { Filter } from '../filter/index.ts';

/**
 * The values an attribute holds in the filtered cases, for choosing one in a filter:
 * the values most cases hold (a case counts once per value it holds on any event),
 * optionally only those containing `search` (case-insensitive). Values are text, as
 * the filter's `where` takes them; numbers and times also give their range.
 */
export interface AttributeValues {
  log: string;
  attribute: string;
  type: string;
  /** Kept cases with a value on at least one event. */
  cases: number;
  /** Distinct values among them (before `search` and `limit`). */
  distinct: number;
  values: { value: string; cases: number }[];
  /** For numbers and times, the smallest and largest value as text; else null. */
  min: string | null;
  max: string | null;
}

export const DEFAULT_VALUES_LIMIT = 50;

export async function getAttributeValues(store: Store, log: string, filter: Filter, options: { attribute: string; search?: string; limit?: number }): Promise<AttributeValues> {
  const limit = options.limit ?? DEFAULT_VALUES_LIMIT;
  checkWholeNumber(limit, 'limit', 1, 1000);
  return runAnalysis(store, log, filter, async ({ connection, log: ref, params, eventCases }) => {
    const attribute = ref.attributes.find((a) => a.name === options.attribute);
    if (attribute === undefined) {
      const known = ref.attributes.map((a) => JSON.stringify(a.name)).join(', ') || 'none';
      throw new OptionError(`the log has no attribute ${JSON.stringify(options.attribute)}; its attributes are ${known}`);
    }
    const column = `x.${quoteIdent(attribute.name)}`;
    const ordered = isNumericType(attribute.type) || isTemporalType(attribute.type);
    // Times as ISO-8601 UTC, as the filter reads them back; anything else as its text.
    const asText = (value: string) => (isTemporalType(attribute.type) ? `strftime(${value}, '%Y-%m-%dT%H:%M:%S.%gZ')` : `CAST(${value} AS VARCHAR)`);
    const held = `SELECT DISTINCT e.case_id, ${column} AS value FROM events e JOIN ${quoteIdent(attributeTable(ref.id))} x ON x.waybill_event_no = e.event_no
                  WHERE e.log_id = $log AND ${column} IS NOT NULL ${eventCases('e')}`;
    const [totals] = await queryRows<{ cases: number; distinct: number; min: string | null; max: string | null }>(
      connection,
      `WITH held AS (${held})
       SELECT count(DISTINCT case_id)::BIGINT AS cases, count(DISTINCT value)::BIGINT AS "distinct",
              ${ordered ? `${asText('min(value)')} AS min, ${asText('max(value)')} AS max` : 'NULL AS min, NULL AS max'}
       FROM held`,
      params,
    );
    const search = options.search?.trim() ?? '';
    const values = await queryRows<{ value: string; cases: number }>(
      connection,
      `WITH held AS (${held})
       SELECT ${asText('held.value')} AS value, count(*)::BIGINT AS cases FROM held
       ${search === '' ? '' : `WHERE contains(lower(${asText('held.value')}), lower($search))`}
       GROUP BY held.value ORDER BY cases DESC, held.value LIMIT $limit`,
      { ...params, limit, ...(search !== '' && { search }) },
    );
    return { log, attribute: attribute.name, type: attribute.type, cases: totals?.cases ?? 0, distinct: totals?.distinct ?? 0, values, min: totals?.min ?? null, max: totals?.max ?? null };
  });
}
