import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Actor } from '../store/audit.ts';
import { inTransaction, queryRow, withConnection, type Store } from '../store/db.ts';
import { deleteLogRows } from '../store/logs.ts';
import { mergeIntoLog } from './append.ts';
import { checkLogName, findLog, recordLoad, unchangedLoad } from './loads.ts';
import { storeObjectLog } from './object-log.ts';
import { detectOcelFormat, type OcelFormat, stageOcel } from './ocel/index.ts';
import { type BadRowPolicy, type LogSummary, type StagedSource, stageEvents, storeLog } from './build-log.ts';
import { detectFormat, stageSource } from './stage.ts';
import { defaultLogName } from './log-name.ts';
import { sha256File } from './source-file.ts';
import { IngestError } from './errors.ts';
import { isTimeZone, unknownTimeZone } from './infer/timestamp-sql.ts';
import { mapperFor, type MappingDecision, type MappingOverrides } from './mapping.ts';

/**
 * How a load meets an existing log of the same name: `create` (the default)
 * refuses unless this very file (same SHA-256) was loaded before, which is then
 * a no-op; `replace` rebuilds the log from this file alone; `append` adds the
 * file's events that the log does not hold yet (an event is the same when its
 * case, activity, timestamp, resource, lifecycle and every attribute are).
 */
export type LoadMode = 'create' | 'replace' | 'append';

export interface IngestOptions {
  /** The log's name; default: the file name without its extensions. */
  name?: string;
  mapping?: MappingOverrides;
  mode?: LoadMode;
  /** Rows without case, activity or readable timestamp: reject the file (default) or load the rest and keep them in quarantine. */
  onBadRows?: BadRowPolicy;
  /** The IANA time zone naive timestamps are read in (default UTC); values with an offset keep it. */
  timeZone?: string;
  /** What the log and this load record as their source; default the file's absolute path (a job names its query, an upload its file). */
  source?: string;
  /** The file as the user knows it, named by errors and quarantined rows; default the path as given (an upload names its file, not where it lies on the server). */
  shownAs?: string;
  /** Told how the columns are mapped (each role's column, how it was decided, how sure) once the source's first rows are read; not for object-centric files. */
  onMapping?: (decision: MappingDecision) => void;
  /** Told now and then how far the load is: reading the source (fraction of it read), then storing the log. */
  onProgress?: (progress: IngestProgress) => void;
  /** Runs inside the load's transaction after the log is stored (a job records its watermark here, so both commit or neither). */
  inTransaction?: (connection: DuckDBConnection, result: IngestResult) => Promise<void>;
  /** Who loads, for the audit trail; default the system user at the command line. */
  actor?: Actor;
}

export interface IngestProgress {
  phase: 'reading' | 'storing';
  /** 0–1 of the phase (reading: DuckDB's estimate of the source read; storing: 0 at its start, 1 at its end). */
  fraction: number;
}

/** How often a load's progress is polled from DuckDB. */
const PROGRESS_MS = 200;

/** What one load did. */
export interface LoadSummary {
  loadId: number | null;
  mode: LoadMode;
  rowsRead: number;
  eventsAdded: number;
  duplicatesSkipped: number;
  quarantined: number;
  /** The same file was loaded into this log before: nothing was done. */
  unchanged: boolean;
}

export interface IngestResult extends LogSummary {
  load: LoadSummary;
  /** An object-centric log: its object types, and the child log flattened on each (analyse those). */
  objectTypes?: string[];
  caseNotions?: (LogSummary & { objectType: string })[];
}

/**
 * Ingests one event-log file into the log `options.name`, in one transaction:
 * on any error, or if the process dies midway, the store is left exactly as it
 * was, and an error names the file, line and column.
 */
export async function ingestFile(store: Store, given: string, options: IngestOptions = {}): Promise<IngestResult> {
  const path = resolve(given);
  const file = options.shownAs ?? given;
  if (!existsSync(path) || !statSync(path).isFile()) throw new IngestError(file, 'no such file');
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) throw new IngestError(file, unknownTimeZone(options.timeZone));
  const ocelFormat = await detectOcelFormat(path).catch(() => undefined);
  if (ocelFormat !== undefined) return ingestObjectFile(store, path, file, ocelFormat, options);
  const format = detectFormat(path);
  if (!format) throw new IngestError(file, 'unknown format: expected .csv, .tsv, .txt, .xes or .parquet (optionally .gz)');
  const name = options.name ?? defaultLogName(path);
  const mode = options.mode ?? 'create';
  checkLogName(name, file, mode);
  const mapping = options.mapping ?? {};

  try {
    // Temporary tables live and die with this connection.
    return await withConnection(store, async (connection) => {
      // Hashing and parsing happen before the transaction opens: a slow parse holds no lock.
      const onProgress = options.onProgress;
      // DuckDB reports how far the running query is; reading the source is one long query.
      const poll = onProgress && setInterval(() => {
        const { percentage } = connection.progress;
        if (percentage >= 0) onProgress({ phase: 'reading', fraction: Math.min(1, percentage / 100) });
      }, PROGRESS_MS);
      const mapper = mapperFor(mapping, file, options.onMapping);
      const [sha256, source] = await Promise.all([sha256File(path), stageSource(connection, format, path, file, mapper, options.onBadRows === 'quarantine')]).finally(() => clearInterval(poll));
      onProgress?.({ phase: 'reading', fraction: 1 });
      try {
        return await loadStaged(connection, source, { path, name, mode, sha256, options });
      } finally {
        await source.dispose?.();
      }
    });
  } catch (error) {
    if (error instanceof IngestError) throw error;
    // Whatever else failed (the database, the disk), say which file it was.
    throw new IngestError(file, 'nothing was loaded', undefined, undefined, undefined, { detail: error instanceof Error ? error.message : String(error) });
  }
}

