import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertToOcel, type GroundTruth, OCEL_FILE, STREAM_FILES, writeDistributorCsv } from '../../datasets/distributor/index.ts';
import { queryRow, queryRows } from '../../store/db.ts';
import { quoteLiteral } from '../../store/sql.ts';
import { memoryDuckDB } from '../../test-support/memory-duckdb.ts';
import { stageOcel } from './index.ts';

interface OcelLog {
  objectTypes: { name: string }[];
  eventTypes: { name: string }[];
  objects: { id: string; type: string; attributes: unknown[]; relationships: unknown[] }[];
  events: { id: string; type: string; time: string; attributes: { name: string; value: unknown }[]; relationships: { objectId: string; qualifier: string }[] }[];
}

let dir = '';
let connection: DuckDBConnection;
let close: (() => void) | undefined;
let log: OcelLog;
let truth: GroundTruth;

beforeAll(async () => {
  ({ connection, close } = await memoryDuckDB());
  dir = await mkdtemp(join(tmpdir(), 'waybill-ocel-json-'));
  await writeDistributorCsv(join(dir, 'run'), { seed: 11, orders: 200, days: 21 });
  // convertToOcel removes the CSV files: keep a copy to count against.
  await mkdir(join(dir, 'csv'));
  for (const file of Object.values(STREAM_FILES)) await copyFile(join(dir, 'run', file), join(dir, 'csv', file));
  await convertToOcel(join(dir, 'run'));
  log = JSON.parse(await readFile(join(dir, 'run', OCEL_FILE), 'utf8')) as OcelLog;
  truth = JSON.parse(await readFile(join(dir, 'run', 'ground-truth.json'), 'utf8')) as GroundTruth;
});
afterAll(async () => {
  close?.();
  await rm(dir, { recursive: true, force: true });
});

describe('OCEL 2.0 JSON from the distributor generator', () => {
  it('stages as many events, objects and relationships as the file and the CSV files hold', async () => {
    const summary = await stageOcel(connection, join(dir, 'run', OCEL_FILE), OCEL_FILE);
    const csv = (stream: keyof typeof STREAM_FILES) => `read_csv(${quoteLiteral(join(dir, 'csv', STREAM_FILES[stream]))}, header = true, all_varchar = true)`;
    const rows = (await queryRow<{ n: number }>(
      connection,
      `SELECT (SELECT count(*) FROM ${csv('orders')}) + (SELECT count(*) FROM ${csv('purchasing')}) + (SELECT count(*) FROM ${csv('shipments')}) AS n`,
    ))!.n;
    // Objects from the CSV files: the documents and lines, and the master data they name.
    const ids = (column: string, streams: (keyof typeof STREAM_FILES)[]) =>
      `(SELECT count(DISTINCT ${column}) FROM (${streams.map((s) => `SELECT ${column} FROM ${csv(s)}`).join(' UNION ALL ')}))`;
    const objects = (await queryRow<{ n: number }>(
      connection,
      `SELECT ${[
        ids('order_id', ['orders']), ids('order_line_id', ['orders']), ids('po_id', ['purchasing']), ids('po_line_id', ['purchasing']),
        ids('shipment_id', ['shipments']), ids('customer', ['orders', 'shipments']), ids('sku', ['orders', 'purchasing']),
        ids('warehouse', ['orders', 'purchasing', 'shipments']), ids('supplier', ['purchasing']), ids('carrier', ['shipments']),
      ].join(' + ')} AS n`,
    ))!.n;
    expect(summary).toEqual({
      format: 'ocel2-json',
      events: log.events.length,
      objects: log.objects.length,
      e2o: log.events.reduce((n, e) => n + e.relationships.length, 0),
      o2o: log.objects.reduce((n, o) => n + o.relationships.length, 0),
      eventTypes: log.eventTypes.map((t) => t.name).sort(),
      objectTypes: log.objectTypes.map((t) => t.name).sort(),
    });
    expect(summary.events).toBe(truth.events.total);
    expect(summary.events).toBe(rows);
    expect(summary.objects).toBe(objects);
    expect(
      (await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM ocel_event_attributes`))!.n,
    ).toBe(log.events.reduce((n, e) => n + e.attributes.length, 0));
    expect(
      (await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM ocel_object_attributes`))!.n,
    ).toBe(log.objects.reduce((n, o) => n + o.attributes.length, 0));
  });

  it('keeps each event as the file has it: id, type, time, order, attributes and qualified objects', async () => {
    await stageOcel(connection, join(dir, 'run', OCEL_FILE), OCEL_FILE);
    const positions = [0, 1, Math.floor(log.events.length / 2), log.events.length - 1];
    const staged = await queryRows(connection, `SELECT * FROM ocel_events WHERE ordinal IN (${positions.join(', ')}) ORDER BY ordinal`);
    expect(staged).toEqual(
      positions.map((i) => ({
        event_id: log.events[i]!.id,
        event_type: log.events[i]!.type,
        ts: new Date(log.events[i]!.time).toISOString(),
        utc_offset_minutes: 0,
        ordinal: i,
      })),
    );
    const first = log.events[0]!;
    expect(await queryRows(connection, `SELECT object_id, qualifier FROM ocel_e2o WHERE event_id = $id`, { id: first.id })).toEqual(
      first.relationships.map((r) => ({ object_id: r.objectId, qualifier: r.qualifier })),
    );
    expect(await queryRows(connection, `SELECT name, value FROM ocel_event_attributes WHERE event_id = $id`, { id: first.id })).toEqual(
      first.attributes.map((a) => ({ name: a.name, value: String(a.value) })),
    );
  });
});
