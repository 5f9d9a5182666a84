import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow } from '../store/db.ts';
import { commandLineActor, recordAudit, type Actor } from '../store/audit.ts';
import type { LogSummary } from './build-log.ts';
import { IngestError } from './errors.ts';
import type { IngestResult, LoadMode, LoadSummary } from './ingest-file.ts';

/**
 * Why no load may write the log `name`, or undefined. `@` is reserved for case
 * notions: `LOG@TYPE` is the object-centric log LOG flattened on its TYPE objects,
 * derived from LOG, so no file may create, append to or replace one.
 */
export function logNameProblem(name: string, mode: LoadMode = 'create'): string | undefined {
  if (name.trim() === '') return 'the log name is empty';
  const at = name.indexOf('@');
  if (at < 0) return undefined;
  const [parent, notion] = [JSON.stringify(name.slice(0, at)), JSON.stringify(name.slice(at + 1))];
  return mode === 'create'
    ? `"@" is reserved for case notions: ${JSON.stringify(name)} would be the case notion ${notion} of the object-centric log ${parent}`
    : `${JSON.stringify(name)} is the case notion ${notion} of the object-centric log ${parent}, derived from it: a case notion cannot be appended to or replaced (load into ${parent} itself)`;
}

/** Throws an IngestError naming `file` when `name` cannot be the log a load writes (see logNameProblem). */
export function checkLogName(name: string, file: string, mode?: LoadMode): void {
  const problem = logNameProblem(name, mode);
  if (problem !== undefined) throw new IngestError(file, problem, undefined, undefined, undefined, { remedy: { option: 'name' } });
}

/** A stored log found by name, with its counts. */
export interface ExistingLog extends Omit<LogSummary, 'name'> {
  log_id: number;
}

/** The log named `name`, if the store holds one. */
export function findLog(connection: DuckDBConnection, name: string): Promise<ExistingLog | undefined> {
  return queryRow<{ log_id: number; events: number; cases: number; activities: number; variants: number }>(
    connection,
    `SELECT log_id, events, cases, activities, variants FROM logs WHERE name = $name`,
    { name },
  );
}

/** When `existing` has loaded a file with this SHA-256 before, the result of loading it again: nothing done. */
export async function unchangedLoad(connection: DuckDBConnection, name: string, existing: ExistingLog, sha256: string, mode: LoadMode): Promise<IngestResult | undefined> {
  const loaded = await queryRow<{ n: number }>(connection, `SELECT count(*)::INTEGER AS n FROM loads WHERE log_id = $log AND source_sha256 = $sha256`, { log: existing.log_id, sha256 });
  if (loaded!.n === 0) return undefined;
  const { log_id: _, ...counts } = existing;
  return { name, ...counts, load: { loadId: null, mode, rowsRead: 0, eventsAdded: 0, duplicatesSkipped: 0, quarantined: 0, unchanged: true } };
}

/** Records the load and moves its quarantined rows (the temp table `quarantined`, if any) into the store. */
export async function recordLoad(
  connection: DuckDBConnection,
  logId: number,
  /** The file as the user named it (quarantined rows name it). */
  file: string,
  /** What the load records as its source. */
  label: string,
  sha256: string,
  mode: LoadMode,
  rowsRead: number,
  eventsAdded: number,
  duplicatesSkipped: number,
  quarantined: number,
  /** Who loaded it, for the audit trail (written in the load's transaction). */
  actor: Actor = commandLineActor(),
): Promise<LoadSummary> {
  const loadId = (await queryRow<{ id: number }>(connection, `SELECT nextval('load_id_seq')::INTEGER AS id`))!.id;
  await connection.run(
    `INSERT INTO loads (load_id, log_id, source, source_sha256, mode, rows_read, events_added, duplicates_skipped, quarantined, loaded_at)
     VALUES ($load, $log, $source, $sha256, $mode, $rows, $added, $duplicates, $quarantined, now())`,
    { load: loadId, log: logId, source: label, sha256, mode, rows: rowsRead, added: eventsAdded, duplicates: duplicatesSkipped, quarantined },
  );
  if (quarantined > 0) {
    await connection.run(
      `INSERT INTO quarantine SELECT $log, $load, $source, line, column_name, problem, value FROM quarantined ORDER BY line`,
      { log: logId, load: loadId, source: file },
    );
  }
  await connection.run(`DROP TABLE IF EXISTS quarantined`);
  const { name } = (await queryRow<{ name: string }>(connection, `SELECT name FROM logs WHERE log_id = $log`, { log: logId }))!;
  const count = (n: number) => n.toLocaleString('en-US');
  // File names, not where they lie: the audit trail is shown in the browser.
  const files = file.split(', ').map((part) => basename(part)).join(', ');
  const detail = `${files}: ${count(eventsAdded)} events added from ${count(rowsRead)} rows${duplicatesSkipped > 0 ? `, ${count(duplicatesSkipped)} already held` : ''}${quarantined > 0 ? `, ${count(quarantined)} set aside` : ''}`;
  await recordAudit(connection, actor, mode === 'create' ? 'load' : mode, name, detail);
  return { loadId, mode, rowsRead, eventsAdded, duplicatesSkipped, quarantined, unchanged: false };
}