interface LoadContext {
  path: string;
  name: string;
  mode: LoadMode;
  sha256: string;
  options: IngestOptions;
}

/** Stores a staged source as `name` per the load mode, in one transaction, and records the load. */
async function loadStaged(connection: DuckDBConnection, source: StagedSource, { path, name, mode, sha256, options }: LoadContext): Promise<IngestResult> {
  const file = source.file;
  const existing = await findLog(connection, name);
  if (existing && mode !== 'replace') {
    const unchanged = await unchangedLoad(connection, name, existing, sha256, mode);
    if (unchanged) return unchanged;
    if (mode === 'create') throw new IngestError(file, `a log named ${JSON.stringify(name)} exists`, undefined, undefined, undefined, { remedy: { option: 'mode', modes: ['append', 'replace'] } });
  }
  const staged = await stageEvents(connection, source, options.onBadRows ?? 'reject', options.timeZone);
  options.onProgress?.({ phase: 'storing', fraction: 0 });
  return inTransaction(connection, async () => {
    const origin = { source: options.source ?? path, format: source.format, mapping: source.mapping };
    let summary: LogSummary;
    let logId: number;
    let added = staged.rows - staged.quarantined;
    if (existing && mode === 'append') {
      logId = existing.log_id;
      const merged = await mergeIntoLog(connection, logId, source);
      added = merged.added;
      summary = merged.added === 0 ? { name, events: existing.events, cases: existing.cases, activities: existing.activities, variants: existing.variants } : await storeLog(connection, logId, name, { ...origin, createdAt: merged.createdAt });
    } else {
      if (existing) await deleteLogRows(connection, existing.log_id);
      logId = (await queryRow<{ id: number }>(connection, `SELECT nextval('log_id_seq')::INTEGER AS id`))!.id;
      summary = await storeLog(connection, logId, name, origin);
    }
    const load = await recordLoad(connection, logId, source.file, origin.source, sha256, mode, staged.rows, added, staged.rows - staged.quarantined - added, staged.quarantined, options.actor);
    const result = { ...summary, load };
    await options.inTransaction?.(connection, result);
    options.onProgress?.({ phase: 'storing', fraction: 1 });
    return result;
  });
  }

/**
 * Ingests an object-centric log (OCEL 2.0 JSON, XML or SQLite; OCEL 1.0 CSV) as
 * `options.name`: the log with its objects, and one flattened child log per
 * object type (see `storeObjectLog`). One transaction, like every load.
 */
async function ingestObjectFile(store: Store, path: string, file: string, format: OcelFormat, options: IngestOptions): Promise<IngestResult> {
  const name = options.name ?? defaultLogName(path);
  const mode = options.mode ?? 'create';
  checkLogName(name, file, mode);
  if (mode === 'append') throw new IngestError(file, 'appending to an object-centric log is not supported yet', undefined, undefined, undefined, { remedy: { option: 'mode', modes: ['replace'] } });
  try {
    return await withConnection(store, async (connection) => {
      const [sha256, staged] = await Promise.all([sha256File(path), stageOcel(connection, path, file, format)]);
      const existing = await findLog(connection, name);
      if (existing && mode === 'create') {
        const unchanged = await unchangedLoad(connection, name, existing, sha256, mode);
        if (unchanged) return unchanged;
        throw new IngestError(file, `a log named ${JSON.stringify(name)} exists`, undefined, undefined, undefined, { remedy: { option: 'mode', modes: ['replace'] } });
      }
      options.onProgress?.({ phase: 'storing', fraction: 0 });
      return inTransaction(connection, async () => {
        if (existing) await deleteLogRows(connection, existing.log_id);
        const label = options.source ?? path;
        const stored = await storeObjectLog(connection, name, { source: label, format: staged.format, mapping: { case: 'object', activity: 'event type', timestamp: 'time' } });
        const load = await recordLoad(connection, stored.logId, file, label, sha256, mode, staged.events, staged.events, 0, 0, options.actor);
        const result: IngestResult = { name, events: stored.events, cases: stored.objects, activities: staged.eventTypes.length, variants: 0, load, objectTypes: stored.objectTypes, caseNotions: stored.caseNotions };
        await options.inTransaction?.(connection, result);
        options.onProgress?.({ phase: 'storing', fraction: 1 });
        return result;
      });
    });
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError(file, 'nothing was loaded', undefined, undefined, undefined, { detail: error instanceof Error ? error.message : String(error) });
  }
}
