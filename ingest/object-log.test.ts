import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverProcessMap, getVariants, listLogs, OptionError } from '../mining/index.ts';
import type { Store } from '../store/db.ts';
import { memoryDuckDB } from '../test-support/memory-duckdb.ts';
import { realLog } from '../test-support/real-logs.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { ingestFile, type IngestResult } from './index.ts';

/**
 * Object-centric logs in the store: the real OCEL 2.0 SQLite example and the
 * OCEL 1.0 CSV order log, each checked against counts computed straight from the
 * source files, not from what Waybill stored.
 */

let store: Store;
let remove: () => void;
let sqliteResult: IngestResult;
let csvResult: IngestResult;
beforeAll(async () => {
  ({ store, remove } = await tempStore());
  sqliteResult = await ingestFile(store, realLog('ocel20_example.sqlite'), { name: 'p2p' });
  csvResult = await ingestFile(store, realLog('ocel_order_simulated.csv'), { name: 'orders' });
}, 60_000);
afterAll(() => remove());

/** Per object type, the events touching an object of it (each event once per object) and the objects with events, from the SQLite file itself. */
async function sqliteNotions(): Promise<Record<string, { events: number; cases: number }>> {
  const require = createRequire(import.meta.url);
  const SQL = await initSqlJs({ locateFile: (file: string) => require.resolve(`sql.js/dist/${file}`) });
  const db = new SQL.Database(readFileSync(realLog('ocel20_example.sqlite')));
  try {
    const [result] = db.exec(
      `SELECT o.ocel_type, count(DISTINCT eo.ocel_event_id || '|' || eo.ocel_object_id), count(DISTINCT eo.ocel_object_id)
       FROM event_object eo JOIN object o ON o.ocel_id = eo.ocel_object_id GROUP BY o.ocel_type`,
    );
    return Object.fromEntries(result!.values.map(([type, events, cases]) => [String(type), { events: Number(events), cases: Number(cases) }]));
  } finally {
    db.close();
  }
}

describe('an OCEL 2.0 SQLite log', () => {
  it('is stored with its objects and flattened once per object type', async () => {
    expect(sqliteResult).toMatchObject({ name: 'p2p', events: 13, cases: 9, objectTypes: ['Invoice', 'Payment', 'Purchase Order', 'Purchase Requisition'] });
    const expected = await sqliteNotions();
    const notions = Object.fromEntries(sqliteResult.caseNotions!.map((n) => [n.objectType, { events: n.events, cases: n.cases }]));
    expect(notions).toEqual(expected);
    const logs = await listLogs(store);
    expect(logs.find((l) => l.name === 'p2p')).toMatchObject({ objectTypes: ['Invoice', 'Payment', 'Purchase Order', 'Purchase Requisition'], parent: null, caseNotion: null });
    expect(logs.find((l) => l.name === 'p2p@Invoice')).toMatchObject({ parent: 'p2p', caseNotion: 'Invoice', objectTypes: null, events: expected.Invoice!.events });
  });

  it('is analysed by a case notion; the object-centric log itself says which ones there are', async () => {
    await expect(discoverProcessMap(store, 'p2p')).rejects.toThrow(OptionError);
    await expect(discoverProcessMap(store, 'p2p')).rejects.toThrow(/"p2p" is object-centric: analyse it by a case notion, one of the logs "p2p@Invoice", "p2p@Payment"/);
    const map = await discoverProcessMap(store, 'p2p@Purchase Requisition');
    expect(map.cases).toBe(1);
    expect(map.start).toEqual([{ activity: 'Create Purchase Requisition', count: 1 }]);
  });

  it('loads the same file again as a no-op and refuses to append to it', async () => {
    expect((await ingestFile(store, realLog('ocel20_example.sqlite'), { name: 'p2p' })).load.unchanged).toBe(true);
    await expect(ingestFile(store, realLog('ocel20_example.sqlite'), { name: 'p2p', mode: 'append' })).rejects.toThrow(/appending to an object-centric log is not supported/);
    const replaced = await ingestFile(store, realLog('ocel20_example.sqlite'), { name: 'p2p', mode: 'replace' });
    expect(replaced.caseNotions).toHaveLength(4);
    expect((await listLogs(store)).filter((l) => l.name.startsWith('p2p'))).toHaveLength(5);
  });
});

describe('an OCEL 1.0 CSV log', () => {
  it('holds every event and object, and each notion matches the CSV read directly', async () => {
    expect(csvResult).toMatchObject({ events: 22_367, cases: 11_484, objectTypes: ['items', 'orders', 'packages'] });
    const { connection: duck, close } = await memoryDuckDB();
    const expected: Record<string, { events: number; cases: number }> = {};
    for (const type of ['items', 'orders', 'packages']) {
      const reader = await duck.runAndReadAll(`
        WITH ids AS (
          SELECT "ocel:eid" AS eid, unnest(string_split(regexp_replace(coalesce("ocel:type:${type}", ''), '[\\[\\]'' ]', '', 'g'), ',')) AS id
          FROM read_csv('${realLog('ocel_order_simulated.csv')}', header = true, all_varchar = true))
        SELECT count(DISTINCT eid || '|' || id)::INTEGER, count(DISTINCT id)::INTEGER FROM ids WHERE id <> ''`);
      const [events, cases] = reader.getRows()[0] as [number, number];
      expected[type] = { events, cases };
    }
    close();
    expect(Object.fromEntries(csvResult.caseNotions!.map((n) => [n.objectType, { events: n.events, cases: n.cases }]))).toEqual(expected);
    const variants = await getVariants(store, 'orders@orders');
    expect(variants.cases).toBe(expected.orders!.cases);
    expect(variants.variants[0]!.activities.slice(0, 2)).toEqual(['place order', 'confirm order']);
  });
});
