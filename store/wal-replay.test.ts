import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore } from '../test-support/temp-store.ts';
import { waybill } from '../test-support/waybill-cli.ts';
import { closeStore, openStore, queryRows, StoreRecoveryError, withConnection } from './db.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

/**
 * Whatever a process had committed when it was killed is in the write-ahead log,
 * and the next open must be able to replay it. DuckDB cannot replay an ALTER TABLE
 * on a table whose column default calls a function (it binds now() before any
 * database is attached): that made every store unopenable after a stop.
 */

const CHILD = join(import.meta.dirname, '..', 'test-support', 'commit-then-die.ts');
const run = promisify(execFile);

/** Runs commit-then-die.ts; it always ends by SIGKILL after its commit. */
async function commitThenDie(...args: string[]): Promise<void> {
  const outcome = await run(process.execPath, ['--import', 'tsx', CHILD, ...args]).then(
    () => 'exited',
    (error: { signal?: string; stderr?: string }) => (error.signal === 'SIGKILL' ? 'killed' : `failed: ${error.stderr}`),
  );
  expect(outcome).toBe('killed');
}

/** A database at schema `version`, checkpointed and closed (version 0: no file). */
async function databaseAt(path: string, version: number): Promise<void> {
  if (version === 0) return;
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) await connection.run(migration.sql);
  await connection.run(`INSERT OR REPLACE INTO waybill_meta VALUES ('schema_version', '${version}')`);
  connection.closeSync();
  instance.closeSync();
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let dir: string;
let remove: () => void;
beforeEach(async () => {
  ({ dir, remove } = await tempStore('waybill-wal-'));
});
afterEach(() => remove());

describe('the write-ahead log', () => {
  it.each(MIGRATIONS.map((m) => m.version - 1))('replays the migrations from schema version %i after a kill', async (from) => {
    const path = join(dir, `from-${from}.duckdb`);
    await databaseAt(path, from);
    await commitThenDie(path, 'migrate', String(from));
    expect(existsSync(`${path}.wal`)).toBe(true);
    const store = await openStore(path);
    const [meta] = await withConnection(store, (c) => queryRows(c, `SELECT value FROM waybill_meta WHERE key = 'schema_version'`));
    expect(meta).toEqual({ value: String(SCHEMA_VERSION) });
    await closeStore(path);
  });

  it('holds no column default that calls a function, on a new store or an upgraded one', async () => {
    const upgraded = join(dir, 'upgraded.duckdb');
    await databaseAt(upgraded, 1);
    for (const path of [join(dir, 'new.duckdb'), upgraded]) {
      const store = await openStore(path);
      const defaults = await withConnection(store, (c) =>
        queryRows(c, `SELECT table_name, column_name, column_default FROM duckdb_columns() WHERE database_name = current_database() AND column_default LIKE '%(%'`),
      );
      expect(defaults).toEqual([]);
      await closeStore(path);
    }
  });

  it('is left as it was when it cannot be replayed, with copies and the command that recovers the main file', async () => {
    const path = join(dir, 'broken.duckdb');
    await openStore(path);
    await closeStore(path);
    // An unreplayable log, made the way the old schema made one.
    await commitThenDie(path, 'sql', `CREATE TABLE t (a INTEGER, b TIMESTAMPTZ DEFAULT now()); ALTER TABLE t ADD COLUMN c INTEGER`);
    const before = { db: sha256(path), wal: sha256(`${path}.wal`) };
    const error = await openStore(path).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StoreRecoveryError);
    const recovery = error as StoreRecoveryError;
    expect(recovery.message).toContain(`waybill recover --db ${path}`);
    expect({ db: sha256(path), wal: sha256(`${path}.wal`) }).toEqual(before);
    expect({ db: sha256(join(recovery.copies, 'broken.duckdb')), wal: sha256(join(recovery.copies, 'broken.duckdb.wal')) }).toEqual(before);

    const cli = await waybill(['logs', '--db', path]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`waybill recover --db ${path}`);
    const recovered = await waybill(['recover', '--db', path]);
    expect(recovered.stderr).toBe('');
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toMatch(/set aside as .*broken\.duckdb\.wal\.unreplayable-/);
    expect((await waybill(['logs', '--db', path])).code).toBe(0);
  });
});
