import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKING_KEYS, writeDistributorCsv } from '../datasets/distributor/index.ts';
import { ingestLinkedFiles, parseObjectKeys } from '../ingest/index.ts';
import { closeStore } from '../store/db.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { waybill } from '../test-support/waybill-cli.ts';

/** `waybill loads` on an object-centric log and on its case notions, which are derived from its loads. */

let dir: string;
let db: string;
let remove: () => void;
beforeAll(async () => {
  let store;
  ({ store, dir, remove } = await tempStore('waybill-loads-'));
  db = store.path;
  await writeDistributorCsv(dir, { seed: 3, orders: 200 });
  await ingestLinkedFiles(store, ['orders.csv', 'purchasing.csv', 'shipments.csv'].map((f) => join(dir, f)), { name: 'distributor', objects: parseObjectKeys([...LINKING_KEYS]) });
  await closeStore(db);
}, 120_000);
afterAll(() => remove());

describe('waybill loads', () => {
  it("lists a linked log's load, and the same load for each of its case notions", async () => {
    const parent = await waybill(['loads', '--log', 'distributor', '--db', db, '--json']);
    expect(parent.stderr).toBe('');
    const history = JSON.parse(parent.stdout) as { log: string; loadedAs: string; loads: { mode: string; source: string }[] };
    expect(history.log).toBe('distributor');
    expect(history.loadedAs).toBe('distributor');
    expect(history.loads).toHaveLength(1);
    expect(history.loads[0]!.source).toBe(['orders.csv', 'purchasing.csv', 'shipments.csv'].map((f) => join(dir, f)).join(' + '));

    const notion = await waybill(['loads', '--log', 'distributor@order', '--db', db]);
    expect(notion.code).toBe(0);
    expect(notion.stdout).toContain('Loads of distributor (the object-centric log the case notion distributor@order is derived from), newest first');
    expect(notion.stdout).toMatch(/^\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+create\s/m);
  });
});
