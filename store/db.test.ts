import { totalmem } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore } from '../test-support/temp-store.ts';
import { openStore, queryRows, toJsonSafe, withConnection, type Store } from './db.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { quoteIdent, quoteLiteral } from './sql.ts';

let dir: string;
let store: Store;
let remove: () => void;
beforeEach(async () => {
  ({ dir, store, remove } = await tempStore());
});
afterEach(() => remove());

describe('openStore', () => {
  it('creates the schema once and records its version', async () => {
    const path = join(dir, 'fresh.duckdb');
    const fresh = await openStore(path);
    expect(await openStore(path)).toEqual(fresh);
    const rows = await withConnection(fresh, (c) => queryRows(c, `SELECT key, value FROM waybill_meta`));
    expect(rows).toEqual([{ key: 'schema_version', value: String(SCHEMA_VERSION) }]);
    const tables = await withConnection(fresh, (c) => queryRows<{ name: string }>(c, `SELECT table_name AS name FROM duckdb_tables() ORDER BY 1`));
    expect(tables.map((t) => t.name)).toEqual(['activities', 'api_tokens', 'audit', 'cases', 'event_objects', 'events', 'job_runs', 'job_state', 'loads', 'log_access', 'log_settings', 'logs', 'object_attributes', 'object_events', 'object_relations', 'objects', 'quarantine', 'report_runs', 'sessions', 'users', 'variant_activities', 'variants', 'waybill_meta']);
  });

  it('refuses a database written by a newer Waybill', async () => {
    const path = join(dir, 'newer.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE waybill_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL); INSERT INTO waybill_meta VALUES ('schema_version', '999')`);
    connection.closeSync();
    instance.closeSync();
    await expect(openStore(path)).rejects.toThrow(/schema version 999 is newer than this Waybill/);
  });

  it('limits DuckDB to WAYBILL_MEMORY_LIMIT and spills to WAYBILL_TEMP_DIR', async () => {
    process.env.WAYBILL_MEMORY_LIMIT = '1GiB';
    process.env.WAYBILL_TEMP_DIR = join(dir, 'spill');
    try {
      const limited = await openStore(join(dir, 'limited.duckdb'));
      expect(await settingsOf(limited)).toEqual({ memory: '1.0 GiB', temp: join(dir, 'spill') });
    } finally {
      delete process.env.WAYBILL_MEMORY_LIMIT;
      delete process.env.WAYBILL_TEMP_DIR;
    }
  });

  it('limits DuckDB by default to half the memory, spilling beside the database file', async () => {
    const { memory, temp } = await settingsOf(store);
    expect(temp).toBe(join(dir, '.waybill-tmp'));
    const [, number, unit] = /^([\d.]+) (MiB|GiB)$/.exec(memory)!;
    const bytes = Number(number) * 1024 ** (unit === 'GiB' ? 3 : 2);
    // Half of the machine's memory, or of its container's when that is less, as DuckDB rounds it for display.
    const usable = Math.min(totalmem(), process.constrainedMemory?.() || Infinity);
    expect(bytes / (usable / 2)).toBeCloseTo(1, 1);
  });

  it('keeps extension downloads off', async () => {
    const settings = await withConnection(store, (c) =>
      queryRows(c, `SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions') ORDER BY name`),
    );
    expect(settings).toEqual([
      { name: 'autoinstall_known_extensions', value: 'false' },
      { name: 'autoload_known_extensions', value: 'false' },
    ]);
  });
});

async function settingsOf(store: Store): Promise<{ memory: string; temp: string }> {
  const [row] = await withConnection(store, (c) => queryRows<{ memory: string; temp: string }>(c, `SELECT current_setting('memory_limit') AS memory, current_setting('temp_directory') AS temp`));
  return row!;
}

describe('values leaving the store', () => {
  it('are JSON-safe: bigint as number, timestamps as ISO strings', async () => {
    const [row] = await withConnection(store, (c) => queryRows(c, `SELECT 42::BIGINT AS n, TIMESTAMPTZ '2026-01-05 08:00:00+01' AS t, [1, 2]::BIGINT[] AS l, NULL AS z`));
    expect(row).toEqual({ n: 42, t: '2026-01-05T07:00:00.000Z', l: [1, 2], z: null });
    expect(JSON.parse(JSON.stringify(row))).toEqual(row);
  });

  it('refuse integers JSON cannot carry exactly', () => {
    expect(() => toJsonSafe(2n ** 60n)).toThrow(/too large for JSON/);
    expect(toJsonSafe({ a: [1n, Number.NaN] })).toEqual({ a: [1, null] });
  });
});

describe('quoting', () => {
  it('quotes identifiers and literals so they cannot break out', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(() => quoteIdent('a\u0000')).toThrow(/NUL/);
  });
});

describe('withConnection', () => {
  it('stops the query under way when its signal aborts, and refuses to start once aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    // Minutes of work unless interrupted.
    const query = withConnection(store, (connection) => queryRows(connection, 'SELECT count(*) AS n FROM range(1000000000000) a WHERE hash(a.range) % 7 = 3'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(query).rejects.toThrow(/interrupt/i);
    expect(performance.now() - started).toBeLessThan(10_000);
    await expect(withConnection(store, async () => 1, { signal: controller.signal })).rejects.toThrow(/abort/i);
    // The store serves the next query as usual.
    expect(await withConnection(store, (connection) => queryRows(connection, 'SELECT 42 AS n'))).toEqual([{ n: 42 }]);
  });
});
