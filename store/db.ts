import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

export const DEFAULT_DB_PATH = './data/waybill.duckdb';

/** An open Waybill database file. Connections are cheap; open one per unit of work. */
export interface Store {
  readonly path: string;
  readonly instance: DuckDBInstance;
}

/** A JSON value: what every row that leaves the store is made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Row = Record<string, JsonValue>;
export type Params = Record<string, DuckDBValue>;

/**
 * What this process holds open. The CLI and the built web server each bundle a
 * copy of this module, so the registry lives on `globalThis`: one shutdown then
 * reaches every store and connection, whichever copy opened it.
 */
interface OpenHandles {
  stores: Map<string, Promise<Store>>;
  connections: Set<DuckDBConnection>;
  /** Set while `closeStores` runs: no new connection may start. */
  closing: boolean;
}
const HANDLES = Symbol.for('waybill.store.handles');
const handles: OpenHandles = ((globalThis as { [HANDLES]?: OpenHandles })[HANDLES] ??= { stores: new Map(), connections: new Set(), closing: false });
const opened = handles.stores;

/** Another process holds the database file: DuckDB lets one process at a time open it. */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
}

/** This process is shutting down: no new work starts on its stores. */
export class StoreClosingError extends Error {
  override name = 'StoreClosingError';
  constructor() {
    super('Waybill is shutting down; try again once it has restarted');
  }
}

/**
 * The database's write-ahead log (the changes made since its last checkpoint)
 * cannot be replayed, so DuckDB will not open the file. Nothing was changed: the
 * file and its log were copied to `copies`, and `waybill recover` opens the
 * database with what its main file holds.
 */
export class StoreRecoveryError extends Error {
  override name = 'StoreRecoveryError';
  constructor(
    readonly path: string,
    readonly copies: string,
    readonly replayError: string,
  ) {
    super(
      `Waybill cannot open ${path}: DuckDB could not replay the changes recorded in its write-ahead log ` +
        `(${basename(path)}.wal) since the file was last checkpointed.\n` +
        `Nothing was changed or deleted. Both files were copied to ${copies}.\n` +
        `To open the database with everything saved up to its last checkpoint (loads finished before that are whole; ` +
        `later ones must be loaded again), run:\n\n  waybill recover --db ${path}\n\nDuckDB said: ${replayError}`,
    );
  }
}

/** The database path chosen by `--db`, then `WAYBILL_DB`, then the default. */
export function resolveDbPath(explicit?: string): string {
  return resolve(explicit ?? process.env.WAYBILL_DB ?? DEFAULT_DB_PATH);
}

/**
 * Opens (creating if needed) a Waybill database file and brings its schema up to
 * date, once per path and process. Extension auto-install and auto-load are off:
 * they would try to download, and parquet, json and ICU ship inside the package.
 */
export function openStore(path: string): Promise<Store> {
  if (handles.closing) return Promise.reject(new StoreClosingError());
  const absolute = resolve(path);
  let store = opened.get(absolute);
  if (!store) {
    store = open(absolute);
    opened.set(absolute, store);
    store.catch(() => opened.delete(absolute));
  }
  return store;
}

/**
 * Closes a store this process opened, after a checkpoint, releasing DuckDB's
 * lock on the file so another process may open it.
 */
export async function closeStore(path: string): Promise<void> {
  const absolute = resolve(path);
  const store = opened.get(absolute);
  if (!store) return;
  opened.delete(absolute);
  const open = await store.catch(() => undefined);
  if (!open) return;
  await checkpoint(open);
  open.instance.closeSync();
}

/**
 * Shuts down every store this process opened: no new connection starts, work
 * under way is interrupted (an unfinished load rolls back: DuckDB writes a
 * transaction to its log only when it commits), and once it has ended, or after
 * `graceMs`, each store is checkpointed, so its whole content is in the main
 * file and its write-ahead log is empty, and closed.
 */
