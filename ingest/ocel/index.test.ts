import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SqlValue } from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Row } from '../../store/db.ts';
import { IngestError } from '../errors.ts';
import { memoryDuckDB } from '../../test-support/memory-duckdb.ts';
import { detectOcelFormat, OCEL_TABLES, stageOcel } from './index.ts';

const REAL = join(import.meta.dirname, '../../../shared/datasets/real');
const SQLITE = join(REAL, 'ocel20_example.sqlite');
const CSV = join(REAL, 'ocel_order_simulated.csv');
const XML = join(import.meta.dirname, 'fixtures/small.xmlocel');
const JSON_FIXTURE = join(import.meta.dirname, 'fixtures/small.jsonocel');

let connection: DuckDBConnection;
let close: () => void;
let dir = '';

beforeAll(async () => {
  ({ connection, close } = await memoryDuckDB());
  // Naive times must read as UTC whatever the session's zone.
  await connection.run(`SET TimeZone = 'America/New_York'`);
  dir = await mkdtemp(join(tmpdir(), 'waybill-ocel-read-'));
});
afterAll(async () => {
  close();
  await rm(dir, { recursive: true, force: true });
});

/** Every staged table as rows sorted by all columns, times as ISO-8601 UTC. */
async function dump(): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of OCEL_TABLES) out[table] = await queryRows(connection, `SELECT * FROM ${table} ORDER BY ALL`);
  return out;
}

/** Writes `text` (or a copy of `source`, gzipped) into the temp folder. */
async function fixture(name: string, content: string | { gzip: string }): Promise<string> {
  const path = join(dir, name);
  if (typeof content === 'string') await writeFile(path, content);
  else await writeFile(path, gzipSync(readFileSync(content.gzip)));
  return path;
}

async function failure(path: string): Promise<IngestError> {
  const error = await stageOcel(connection, path, 'log.x').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestError);
  return error as IngestError;
}

describe('detectOcelFormat', () => {
  it('tells the four formats apart by content, also behind gzip', async () => {
    expect(await detectOcelFormat(SQLITE)).toBe('ocel2-sqlite');
    expect(await detectOcelFormat(CSV)).toBe('ocel1-csv');
    expect(await detectOcelFormat(XML)).toBe('ocel2-xml');
    expect(await detectOcelFormat(JSON_FIXTURE)).toBe('ocel2-json');
    expect(await detectOcelFormat(await fixture('a.sqlite.gz', { gzip: SQLITE }))).toBe('ocel2-sqlite');
    expect(await detectOcelFormat(await fixture('a.csv.gz', { gzip: CSV }))).toBe('ocel1-csv');
    expect(await detectOcelFormat(await fixture('a.xmlocel.gz', { gzip: XML }))).toBe('ocel2-xml');
    expect(await detectOcelFormat(await fixture('a.gz', { gzip: JSON_FIXTURE }))).toBe('ocel2-json');
  });

  it('uses the extension when the content alone does not say', async () => {
    expect(await detectOcelFormat(await fixture('late.jsonocel', '{"events": [], "objectTypes": []}'))).toBe('ocel2-json');
    expect(await detectOcelFormat(await fixture('other.json', '{"events": []}'))).toBeUndefined();
    expect(await detectOcelFormat(await fixture('bare.xmlocel', '<?xml version="1.0"?>\n<log><events/></log>'))).toBe('ocel2-xml');
    expect(await detectOcelFormat(join(REAL, 'running-example.xes'))).toBeUndefined();
    expect(await detectOcelFormat(join(REAL, 'running-example.csv'))).toBeUndefined();
  });
});

