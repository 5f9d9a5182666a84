import type { DuckDBConnection } from '@duckdb/node-api';
import { OptionError, UnknownLogError } from '../mining/errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { inTransaction, queryRow, queryRows, withConnection, type Store } from './db.ts';
import { attributeTable } from './schema.ts';
import { quoteIdent } from './sql.ts';

/** One stored log, as listed by `waybill logs` and `GET /api/logs`. */
export interface LogInfo {
  name: string;
  source: string;
  format: string;
  events: number;
  cases: number;
  activities: number;
  variants: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  createdAt: string;
  attributes: { name: string; type: string }[];
  /** An object-centric log's object types (each a case notion); null for a classic log. */
  objectTypes: string[] | null;
  /** A log flattened from an object-centric one: that log and the object type that is its case. */
  parent: string | null;
  caseNotion: string | null;
}

/** A log's internal id with its public description; what every analysis starts from. */
export interface LogRef extends LogInfo {
  id: number;
}

const LOG_COLUMNS = `
  log_id AS id, name, source, format, events, cases, activities, variants,
  (SELECT list(DISTINCT o.object_type ORDER BY o.object_type) FROM objects o WHERE o.log_id = logs.log_id) AS "objectTypes",
  (SELECT p.name FROM logs p WHERE p.log_id = logs.parent_log_id) AS parent,
  case_notion AS "caseNotion",
  strftime(first_ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS "firstTimestamp",
  strftime(last_ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS "lastTimestamp",
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "createdAt",
  attributes::VARCHAR AS attributes`;

type LogRow = Omit<LogRef, 'attributes'> & { attributes: string };

function toLogRef(row: LogRow): LogRef {
  return { ...row, attributes: JSON.parse(row.attributes) as LogRef['attributes'] };
}

/** Every stored log, by name. */
export async function listLogs(store: Store): Promise<LogInfo[]> {
  return withConnection(store, async (connection) => {
    const rows = await queryRows<LogRow>(connection, `SELECT ${LOG_COLUMNS} FROM logs ORDER BY name`);
    return rows.map((row) => {
      const { id: _id, ...info } = toLogRef(row);
      return info;
    });
  });
}

/** The stored log of this name, or undefined. */
export async function findLog(connection: DuckDBConnection, name: string): Promise<LogRef | undefined> {
  const row = await queryRow<LogRow>(connection, `SELECT ${LOG_COLUMNS} FROM logs WHERE name = $name`, { name });
  return row ? toLogRef(row) : undefined;
}

/** Deletes a log's events and everything derived from them, its flattened child logs too, keeping its load history (inside the caller's transaction). */
export async function deleteLogContent(connection: DuckDBConnection, logId: number): Promise<void> {
  const children = await queryRows<{ id: number }>(connection, `SELECT log_id AS id FROM logs WHERE parent_log_id = $log`, { log: logId });
  for (const child of children) await deleteLogRows(connection, child.id);
  for (const table of ['events', 'cases', 'activities', 'variants', 'variant_activities', 'objects', 'event_objects', 'object_events', 'object_relations', 'object_attributes', 'logs']) {
    await connection.run(`DELETE FROM ${table} WHERE log_id = $log`, { log: logId });
  }
  await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(attributeTable(logId))}`);
}

/** Deletes every row of a log, its load history included (inside the caller's transaction). */
export async function deleteLogRows(connection: DuckDBConnection, logId: number): Promise<void> {
  await deleteLogContent(connection, logId);
  for (const table of ['loads', 'quarantine']) await connection.run(`DELETE FROM ${table} WHERE log_id = $log`, { log: logId });
}

/**
 * Deletes a log, its case notions, its load history and its access groups, in one
 * transaction with its audit entry. A case notion goes with the log it is a view of.
 */
export async function deleteLog(store: Store, name: string, actor: Actor): Promise<LogInfo> {
  return withConnection(store, (connection) =>
    inTransaction(connection, async () => {
      const log = await findLog(connection, name);
      if (!log) throw new UnknownLogError(name);
      if (log.parent !== null) throw new OptionError(`${JSON.stringify(name)} is a case notion of ${JSON.stringify(log.parent)}; delete that log to delete it`);
      await deleteLogRows(connection, log.id);
      await connection.run(`DELETE FROM log_access WHERE log_name = $name`, { name });
      await recordAudit(connection, actor, 'delete', name, `deleted: ${log.events.toLocaleString('en-US')} events, ${log.cases.toLocaleString('en-US')} cases`);
      const { id: _id, ...info } = log;
      return info;
    }),
  );
}

/**
 * Whose access a log follows (`root`: itself, or for a case notion the log it was
 * flattened from) and the groups that log is restricted to (none: open to all);
 * undefined for an unknown log. One query: every analysis request asks it.
 */
export async function logAccess(store: Store, name: string): Promise<{ root: string; groups: string[] } | undefined> {
  return withConnection(store, (connection) =>
    queryRow<{ root: string; groups: string[] }>(
      connection,
      `SELECT r.root, coalesce((SELECT list(group_name ORDER BY group_name) FROM log_access WHERE log_name = r.root), []) AS groups
       FROM (SELECT coalesce(p.name, l.name) AS root FROM logs l LEFT JOIN logs p ON p.log_id = l.parent_log_id WHERE l.name = $name) r`,
      { name },
    ),
  );
}

/**
 * What a log's analyses read, as a short text that changes whenever their answers may:
 * the log's own id (a replaced log, or a case notion flattened again, gets a new one),
 * its latest load (every load, append and replace records one, on the log a case notion
 * comes from) and its settings and those of that log. Undefined for an unknown log.
 */
export async function logVersion(store: Store, name: string): Promise<string | undefined> {
  const row = await withConnection(store, (connection) =>
    queryRow<{ version: string }>(
      connection,
      `SELECT concat_ws(':', l.log_id, (SELECT max(load_id) FROM loads WHERE log_id = coalesce(l.parent_log_id, l.log_id)),
         (SELECT md5(string_agg(concat_ws('|', log, key, value, updated_at), ',' ORDER BY log, key)) FROM log_settings
          WHERE log = l.name OR log = (SELECT p.name FROM logs p WHERE p.log_id = l.parent_log_id))) AS version
       FROM logs l WHERE l.name = $name`,
      { name },
    ),
  );
  return row?.version;
}