export async function closeStores(graceMs = 10_000): Promise<void> {
  handles.closing = true;
  const deadline = Date.now() + graceMs;
  // An interrupt stops the statement running now; work between statements would
  // start the next one, so interrupt again until every connection is closed.
  while (handles.connections.size > 0 && Date.now() < deadline) {
    for (const connection of handles.connections) connection.interrupt();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  for (const connection of handles.connections) connection.closeSync();
  handles.connections.clear();
  for (const path of [...opened.keys()]) await closeStore(path);
  // Closed, not gone: a later openStore opens the file afresh.
  handles.closing = false;
}

/**
 * Writes what the write-ahead log holds into the database file. Done after every
 * committed load and at shutdown, so the log stays short and a stopped process
 * leaves little to replay. Best effort: a commit is durable in the log already.
 */
export async function checkpoint(store: Store): Promise<void> {
  const connection = await store.instance.connect();
  try {
    await connection.run('CHECKPOINT');
  } catch {
    // Another transaction holds a lock the checkpoint needs; the next one will do.
  } finally {
    connection.closeSync();
  }
}

/**
 * DuckDB's memory limit unless WAYBILL_MEMORY_LIMIT (a DuckDB size such as `4GB`)
 * says otherwise: half the memory this process may use (the machine's, or its
 * container's when that is less). DuckDB's own default, 80%, leaves too little for
 * the Node process around it (uploads, JSON, the web app) and the rest of the
 * machine; past its limit DuckDB spills to the temp directory instead of growing.
 */
export function memoryLimit(): string {
  const set = process.env.WAYBILL_MEMORY_LIMIT?.trim();
  if (set) return set;
  // Without a container limit Node reports 2^64 (or 0 where it cannot tell).
  const constrained = process.constrainedMemory?.() || Infinity;
  const bytes = Math.min(totalmem(), constrained) / 2;
  return `${Math.max(1, Math.floor(bytes / 1024 ** 2))}MiB`;
}

/** Where DuckDB spills what does not fit its memory limit: WAYBILL_TEMP_DIR, else `.waybill-tmp` beside the database file. */
export function tempDirectory(databasePath: string): string {
  return resolve(process.env.WAYBILL_TEMP_DIR?.trim() || join(dirname(databasePath), '.waybill-tmp'));
}

async function open(absolute: string): Promise<Store> {
  mkdirSync(dirname(absolute), { recursive: true });
  // DuckDB makes the folder it spills to, not the folders above it.
  mkdirSync(dirname(tempDirectory(absolute)), { recursive: true });
  const instance = await DuckDBInstance.fromCache(absolute, {
    // No load or query may take the machine: DuckDB keeps under this and spills the rest to disk.
    memory_limit: memoryLimit(),
    temp_directory: tempDirectory(absolute),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    // A commit is written straight into the database file by a checkpoint, which is
    // atomic, instead of into the write-ahead log, whenever no other transaction
    // stops the checkpoint. Where one does, the commit goes to the log as plain
    // rows: DuckDB 1.5 logs a large append as pointers to blocks it wrote ahead
    // ("optimistic writes"), and replaying a log torn inside such a commit keeps
    // those rows though the rest of the commit is dropped (a killed append came
    // back with the old and the new events both; store/torn-wal.test.ts).
    enable_optimistic_write: 'false',
    checkpoint_threshold: '1KB',
    auto_checkpoint_skip_wal_threshold: '0',
  }).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (/Failure while replaying WAL file/.test(message)) throw new StoreRecoveryError(absolute, copyAside(absolute), message.split('\n')[0]!);
    const holder = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(message);
    if (holder) {
      throw new StoreBusyError(
        `the database ${absolute} is in use by another process (PID ${holder[1]}), such as \`waybill serve\`; ` +
          'DuckDB lets one process at a time open a file: stop that process, or pass another --db',
      );
    }
    throw error;
  });
  const store: Store = { path: absolute, instance };
  await withConnection(store, migrate);
  return store;
}