describe('OCEL 2.0 SQLite', () => {
  const require = createRequire(import.meta.url);
  let direct: (sql: string) => SqlValue[][];

  beforeAll(async () => {
    const initSqlJs = require('sql.js') as typeof import('sql.js').default;
    const SQL = await initSqlJs({ locateFile: (name: string) => require.resolve(`sql.js/dist/${name}`) });
    const db = new SQL.Database(readFileSync(SQLITE));
    direct = (sql) => db.exec(sql)[0]?.values ?? [];
  });

  it('stages every event, object and relationship with its qualifier', async () => {
    const summary = await stageOcel(connection, SQLITE, 'ocel20_example.sqlite');
    expect(summary).toEqual({
      format: 'ocel2-sqlite',
      events: 13,
      objects: 9,
      e2o: 20,
      o2o: 7,
      eventTypes: [
        'Approve Purchase Requisition', 'Change PO Quantity', 'Create Purchase Order', 'Create Purchase Requisition',
        'Insert Invoice', 'Insert Payment', 'Remove Payment Block', 'Set Payment Block',
      ],
      objectTypes: ['Invoice', 'Payment', 'Purchase Order', 'Purchase Requisition'],
    });
    const staged = await dump();
    // Independent reading: each event's time from the union of its type tables, in the order of `event`.
    const timeSql = direct(`SELECT ocel_type_map FROM event_map_type`)
      .map(([t]) => `SELECT ocel_id, ocel_time FROM "event_${String(t)}"`)
      .join(' UNION ALL ');
    const events = direct(`SELECT e.ocel_id, e.ocel_type, t.ocel_time, e.rowid - 1 FROM event e JOIN (${timeSql}) t USING (ocel_id) ORDER BY e.rowid`);
    expect(events).toHaveLength(13);
    expect(await queryRows(connection, `SELECT * FROM ocel_events ORDER BY ordinal`)).toEqual(
      events.map(([id, type, time, ordinal]) => ({
        event_id: id, event_type: type, ts: `${String(time).replace(' ', 'T')}.000Z`, utc_offset_minutes: null, ordinal,
      })),
    );
    expect(values(staged.ocel_objects!)).toEqual(sorted(direct(`SELECT ocel_id, ocel_type FROM object`)));
    expect(values(staged.ocel_e2o!)).toEqual(sorted(direct(`SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object`)));
    expect(values(staged.ocel_o2o!)).toEqual(sorted(direct(`SELECT ocel_source_id, ocel_target_id, ocel_qualifier FROM object_object`)));
  });

  it('stages every attribute value, object values over time from their ocel_time', async () => {
    await stageOcel(connection, SQLITE, 'ocel20_example.sqlite');
    const staged = await dump();
    const eventAttributes = direct(`SELECT ocel_type_map FROM event_map_type`).flatMap(([t]) => {
      const table = `event_${String(t)}`;
      const columns = direct(`PRAGMA table_info("${table}")`).map((c) => String(c[1])).filter((c) => !c.startsWith('ocel_'));
      return columns.flatMap((c) => direct(`SELECT ocel_id, '${c}', "${c}", 'string' FROM "${table}" WHERE "${c}" IS NOT NULL`));
    });
    expect(eventAttributes).toHaveLength(13);
    expect(values(staged.ocel_event_attributes!)).toEqual(sorted(eventAttributes));
    // Initial values (changed field NULL) are every column; a change row carries only the named field.
    const objectAttributes = direct(`SELECT ocel_type_map FROM object_map_type`).flatMap(([t]) => {
      const table = `object_${String(t)}`;
      const info = direct(`PRAGMA table_info("${table}")`).map((c) => String(c[1]));
      const changed = info.includes('ocel_changed_field') ? 'ocel_changed_field' : 'NULL';
      return info.filter((c) => !c.startsWith('ocel_')).flatMap((c) =>
        direct(`SELECT ocel_id, '${c}', "${c}", 'string', replace(ocel_time, ' ', 'T') || '.000Z' FROM "${table}"
                WHERE "${c}" IS NOT NULL AND (${changed} IS NULL OR ${changed} = '${c}')`));
    });
    expect(values(staged.ocel_object_attributes!)).toEqual(sorted(objectAttributes));
    expect(staged.ocel_object_attributes).toHaveLength(12);
    // Hand-checked against the file.
    expect(staged.ocel_object_attributes!.filter((r) => r.object_id === 'PO1')).toEqual([
      { object_id: 'PO1', name: 'po_product', value: 'Cows', type: 'string', ts: '1970-01-01T01:00:00.000Z' },
      { object_id: 'PO1', name: 'po_quantity', value: '500', type: 'string', ts: '1970-01-01T01:00:00.000Z' },
      { object_id: 'PO1', name: 'po_quantity', value: '600', type: 'string', ts: '2022-01-13T12:00:00.000Z' },
    ]);
    expect(staged.ocel_object_attributes!.filter((r) => r.object_id === 'R3').map((r) => [r.value, r.ts])).toEqual([
      ['No', '1970-01-01T01:00:00.000Z'],
      ['No', '2022-02-03T23:30:00.000Z'],
      ['Yes', '2022-02-03T07:30:00.000Z'],
    ]);
    expect(await queryRows(connection, `SELECT event_type, ts FROM ocel_events WHERE event_id = 'e13'`)).toEqual([
      { event_type: 'Insert Payment', ts: '2022-02-28T23:00:00.000Z' },
    ]);
    expect(staged.ocel_e2o!.filter((r) => r.event_id === 'e10')).toEqual([
      { event_id: 'e10', object_id: 'PO2', qualifier: 'Purhcase order created with identifier' },
      { event_id: 'e10', object_id: 'R3', qualifier: 'Purchase order created with maverick buying from' },
    ]);
  });

  function values(rows: Row[]): string[][] {
    return rows.map((r) => Object.values(r).map(String)).sort();
  }
  function sorted(rows: SqlValue[][]): string[][] {
    return rows.map((r) => r.map(String)).sort();
  }
});

