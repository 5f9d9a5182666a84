import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOrderToCashCsv } from '../datasets/order-to-cash/index.ts';
import { ingestFile } from '../ingest/index.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { closeStore, openStore, queryRow, withConnection } from './db.ts';

/**
 * A process killed while it writes a commit to the write-ahead log leaves the
 * log torn: the commit's last bytes are missing. The next open must drop that
 * commit whole. DuckDB 1.5 logs a large append written ahead to the database
 * file ("optimistic writes") as pointers to those blocks, and its replay keeps
 * such rows even when the rest of a torn commit is dropped: a killed append came
 * back with the log's old events and the new ones both, under the old counts.
 */

const CHILD = join(import.meta.dirname, '..', 'test-support', 'append-to-wal-then-die.ts');
const run = promisify(execFile);

let dir: string;
let remove: () => void;
let base: string;
let file: string;
let wal: Buffer;
let before: number;
let whole: { stated: number; stored: number; loads: number };

/** The log's stated event count, the events stored under it, and its loads. */
async function state(path: string): Promise<{ stated: number; stored: number; loads: number }> {
  const store = await openStore(path);
  try {
    return (await withConnection(store, (c) =>
      queryRow<{ stated: number; stored: number; loads: number }>(
        c,
        `SELECT l.events AS stated,
                (SELECT count(*) FROM events e WHERE e.log_id = l.log_id)::BIGINT AS stored,
                (SELECT count(*) FROM loads d WHERE d.log_id = l.log_id)::BIGINT AS loads
         FROM logs l WHERE l.name = 'orders'`,
      ),
    ))!;
  } finally {
    await closeStore(path);
  }
}

beforeAll(async () => {
  let store;
  ({ store, dir, remove } = await tempStore('waybill-torn-'));
  base = join(dir, 'waybill.duckdb');
  // More rows than one row group (122,880), so the append is large enough to be written ahead.
  file = join(dir, 'orders.csv');
  await writeOrderToCashCsv(file, { seed: 5, events: 160_000 });
  const lines = readFileSync(file, 'utf8').split('\n');
  writeFileSync(join(dir, 'head.csv'), `${lines.slice(0, 5_000).join('\n')}\n`);
  before = (await ingestFile(store, join(dir, 'head.csv'), { name: 'orders' })).events;
  await closeStore(base);

  const committed = join(dir, 'committed.duckdb');
  copyFileSync(base, committed);
  const outcome = await run(process.execPath, ['--import', 'tsx', CHILD, committed, file]).then(
    () => 'exited',
    (error: { signal?: string; stderr?: string }) => (error.signal === 'SIGKILL' ? 'killed' : `failed: ${error.stderr}`),
  );
  expect(outcome).toBe('killed');
  wal = readFileSync(`${committed}.wal`);
  copyFileSync(`${committed}.wal`, join(dir, 'committed.wal'));
  whole = await state(committed);
}, 120_000);

afterAll(() => remove());

describe('a torn write-ahead log', () => {
  it('holds the whole commit when it is whole', () => {
    // The load went to the log, not into the file: the case this test is about.
    expect(wal.length).toBeGreaterThan(100_000);
    expect(whole.stated).toBeGreaterThan(before);
    expect(whole).toEqual({ stated: whole.stated, stored: whole.stated, loads: 2 });
  });

  it.each([
    ['its last byte is', (length: number) => length - 1],
    ['its last 100 bytes are', (length: number) => length - 100],
    ['its last 1,000 bytes are', (length: number) => length - 1_000],
    ['its last 30,000 bytes are', (length: number) => length - 30_000],
    ['its second half is', (length: number) => Math.floor(length / 2)],
  ])('drops the whole commit when %s missing', async (missing, kept) => {
    const path = join(dir, `torn-${missing.replace(/\W+/g, '-')}.duckdb`);
    copyFileSync(base, path);
    const keep = kept(wal.length);
    writeFileSync(`${path}.wal`, wal.subarray(0, keep));
    expect(statSync(`${path}.wal`).size).toBe(keep);
    expect(await state(path)).toEqual({ stated: before, stored: before, loads: 1 });
  });
});