/** Copies a database file and its write-ahead log, untouched, into a new folder beside them; returns the folder. */
function copyAside(path: string): string {
  const folder = join(dirname(path), `recovery-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(folder, { recursive: true });
  for (const file of [path, `${path}.wal`]) if (existsSync(file)) copyFileSync(file, join(folder, basename(file)));
  return folder;
}

/**
 * `waybill recover`: sets aside a write-ahead log that cannot be replayed (renamed
 * `<file>.wal.unreplayable-<time>`, never deleted) so the database opens with what
 * its main file holds. Returns the new name of the log, or null when there was none.
 */
export function setAsideWal(path: string): string | null {
  const absolute = resolve(path);
  const wal = `${absolute}.wal`;
  if (!existsSync(wal)) return null;
  const aside = `${wal}.unreplayable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(wal, aside);
  return aside;
}

/** Runs `work` on a fresh connection, closed afterwards whatever happens. */
export async function withConnection<T>(store: Store, work: (connection: DuckDBConnection) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
  if (handles.closing) throw new StoreClosingError();
  const connection = await store.instance.connect();
  handles.connections.add(connection);
  // Whoever asked has gone (a browser left the page): the query under way stops, and frees its cores.
  const interrupt = () => connection.interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    options.signal?.throwIfAborted();
    // Timestamps are stored as UTC instants; render them in UTC everywhere.
    await connection.run(`SET TimeZone = 'UTC'`);
    return await work(connection);
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    handles.connections.delete(connection);
    connection.closeSync();
  }
}

/**
 * Runs `work` inside one transaction: committed if it resolves, rolled back if it
 * throws. A commit is followed by a checkpoint, so a committed load is in the
 * database file itself, not only in its write-ahead log.
 */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await connection.run('COMMIT');
    await connection.run('CHECKPOINT').catch(() => undefined);
    return result;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Runs a query with bound `$name` parameters and returns JSON-safe rows. */
export async function queryRows<T extends Row = Row>(connection: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((row) => toJsonSafe(row) as T);
}

/** Runs a query and returns its result by column (JSON-safe values): for results of many rows, without an object per row. */
export async function queryColumns(connection: DuckDBConnection, sql: string, params?: Params): Promise<Record<string, JsonValue[]>> {
  const reader = await connection.runAndReadAll(sql, params);
  const columns = reader.getColumnsObjectJS();
  return Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, values.map((value) => (typeof value === 'object' || typeof value === 'bigint' ? toJsonSafe(value) : (value as JsonValue)))]));
}

/** Runs a query expected to return one row. */
export async function queryRow<T extends Row = Row>(connection: DuckDBConnection, sql: string, params?: Params): Promise<T | undefined> {
  return (await queryRows<T>(connection, sql, params))[0];
}

/**
 * The one place driver values become JSON: `bigint` becomes a number (refusing
 * values past 2^53 rather than silently rounding), dates become ISO-8601 UTC strings.
 */
export function toJsonSafe(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint': {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new RangeError(`integer ${value} is too large for JSON; cast it in SQL`);
      }
      return Number(value);
    }
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
    case 'object': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (Array.isArray(value)) return value.map(toJsonSafe);
      const out: Record<string, JsonValue> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = toJsonSafe(inner);
      return out;
    }
    default:
      return String(value);
  }
}

async function migrate(connection: DuckDBConnection): Promise<void> {
  const hasMeta = await queryRow(
    connection,
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'waybill_meta' AND table_schema = 'main'`,
  );
  let version = 0;
  if (hasMeta && hasMeta.n !== 0) {
    const row = await queryRow<{ value: string }>(connection, `SELECT value FROM waybill_meta WHERE key = 'schema_version'`);
    version = row ? Number(row.value) : 0;
  }
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema version ${version} is newer than this Waybill (${SCHEMA_VERSION}); upgrade Waybill`);
  }
  const pending = MIGRATIONS.filter((m) => m.version > version);
  if (pending.length === 0) return;
  await inTransaction(connection, async () => {
    for (const migration of pending) await connection.run(migration.sql);
    await connection.run(
      `INSERT OR REPLACE INTO waybill_meta VALUES ('schema_version', $v)`,
      { v: String(SCHEMA_VERSION) },
    );
  });
}
