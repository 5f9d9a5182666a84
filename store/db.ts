import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

const opened = new Map<string, Promise<Store>>();

/** Another process holds the database file: DuckDB lets one process at a time open it. */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
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
  const absolute = resolve(path);
  let store = opened.get(absolute);
  if (!store) {
    store = open(absolute);
    opened.set(absolute, store);
    store.catch(() => opened.delete(absolute));
  }
  return store;
}

/** Closes a store this process opened, releasing DuckDB's lock on the file so another process may open it. */
export async function closeStore(path: string): Promise<void> {
  const absolute = resolve(path);
  const store = opened.get(absolute);
  if (!store) return;
  opened.delete(absolute);
  (await store.catch(() => undefined))?.instance.closeSync();
}

async function open(absolute: string): Promise<Store> {
  mkdirSync(dirname(absolute), { recursive: true });
  const instance = await DuckDBInstance.fromCache(absolute, {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  }).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
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

/** Runs `work` on a fresh connection, closed afterwards whatever happens. */
export async function withConnection<T>(store: Store, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await store.instance.connect();
  try {
    // Timestamps are stored as UTC instants; render them in UTC everywhere.
    await connection.run(`SET TimeZone = 'UTC'`);
    return await work(connection);
  } finally {
    connection.closeSync();
  }
}

/** Runs `work` inside one transaction: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await connection.run('COMMIT');
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
