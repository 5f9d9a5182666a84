import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOrderToCashCsv } from '../datasets/order-to-cash/index.ts';
import { closeStore, openStore, queryRows, withConnection } from '../store/db.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { WAYBILL_BIN } from '../test-support/waybill-cli.ts';

/**
 * A load is one transaction: a real `waybill ingest` process killed with SIGKILL
 * at any moment leaves the store as it was before, or (if it got to commit)
 * with the whole load, never a part.
 */

let dir: string;
let remove: () => void;
let base: string;
let big: string;
let baseEvents: number;
let bigEvents: number;

/** Runs `waybill ARGS`; kills it with SIGKILL after `killAfterMs` if given. Resolves with how it ended and how long it ran. */
function waybill(args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: string | null; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [WAYBILL_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== null && code !== 0) reject(new Error(`waybill ${args.join(' ')} failed: ${stderr}`));
      else resolve({ code, signal, ms: performance.now() - started });
    });
  });
}

/** A copy of the base database (with its write-ahead log, if any) to kill a load in. */
function copyOfBase(name: string): string {
  const db = join(dir, `${name}.duckdb`);
  copyFileSync(base, db);
  if (existsSync(`${base}.wal`)) copyFileSync(`${base}.wal`, `${db}.wal`);
  return db;
}

/** What the store holds of the log `orders`: its stated counts and the rows that back them. */
async function state(db: string) {
  const store = await openStore(db);
  // Closed afterwards: the next `waybill` process must be able to open the file.
  return withConnection(store, async (c) => {
    const [log] = await queryRows<{ id: number; events: number; cases: number }>(c, `SELECT log_id AS id, events, cases FROM logs WHERE name = 'orders'`);
    const [rows] = await queryRows<{ events: number; cases: number; loads: number; tables: number }>(
      c,
      `SELECT (SELECT count(*) FROM events WHERE log_id = $log)::BIGINT AS events,
              (SELECT count(*) FROM cases WHERE log_id = $log)::BIGINT AS cases,
              (SELECT count(*) FROM loads WHERE log_id = $log)::BIGINT AS loads,
              (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'attributes_%')::BIGINT AS tables`,
      { log: log!.id },
    );
    return { stated: { events: log!.events, cases: log!.cases }, stored: { events: rows!.events, cases: rows!.cases }, loads: rows!.loads, attributeTables: rows!.tables };
  }).finally(() => closeStore(db));
}

beforeAll(async () => {
  ({ dir, remove } = await tempStore('waybill-kill-'));
  big = join(dir, 'big.csv');
  const summary = await writeOrderToCashCsv(big, { seed: 11, events: 400_000 });
  bigEvents = summary.events;
  // The base log holds the first tenth of the rows; appending the whole file adds the rest.
  const lines = readFileSync(big, 'utf8').split('\n');
  const head = lines.slice(0, Math.floor(lines.length / 10));
  writeFileSync(join(dir, 'head.csv'), `${head.join('\n')}\n`);
  baseEvents = head.length - 1;
  base = join(dir, 'base.duckdb');
  await waybill(['ingest', join(dir, 'head.csv'), '--name', 'orders', '--db', base]);
}, 120_000);

afterAll(() => remove());

describe('a killed ingest', () => {
  it('leaves the store as before or with the whole load, at any moment of the load', async () => {
    const full = await waybill(['ingest', big, '--name', 'orders', '--append', '--db', copyOfBase('full')]);
    const complete = await state(join(dir, 'full.duckdb'));
    expect(complete.stated.events).toBe(bigEvents);
    const outcomes: string[] = [];
    for (const fraction of [0.3, 0.5, 0.7, 0.85, 0.95]) {
      const db = copyOfBase(`killed-${fraction}`);
      const run = await waybill(['ingest', big, '--name', 'orders', '--append', '--db', db], Math.round(full.ms * fraction));
      const after = await state(db);
      // The stated counts are backed by exactly that many stored rows, and the log is either as before or complete.
      expect(after.stored).toEqual(after.stated);
      expect(after.attributeTables).toBe(1);
      if (after.stated.events === baseEvents) {
        expect(after.loads).toBe(1);
        outcomes.push(`${fraction}: before${run.signal === 'SIGKILL' ? ' (killed)' : ''}`);
      } else {
        expect(after.stated).toEqual(complete.stated);
        expect(after.loads).toBe(2);
        outcomes.push(`${fraction}: complete${run.signal === 'SIGKILL' ? ' (killed after commit)' : ''}`);
      }
    }
    // At least one kill must have landed inside the load, or the test proved nothing.
    expect(outcomes.filter((o) => o.endsWith('before (killed)')).length, outcomes.join(', ')).toBeGreaterThan(0);
    // A store whose load was killed takes the same load again, completely.
    await waybill(['ingest', big, '--name', 'orders', '--append', '--db', join(dir, 'killed-0.5.duckdb')]);
    expect((await state(join(dir, 'killed-0.5.duckdb'))).stated).toEqual(complete.stated);
  }, 180_000);
});