describe('OCEL 1.0 CSV', () => {
  it('stages 22,367 events and 11,484 objects, every listed id as an unqualified relationship', async () => {
    const summary = await stageOcel(connection, CSV, 'ocel_order_simulated.csv');
    // Independent count: every quoted id in the type columns' Python lists.
    const text = readFileSync(CSV, 'utf8');
    const listed = text.match(/'[^',[\]]*'/g)!.length;
    expect(summary).toEqual({
      format: 'ocel1-csv',
      events: 22367,
      objects: 11484,
      e2o: listed,
      o2o: 0,
      eventTypes: [
        'confirm order', 'create package', 'failed delivery', 'item out of stock', 'package delivered', 'pay order',
        'payment reminder', 'pick item', 'place order', 'reorder item', 'send package',
      ],
      objectTypes: ['customers', 'items', 'orders', 'packages', 'products'],
    });
    expect(listed).toBe(38685);
    expect(await queryRows(connection, `SELECT object_type, count(*)::INTEGER AS n FROM ocel_objects GROUP BY ALL ORDER BY ALL`)).toEqual([
      { object_type: 'items', n: 8159 },
      { object_type: 'orders', n: 2000 },
      { object_type: 'packages', n: 1325 },
    ]);
    expect(await queryRows(connection, `SELECT count(*)::INTEGER AS n FROM ocel_e2o WHERE qualifier IS NOT NULL`)).toEqual([{ n: 0 }]);
  });

  it('keeps the first and last rows as the file has them', async () => {
    await stageOcel(connection, CSV, 'ocel_order_simulated.csv');
    expect(await queryRows(connection, `SELECT * FROM ocel_events WHERE ordinal IN (0, 22366) ORDER BY ordinal`)).toEqual([
      { event_id: '1.0', event_type: 'place order', ts: '2019-05-20T07:07:47.000Z', utc_offset_minutes: 0, ordinal: 0 },
      { event_id: '22367.0', event_type: 'package delivered', ts: '2020-08-25T14:30:41.000Z', utc_offset_minutes: 0, ordinal: 22366 },
    ]);
    expect(await queryRows(connection, `SELECT * FROM ocel_e2o WHERE event_id = '1.0'`)).toEqual(
      ['880001', '880004', '880003', '880002', '990001'].map((object_id) => ({ event_id: '1.0', object_id, qualifier: null })),
    );
    expect(await queryRows(connection, `SELECT * FROM ocel_event_attributes WHERE event_id IN ('1.0', '100.0') ORDER BY ALL`)).toEqual([
      { event_id: '1.0', name: 'price', value: '524.96', type: 'float' },
      { event_id: '1.0', name: 'weight', value: '3.52', type: 'float' },
      { event_id: '100.0', name: 'price', value: '476.0', type: 'float' },
      { event_id: '100.0', name: 'weight', value: '0.44', type: 'float' },
    ]);
    expect(await queryRows(connection, `SELECT * FROM ocel_objects WHERE object_id IN ('661325', '990001') ORDER BY ALL`)).toEqual([
      { object_id: '661325', object_type: 'packages' },
      { object_id: '990001', object_type: 'orders' },
    ]);
  });
});

