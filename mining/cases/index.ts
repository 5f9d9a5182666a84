import type { DuckDBConnection } from '@duckdb/node-api';
import { queryColumns, queryRows, type Params, type Store } from '../../store/db.ts';
import type { LogRef } from '../../store/logs.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { runAnalysis } from '../analysis.ts';
import { isTemporalType } from '../columns.ts';
import { checkWholeNumber, OptionError } from '../errors.ts';
import { toCsv } from '../export/csv.ts';
import type { Filter } from '../filter/index.ts';

/**
 * The cases a filter keeps, one row each: its name, first and last event, duration
 * (seconds, last event − first), events, its variant's rank in the log (what
 * `variant=` filters by) and, per attribute, the case's first value of it (for a value
 * the source repeats on every event, the case's value).
 */
export interface CaseList {
  log: string;
  /** Cases the filter keeps, before offset and limit. */
  cases: number;
  attributes: string[];
  sort: CaseSort;
  order: 'asc' | 'desc';
  offset: number;
  rows: CaseRow[];
}

export interface CaseRow {
  case: string;
  /** ISO-8601 UTC. */
  start: string;
  end: string;
  durationSeconds: number;
  events: number;
  variant: number;
  attributes: Record<string, string | null>;
}

export const CASE_SORTS = ['start', 'end', 'duration', 'events', 'variant', 'case'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export interface CaseListOptions {
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  /** Rows returned (1–10,000; default 100). */
  limit?: number;
  offset?: number;
}

export const DEFAULT_CASES_LIMIT = 100;
// Unqualified: the same order is applied in the query that lists the cases and in the one that adds their attributes.
const SORT_COLUMNS: Record<CaseSort, string> = { start: 'start_ts', end: 'end_ts', duration: 'duration_s', events: 'events', variant: 'variant_id', case: 'name' };

/** Lists the filtered cases of a log, a page at a time, in the order asked (ties by start, then name). */
export async function getCases(store: Store, log: string, filter: Filter = {}, options: CaseListOptions = {}): Promise<CaseList> {
  const sort = options.sort ?? 'start';
  const order = options.order ?? 'asc';
  if (!CASE_SORTS.includes(sort)) throw new OptionError(`sort is one of ${CASE_SORTS.join(', ')}, not ${JSON.stringify(sort)}`);
  if (order !== 'asc' && order !== 'desc') throw new OptionError(`order is asc or desc, not ${JSON.stringify(order)}`);
  const limit = options.limit ?? DEFAULT_CASES_LIMIT;
  const offset = options.offset ?? 0;
  checkWholeNumber(limit, 'limit', 1, 10_000);
  checkWholeNumber(offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
  return runAnalysis(store, log, filter, async ({ connection, log: ref, params, caseWhere }) => {
    const [{ cases } = { cases: 0 }] = await queryRows<{ cases: number }>(connection, `SELECT count(*)::BIGINT AS cases FROM cases c WHERE ${caseWhere}`, params);
    const columns = await caseColumns(connection, ref, caseWhere, `${SORT_COLUMNS[sort]} ${order}, start_ts, name`, 'LIMIT $limit OFFSET $offset', { ...params, limit, offset });
    const rows = columns.case.map((name, i) => ({
      case: name,
      start: new Date(columns.start[i]!).toISOString(),
      end: new Date(columns.end[i]!).toISOString(),
      durationSeconds: columns.duration[i]!,
      events: columns.events[i]!,
      variant: columns.variant[i]!,
      attributes: Object.fromEntries(columns.attributeNames.map((attribute) => [attribute, columns.attributes[attribute]![i] ?? null])),
    }));
    return { log, cases, attributes: columns.attributeNames, sort, order, offset, rows };
  });
}

/** Every filtered case of a log as columns, in start order: what the dashboard's case table receives (as Arrow). */
export async function getCaseColumns(store: Store, log: string, filter: Filter = {}, options: { signal?: AbortSignal } = {}): Promise<CaseColumns & { log: string }> {
  return runAnalysis(store, log, filter, async ({ connection, log: ref, params, caseWhere }) => {
    return { log, ...(await caseColumns(connection, ref, caseWhere, 'start_ts, name', '', params)) };
  }, options);
}

export interface CaseColumns {
  case: string[];
  /** Epoch milliseconds. */
  start: number[];
  end: number[];
  duration: number[];
  events: number[];
  variant: number[];
  attributeNames: string[];
  attributes: Record<string, (string | null)[]>;
}

/** The columns of the cases `caseWhere` keeps, in `order` (over the cases table's own column names), `page` of them. */
async function caseColumns(connection: DuckDBConnection, ref: LogRef, caseWhere: string, order: string, page: string, params: Params): Promise<CaseColumns> {
  const attributeNames = ref.attributes.map((a) => a.name);
  // Each case's first value of each attribute, read only for the cases listed.
  const firsts = ref.attributes.map((a, i) => {
    const column = `x.${quoteIdent(a.name)}`;
    const first = `arg_min(${column}, e.position) FILTER (WHERE ${column} IS NOT NULL)`;
    return `${isTemporalType(a.type) ? `strftime(${first}, '%Y-%m-%dT%H:%M:%S.%gZ')` : `CAST(${first} AS VARCHAR)`} AS a${i}`;
  });
  const attributes =
    firsts.length === 0
      ? ''
      : `LEFT JOIN (SELECT e.case_id, ${firsts.join(', ')} FROM events e JOIN ${quoteIdent(attributeTable(ref.id))} x ON x.waybill_event_no = e.event_no
                    WHERE e.log_id = $log AND e.case_id IN (SELECT case_id FROM listed) GROUP BY e.case_id) a ON a.case_id = l.case_id`;
  const columns = await queryColumns(
    connection,
    `WITH listed AS (
       SELECT c.case_id, c.name, c.start_ts, c.end_ts, c.duration_s, c.events, c.variant_id FROM cases c WHERE ${caseWhere} ORDER BY ${order} ${page}
     )
     SELECT l.name, epoch_ms(l.start_ts)::DOUBLE AS start, epoch_ms(l.end_ts)::DOUBLE AS "end", l.duration_s, l.events, (l.variant_id + 1)::INTEGER AS variant
            ${firsts.map((_, i) => `, a.a${i}`).join('')}
     FROM listed l ${attributes}
     ORDER BY ${order}`,
    params,
  );
  return {
    case: columns.name as string[],
    start: columns.start as number[],
    end: columns.end as number[],
    duration: columns.duration_s as number[],
    events: columns.events as number[],
    variant: columns.variant as number[],
    attributeNames,
    attributes: Object.fromEntries(attributeNames.map((name, i) => [name, columns[`a${i}`] as (string | null)[]])),
  };
}

/** The cases as CSV for a spreadsheet (formula-like text neutralized, see toCsv): one row per case, times in ISO-8601 UTC. */
export function casesCsv(columns: CaseColumns): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  return toCsv(
    ['case', 'start', 'end', 'duration_seconds', 'events', 'variant', ...columns.attributeNames],
    columns.case.map((name, i) => [name, iso(columns.start[i]!), iso(columns.end[i]!), columns.duration[i]!, columns.events[i]!, columns.variant[i]!, ...columns.attributeNames.map((a) => columns.attributes[a]![i] ?? null)]),
  );
}
