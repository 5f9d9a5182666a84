import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows } from '../store/db.ts';
import { deleteLogContent } from '../store/logs.ts';
import { attributeTable } from '../store/schema.ts';
import { quoteIdent } from '../store/sql.ts';
import { ATTRIBUTE_KEY, type StagedSource } from './build-log.ts';
import { IngestError } from './errors.ts';

/**
 * Appending to a stored log. The new source's events (in `staged` and
 * `staged_attributes`) that the log already holds are dropped; if any are left,
 * the log's stored events and the new ones together become `staged` again, to be
 * stored afresh by `storeLog`, so every derived fact (positions, successors,
 * variants) stays exact.
 *
 * An event is already held when one in the log has the same case, activity,
 * instant, resource, lifecycle and attribute values. Events repeated within one
 * source are all kept, as a first load keeps them.
 */
export async function mergeIntoLog(connection: DuckDBConnection, logId: number, source: StagedSource): Promise<{ added: number; createdAt?: string }> {
  const table = quoteIdent(attributeTable(logId));
  // Staging leaves the new attributes as a view over `raw`; the merge changes their types, so it needs a table.
  await connection.run(`CREATE OR REPLACE TEMP TABLE staged_attributes_copy AS SELECT * FROM staged_attributes`);
  await connection.run(`DROP VIEW staged_attributes`);
  await connection.run(`ALTER TABLE staged_attributes_copy RENAME TO staged_attributes`);
  const stored = await columnTypes(connection, attributeTable(logId));
  const incoming = await columnTypes(connection, 'staged_attributes');
  const missing = [...stored.keys()].filter((name) => !incoming.has(name));
  const extra = [...incoming.keys()].filter((name) => !stored.has(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `lacks ${missing.map((n) => JSON.stringify(n)).join(', ')}` : '', extra.length > 0 ? `adds ${extra.map((n) => JSON.stringify(n)).join(', ')}` : ''];
    throw new IngestError(source.file, `its columns differ from the log's: it ${parts.filter(Boolean).join(' and ')}. Nothing was loaded.`, undefined, undefined, undefined, {
      remedy: { option: 'mode', modes: ['replace'] },
    });
  }
  const names = [...stored.keys()];
  // The new values in the log's types, so that equal events compare equal.
  for (const name of names) {
    const type = stored.get(name)!;
    if (incoming.get(name) === type) continue;
    const column = quoteIdent(name);
    const bad = await queryRow<{ event_no: number; value: string }>(
      connection,
      `SELECT ${ATTRIBUTE_KEY} AS event_no, CAST(${column} AS VARCHAR) AS value FROM staged_attributes WHERE ${column} IS NOT NULL AND TRY_CAST(${column} AS ${type}) IS NULL LIMIT 1`,
    );
    if (bad) {
      const line = (await source.linesOf([bad.event_no])).get(bad.event_no);
      throw new IngestError(source.file, `the log stores this column as ${type}, and this value is not one. Nothing was loaded.`, line, name, bad.value);
    }
    await connection.run(`ALTER TABLE staged_attributes ALTER ${column} TYPE ${type} USING TRY_CAST(${column} AS ${type})`);
  }

  await connection.run(
    `CREATE OR REPLACE TEMP TABLE stored_events AS
     SELECT e.event_no, c.name AS case_name, a.name AS activity, e.ts, e.utc_offset_minutes, e.resource, e.lifecycle
     FROM events e JOIN cases c USING (log_id, case_id) JOIN activities a USING (log_id, activity_id)
     WHERE e.log_id = $log`,
    { log: logId },
  );
  const same = (l: string, r: string) =>
    ['case_name', 'activity', 'ts', 'resource', 'lifecycle'].map((c) => `${l}.${c} IS NOT DISTINCT FROM ${r}.${c}`)
      .concat(names.map((n) => `${l}a.${quoteIdent(n)} IS NOT DISTINCT FROM ${r}a.${quoteIdent(n)}`))
      .join(' AND ');
  // New events numbered after the stored ones, in source order: ties in time keep arrival order.
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE added AS
    SELECT n.event_no AS source_no,
           (SELECT coalesce(max(event_no), -1) FROM stored_events) + row_number() OVER (ORDER BY n.event_no) AS event_no
    FROM staged n JOIN staged_attributes na ON na.${ATTRIBUTE_KEY} = n.event_no
    WHERE NOT EXISTS (
      SELECT 1 FROM stored_events o JOIN ${table} oa ON oa.${ATTRIBUTE_KEY} = o.event_no
      WHERE ${same('o', 'n')})`);
  const added = (await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM added`))!.n;
  if (added === 0) {
    for (const temp of ['stored_events', 'added', 'staged', 'staged_attributes']) await connection.run(`DROP TABLE ${temp}`);
    return { added: 0 };
  }
  const attributeList = names.map((n) => quoteIdent(n)).join(', ');
  const attributeTail = names.length === 0 ? '' : `, ${attributeList}`;
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE merged AS
    SELECT event_no, case_name, activity, ts, utc_offset_minutes, resource, lifecycle FROM stored_events
    UNION ALL
    SELECT a.event_no, n.case_name, n.activity, n.ts, n.utc_offset_minutes, n.resource, n.lifecycle
    FROM added a JOIN staged n ON n.event_no = a.source_no`);
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE merged_attributes AS
    SELECT ${ATTRIBUTE_KEY}${attributeTail} FROM ${table}
    UNION ALL
    SELECT a.event_no AS ${ATTRIBUTE_KEY}${names.map((n) => `, na.${quoteIdent(n)}`).join('')}
    FROM added a JOIN staged_attributes na ON na.${ATTRIBUTE_KEY} = a.source_no`);
  const createdAt = await queryRow<{ created_at: string }>(connection, `SELECT created_at::VARCHAR AS created_at FROM logs WHERE log_id = $log`, { log: logId });
  await deleteLogContent(connection, logId);
  for (const temp of ['stored_events', 'added', 'staged', 'staged_attributes']) await connection.run(`DROP TABLE ${temp}`);
  await connection.run(`ALTER TABLE merged RENAME TO staged`);
  await connection.run(`ALTER TABLE merged_attributes RENAME TO staged_attributes`);
  return { added, createdAt: createdAt!.created_at };
}

/** A table's columns (but the attribute key) with their types. */
async function columnTypes(connection: DuckDBConnection, table: string): Promise<Map<string, string>> {
  const rows = await queryRows<{ column_name: string; column_type: string }>(connection, `DESCRIBE ${quoteIdent(table)}`);
  return new Map(rows.filter((r) => r.column_name !== ATTRIBUTE_KEY).map((r) => [r.column_name, r.column_type]));
}