describe('OCEL 2.0 XML and JSON', () => {
  it('stage the same hand-made log identically', async () => {
    const fromXml = await stageOcel(connection, XML, 'small.xmlocel');
    const xmlTables = await dump();
    const fromJson = await stageOcel(connection, JSON_FIXTURE, 'small.jsonocel');
    expect(await dump()).toEqual(xmlTables);
    expect({ ...fromXml, format: 'ocel2-json' }).toEqual(fromJson);
    expect(fromJson).toEqual({
      format: 'ocel2-json', events: 4, objects: 4, e2o: 8, o2o: 3,
      eventTypes: ['pay order', 'place order', 'ship item'], objectTypes: ['customer', 'item', 'order'],
    });
  });

  it('honours UTC offsets, reads naive times as UTC and keeps declared types', async () => {
    await stageOcel(connection, XML, 'small.xmlocel');
    const staged = await dump();
    expect(staged.ocel_events).toEqual([
      { event_id: 'e1', event_type: 'place order', ts: '2024-03-01T09:30:00.000Z', utc_offset_minutes: 0, ordinal: 0 },
      { event_id: 'e2', event_type: 'pay order', ts: '2024-03-02T09:00:00.000Z', utc_offset_minutes: 60, ordinal: 1 },
      { event_id: 'e3', event_type: 'ship item', ts: '2024-03-03T08:00:00.000Z', utc_offset_minutes: null, ordinal: 2 },
      { event_id: 'e4', event_type: 'ship item', ts: '2024-03-03T13:00:00.000Z', utc_offset_minutes: -300, ordinal: 3 },
    ]);
    expect(staged.ocel_event_attributes).toEqual([
      { event_id: 'e1', name: 'channel', value: 'web', type: 'string' },
      { event_id: 'e1', name: 'lines', value: '2', type: 'integer' },
      { event_id: 'e1', name: 'urgent', value: 'true', type: 'boolean' },
      { event_id: 'e2', name: 'amount', value: '12.5', type: 'float' },
      { event_id: 'e2', name: 'due', value: '2024-03-31T00:00:00Z', type: 'time' },
    ]);
    expect(staged.ocel_objects).toEqual([
      { object_id: 'c1', object_type: 'customer' },
      { object_id: 'i1', object_type: 'item' },
      { object_id: 'i2', object_type: 'item' },
      { object_id: 'o1', object_type: 'order' },
    ]);
    expect(staged.ocel_object_attributes).toEqual([
      { object_id: 'c1', name: 'tier', value: 'gold & co', type: 'string', ts: '1970-01-01T00:00:00.000Z' },
      { object_id: 'o1', name: 'status', value: 'open', type: 'string', ts: '1970-01-01T00:00:00.000Z' },
      { object_id: 'o1', name: 'status', value: 'paid', type: 'string', ts: '2024-03-02T09:00:00.000Z' },
      { object_id: 'o1', name: 'total', value: '12.5', type: 'float', ts: '1970-01-01T00:00:00.000Z' },
    ]);
    expect(staged.ocel_e2o).toHaveLength(8);
    expect(staged.ocel_e2o!.filter((r) => r.event_id === 'e3')).toEqual([
      { event_id: 'e3', object_id: 'i1', qualifier: 'shipped' },
      { event_id: 'e3', object_id: 'o1', qualifier: 'order' },
    ]);
    expect(staged.ocel_o2o).toEqual([
      { source_id: 'o1', target_id: 'c1', qualifier: 'placed by' },
      { source_id: 'o1', target_id: 'i1', qualifier: 'contains' },
      { source_id: 'o1', target_id: 'i2', qualifier: 'contains' },
    ]);
  });

  it('drops the tables of an earlier staging first', async () => {
    await stageOcel(connection, SQLITE, 'ocel20_example.sqlite');
    await stageOcel(connection, JSON_FIXTURE, 'small.jsonocel');
    expect(await queryRows(connection, `SELECT count(*)::INTEGER AS n FROM ocel_events`)).toEqual([{ n: 4 }]);
  });
});

describe('gzip', () => {
  it('reads each format behind gzip as it reads the plain file', async () => {
    for (const [source, name] of [[SQLITE, 'x.sqlite.gz'], [CSV, 'x.csv.gz'], [XML, 'x.xmlocel.gz'], [JSON_FIXTURE, 'x.jsonocel.gz']] as const) {
      const plain = await stageOcel(connection, source, name);
      const plainTables = await dump();
      const packed = await stageOcel(connection, await fixture(name, { gzip: source }), name);
      expect(packed).toEqual(plain);
      expect(await dump()).toEqual(plainTables);
    }
  });
});

