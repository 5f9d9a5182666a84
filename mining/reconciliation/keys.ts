import { isNumericType } from '../column-types.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';

/**
 * How an event names a business object (an order line, a PO line, a shipment):
 * in a flat log by an attribute column (`order_line_id`); in a log linked from
 * several streams (or flattened from one) by the objects of a type its events
 * touch (`order line`), since linking turns key columns into objects.
 */
export interface KeySource {
  /** What was found: `attribute order_line_id` or `object type "order line"`. */
  label: string;
  /** SQL relation `(event_no, key)`: every event that names an object, once per object. */
  relation: string;
  /**
   * The same events as `relation`, with `key` an identifier of the object that is
   * cheaper to group and join on (a case notion's integer case id) but not its name:
   * for grouping and matching only, never for output.
   */
  idRelation: string;
  /** When `idRelation`'s key is not the object's name: SQL relation `(key, name)` naming each id. */
  names?: string;
  /**
   * For a case notion: SQL relation `(event_no, key, activity, ts)`, `idRelation` with each event's activity
   * name, read from the notion log alone (its events are the linked log's events that name an object of the type).
   */
  keyedEvents?: string;
  /** For an attribute key: the column (quoted) of the log's attribute table naming the object, so a query already reading that table needs no join. */
  column?: string;
}

/** The store's tables for a log: where its events' attributes and object links live. */
export interface LogTables {
  /** The log whose `attributes_<id>` table holds the attribute columns. */
  attributeLogId: number;
  /** Its attribute columns and their SQL types. */
  attributes: ReadonlyMap<string, string>;
  /** The object-centric log whose `event_objects` link the events (the log itself or its parent), or null. */
  objectLogId: number | null;
  /** Object types of that log. */
  objectTypes: readonly string[];
  /** Per object type, the id of its case-notion log (`<log>@<type>`), whose cases are the objects. */
  notionLogs: ReadonlyMap<string, number>;
}

/** Reads which attribute columns and object types a log has (`logId`'s parent's objects for a case notion). */
export async function logTables(connection: DuckDBConnection, logId: number): Promise<LogTables> {
  const columns = await queryRows<{ name: string; type: string }>(
    connection,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = $table AND column_name <> 'waybill_event_no'`,
    { table: attributeTable(logId) },
  );
  const parent = await queryRow<{ id: number | null }>(connection, `SELECT coalesce(parent_log_id, CASE WHEN EXISTS (SELECT 1 FROM objects WHERE log_id = $log) THEN log_id END) AS id FROM logs WHERE log_id = $log`, { log: logId });
  const objectLogId = parent?.id ?? null;
  const objectTypes =
    objectLogId === null
      ? []
      : (await queryRows<{ type: string }>(connection, `SELECT DISTINCT object_type AS type FROM objects WHERE log_id = $log ORDER BY 1`, { log: objectLogId })).map((r) => r.type);
  const notions =
    objectLogId === null
      ? []
      : await queryRows<{ type: string; id: number }>(connection, `SELECT case_notion AS type, log_id AS id FROM logs WHERE parent_log_id = $log AND case_notion IS NOT NULL`, { log: objectLogId });
  return { attributeLogId: logId, attributes: new Map(columns.map((c) => [c.name, c.type])), objectLogId, objectTypes, notionLogs: new Map(notions.map((n) => [n.type, n.id])) };
}

/**
 * The first of `candidates` the log has: an attribute column of that name, else
 * an object type of that name. Undefined when it has none. A resolved object
 * type is bound as `$<param>`; the caller adds `params` to its query's.
 */
export function resolveKey(tables: LogTables, candidates: readonly string[], param: string): { key: KeySource; params: Record<string, string | number> } | undefined {
  for (const name of candidates) {
    if (tables.attributes.has(name)) {
      return {
        key: {
          label: `attribute ${name}`,
          relation: `(SELECT waybill_event_no AS event_no, CAST(${quoteIdent(name)} AS VARCHAR) AS key FROM ${quoteIdent(attributeTable(tables.attributeLogId))} WHERE ${quoteIdent(name)} IS NOT NULL)`,
          idRelation: `(SELECT waybill_event_no AS event_no, CAST(${quoteIdent(name)} AS VARCHAR) AS key FROM ${quoteIdent(attributeTable(tables.attributeLogId))} WHERE ${quoteIdent(name)} IS NOT NULL)`,
          column: quoteIdent(name),
        },
        params: {},
      };
    }
  }
  for (const name of candidates) {
    const notion = tables.notionLogs.get(name);
    if (notion !== undefined) {
      // The case-notion log already holds each event once per object of the type, the object as its case: integer joins, no string matching.
      return {
        key: {
          label: `object type ${JSON.stringify(name)}`,
          relation: `(SELECT e.event_no, c.name AS key FROM (SELECT event_no, case_id FROM events WHERE log_id = $${param}) e
                      JOIN (SELECT case_id, name FROM cases WHERE log_id = $${param}) c USING (case_id))`,
          idRelation: `(SELECT event_no, case_id AS key FROM events WHERE log_id = $${param})`,
          names: `(SELECT case_id AS key, name FROM cases WHERE log_id = $${param})`,
          keyedEvents: `(SELECT e.event_no, e.case_id AS key, act.name AS activity, e.ts FROM (SELECT event_no, case_id, activity_id, ts FROM events WHERE log_id = $${param}) e
                         JOIN (SELECT activity_id, name FROM activities WHERE log_id = $${param}) act USING (activity_id))`,
        },
        params: { [param]: notion },
      };
    }
    if (tables.objectLogId !== null && tables.objectTypes.includes(name)) {
      return {
        key: {
          label: `object type ${JSON.stringify(name)}`,
          relation: `(SELECT DISTINCT eo.event_no, eo.object_id AS key FROM event_objects eo JOIN objects o ON o.log_id = eo.log_id AND o.object_id = eo.object_id
                      WHERE eo.log_id = $${param}_log AND o.object_type = $${param})`,
          idRelation: `(SELECT DISTINCT eo.event_no, eo.object_id AS key FROM event_objects eo JOIN objects o ON o.log_id = eo.log_id AND o.object_id = eo.object_id
                      WHERE eo.log_id = $${param}_log AND o.object_type = $${param})`,
        },
        params: { [param]: name, [`${param}_log`]: tables.objectLogId },
      };
    }
  }
  return undefined;
}

/**
 * `resolveKey`, or, when the log has none of `candidates`, a key no event names,
 * with what is missing pushed onto `missing` (the analysis then answers "not computable").
 */
export function resolveKeyOrNote(
  tables: LogTables,
  candidates: readonly string[],
  param: string,
  what: string,
  missing: string[],
): { key: KeySource; params: Record<string, string | number> } {
  const found = resolveKey(tables, candidates, param);
  if (found !== undefined) return found;
  missing.push(`${what} (no attribute or object type ${candidates.map((c) => JSON.stringify(c)).join(' or ')})`);
  const none = '(SELECT NULL::BIGINT AS event_no, NULL::VARCHAR AS key)';
  return { key: { label: '', relation: none, idRelation: none }, params: {} };
}

/** A numeric attribute column of the table aliased `alias`, as a SQL expression (text cast to DOUBLE); undefined when the log lacks it. */
export function numericColumn(tables: LogTables, name: string, alias = 'a'): string | undefined {
  const type = tables.attributes.get(name);
  if (type === undefined) return undefined;
  const column = `${alias}.${quoteIdent(name)}`;
  return isNumericType(type) ? column : `TRY_CAST(${column} AS DOUBLE)`;
}
