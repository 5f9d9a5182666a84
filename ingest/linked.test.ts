import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKING_KEYS, writeDistributorCsv } from '../datasets/distributor/index.ts';
import { discoverProcessMap, listLogs } from '../mining/index.ts';
import type { Store } from '../store/db.ts';
import { memoryDuckDB } from '../test-support/memory-duckdb.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { IngestError, ingestLinkedFiles, parseObjectKeys, type IngestResult } from './index.ts';

/** The simulated distributor's three streams linked by their keys, each case notion checked against SQL run on the CSV files themselves. */

const KEYS = parseObjectKeys([...LINKING_KEYS]);
let store: Store;
let dir: string;
let remove: () => void;
let result: IngestResult;
const files = () => ['orders.csv', 'purchasing.csv', 'shipments.csv'].map((f) => join(dir, 'sim', f));

beforeAll(async () => {
  ({ store, dir, remove } = await tempStore());
  await writeDistributorCsv(join(dir, 'sim'), { seed: 4, orders: 800, days: 21 });
  result = await ingestLinkedFiles(store, files(), { name: 'distributor', objects: KEYS });
}, 60_000);
afterAll(() => remove());

/** Events and cases per object type, computed by plain SQL on the CSV files. */
async function expectedNotions(): Promise<Record<string, { events: number; cases: number }>> {
  const { connection: duck, close } = await memoryDuckDB();
  const [orders, purchasing, shipments] = files().map((f) => `read_csv('${f}', header = true, all_varchar = true)`);
  const pairs: Record<string, string> = {
    order: `SELECT 'o' || row_number() OVER () AS e, order_id AS id FROM ${orders} UNION ALL SELECT 's' || row_number() OVER (), order_id FROM ${shipments}`,
    'order line': `SELECT 'o' || row_number() OVER () AS e, order_line_id AS id FROM ${orders}
                   UNION ALL SELECT e, unnest(string_split(ids, ';')) FROM (SELECT 's' || row_number() OVER () AS e, order_line_ids AS ids FROM ${shipments})`,
    'purchase order': `SELECT 'p' || row_number() OVER () AS e, po_id AS id FROM ${purchasing}`,
    'PO line': `SELECT 'p' || row_number() OVER () AS e, po_line_id AS id FROM ${purchasing}`,
    shipment: `SELECT 'o' || row_number() OVER () AS e, shipment_id AS id FROM ${orders} UNION ALL SELECT 's' || row_number() OVER (), shipment_id FROM ${shipments}`,
  };
  const expected: Record<string, { events: number; cases: number }> = {};
  for (const [type, sql] of Object.entries(pairs)) {
    const rows = (await duck.runAndReadAll(`SELECT count(DISTINCT e || '|' || id)::INTEGER, count(DISTINCT id)::INTEGER FROM (${sql}) WHERE id IS NOT NULL AND trim(id) <> ''`)).getRows();
    const [events, cases] = rows[0] as [number, number];
    expected[type] = { events, cases };
  }
  close();
  return expected;
}

describe('linked event streams', () => {
  it('hold every row of every file once, and each case notion matches the files read directly', async () => {
    const lines = async (f: string) => (await import('node:fs')).readFileSync(f, 'utf8').trimEnd().split('\n').length - 1;
    const rows = (await Promise.all(files().map(lines))).reduce((a, b) => a + b, 0);
    expect(result).toMatchObject({ name: 'distributor', events: rows, objectTypes: ['PO line', 'order', 'order line', 'purchase order', 'shipment'] });
    const notions = Object.fromEntries(result.caseNotions!.map((n) => [n.objectType, { events: n.events, cases: n.cases }]));
    expect(notions).toEqual(await expectedNotions());
    expect((await listLogs(store)).map((l) => l.name)).toEqual([
      'distributor',
      'distributor@PO line',
      'distributor@order',
      'distributor@order line',
      'distributor@purchase order',
      'distributor@shipment',
    ]);
  });

  it('lets a shipment be followed across the streams that name it', async () => {
    const map = await discoverProcessMap(store, 'distributor@shipment');
    const names = map.activities.map((a) => a.name);
    // Carrier events from shipments.csv, and the order stream's Shipped and Invoiced rows that name the shipment.
    expect(names).toEqual(expect.arrayContaining(['Shipment Planned', 'Picked Up', 'Delivered', 'Shipped', 'Invoiced']));
    // The order stream's Shipped row comes at pickup, tied in time and first in file order, so the flow is Planned → Shipped → Picked Up.
    expect(map.edges.find((e) => e.from === 'Shipment Planned' && e.to === 'Shipped')?.count).toBeGreaterThan(0);
    expect(map.edges.find((e) => e.from === 'Shipped' && e.to === 'Picked Up')?.duration.max).toBe(0);
  });

  it('refuses keys whose ids collide across types, and declarations it cannot read', async () => {
    const clash = ingestLinkedFiles(store, files(), { name: 'clash', objects: parseObjectKeys(['order=order_id', 'case=case_id']) });
    await expect(clash).rejects.toThrow(/the id "SO-\d+" names objects of two types \(case, order\)/);
    expect(() => parseObjectKeys(['order'])).toThrow(IngestError);
    expect(() => parseObjectKeys(['order'])).toThrow(/write TYPE=COLUMN/);
    await expect(ingestLinkedFiles(store, files(), { name: 'distributor', objects: KEYS })).rejects.toThrow(/a log named "distributor" exists/);
    expect((await listLogs(store)).some((l) => l.name.startsWith('clash'))).toBe(false);
  });
});