describe('broken logs', () => {
  const log = (events: string, objects = '[{"id":"o1","type":"order"}]') =>
    `{"objectTypes":[{"name":"order","attributes":[]}],"eventTypes":[{"name":"a","attributes":[]}],"objects":${objects},"events":${events}}`;

  it('rejects an event related to an object the log does not hold, naming both ids', async () => {
    const error = await failure(await fixture('dangling.jsonocel', log('[{"id":"e1","type":"a","time":"2024-01-01T00:00:00Z","relationships":[{"objectId":"o9","qualifier":"q"}]}]')));
    expect(error.message).toBe(
      'log.x, column "objectId": event "e1" relates to object "o9", which the log does not hold. OCEL 2.0 requires every related object to be listed among the objects; add it or remove the relationship',
    );
  });

  it('rejects an object related to an unknown object', async () => {
    const error = await failure(await fixture('o2o.jsonocel', log('[]', '[{"id":"o1","type":"order","relationships":[{"objectId":"o2","qualifier":"q"}]}]')));
    expect(error.problem).toMatch(/^object "o1" relates to object "o2", which the log does not hold/);
  });

  it('rejects an event without a readable time, naming the event and its line', async () => {
    const text = log('[\n{"id":"e1","type":"a","time":"2024-01-01T00:00:00Z"},\n{"id":"e2","type":"a","time":"soon"}]');
    const error = await failure(await fixture('time.jsonocel', text));
    expect([error.problem, error.line, error.column, error.value]).toEqual([
      'event "e2" has no readable time (ISO 8601 expected, e.g. 2024-03-01T09:30:00Z)', 3, 'time', 'soon',
    ]);
    const xml = await failure(await fixture('time.xmlocel', '<log>\n<object-types/>\n<events>\n<event id="e7" type="a"/>\n</events>\n</log>'));
    expect([xml.problem, xml.line, xml.column]).toEqual(['event "e7" has no readable time (ISO 8601 expected, e.g. 2024-03-01T09:30:00Z)', 4, 'time']);
  });

  it('rejects repeated ids, broken JSON and XML, and files of other kinds', async () => {
    expect((await failure(await fixture('dup.jsonocel', log('[{"id":"e1","type":"a","time":"2024-01-01"},{"id":"e1","type":"a","time":"2024-01-02"}]')))).problem).toBe(
      'event id "e1" occurs more than once',
    );
    expect((await failure(await fixture('cut.jsonocel', log('[{"id":"e1","type":"a","time":"2024-01-01"}]').slice(0, -3)))).problem).toBe(
      'the JSON ends before the log does (a truncated file?)',
    );
    const nullObject = await failure(await fixture('null.jsonocel', log('[]', '[\n{"id":"o1","type":"order"},\nnull]')));
    expect([nullObject.problem, nullObject.line]).toEqual(['an element of objects is not a JSON object but a string, number, boolean or null', 3]);
    expect((await failure(await fixture('bad.xmlocel', '<log><object-types/><events><event id="e1" type="a"></log>'))).problem).toMatch(/^not well-formed XML/);
    expect((await failure(join(REAL, 'running-example.csv'))).problem).toMatch(/^is not an object-centric event log Waybill reads/);
  });
});

describe('OCEL 2.0 SQLite with a gap', () => {
  it('rejects an event whose type table has no row for it', async () => {
    await copyFile(SQLITE, join(dir, 'gap.sqlite'));
    const require = createRequire(import.meta.url);
    const initSqlJs = require('sql.js') as typeof import('sql.js').default;
    const SQL = await initSqlJs({ locateFile: (name: string) => require.resolve(`sql.js/dist/${name}`) });
    const db = new SQL.Database(readFileSync(SQLITE));
    db.run(`DELETE FROM "event_InsertPayment" WHERE ocel_id = 'e8'`);
    await writeFile(join(dir, 'gap.sqlite'), db.export());
    db.close();
    expect((await failure(join(dir, 'gap.sqlite'))).problem).toBe(
      'event "e8" (row 8 of table event) has no row in table event_InsertPayment, so it has no time',
    );
  });
});
