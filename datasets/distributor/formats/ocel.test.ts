import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { convertToOcel, type GroundTruth, OCEL_FILE, writeDistributorCsv } from '../index.ts';

interface Relationship {
  objectId: string;
  qualifier: string;
}
interface TypeDeclaration {
  name: string;
  attributes: { name: string; type: string }[];
}
interface OcelLog {
  objectTypes: TypeDeclaration[];
  eventTypes: TypeDeclaration[];
  objects: { id: string; type: string; attributes: { name: string; time: string; value: unknown }[]; relationships: Relationship[] }[];
  events: { id: string; type: string; time: string; attributes: { name: string; value: unknown }[]; relationships: Relationship[] }[];
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const OPTIONS = { seed: 11, orders: 200, days: 21 };

let dir = '';
let text = '';
let log: OcelLog;
let truth: GroundTruth;

/** Generates the CSV files into `out` and converts them. */
async function generate(out: string): Promise<string> {
  await writeDistributorCsv(out, OPTIONS);
  expect(await convertToOcel(out)).toEqual([OCEL_FILE]);
  return readFile(join(out, OCEL_FILE), 'utf8');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waybill-ocel-'));
  text = await generate(join(dir, 'a'));
  log = JSON.parse(text) as OcelLog;
  truth = JSON.parse(await readFile(join(dir, 'a', 'ground-truth.json'), 'utf8')) as GroundTruth;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('OCEL 2.0 JSON export', () => {
  it('replaces the CSV files with ocel.json beside ground-truth.json', async () => {
    expect((await readdir(join(dir, 'a'))).sort()).toEqual(['ground-truth.json', 'ocel.json']);
    expect(Object.keys(log)).toEqual(['objectTypes', 'eventTypes', 'objects', 'events']);
  });

  it('has one event per CSV row with unique ids per stream in file order', () => {
    expect(log.events.length).toBe(truth.events.total);
    const ids = new Set(log.events.map((e) => e.id));
    expect(ids.size).toBe(log.events.length);
    for (const [prefix, stream] of [['o', 'orders'], ['p', 'purchasing'], ['s', 'shipments']] as const) {
      const ofStream = log.events.filter((e) => e.id.startsWith(`${prefix}-`));
      expect(ofStream.length).toBe(truth.events[stream]);
      expect(ofStream.map((e) => e.id)).toEqual(ofStream.map((_, i) => `${prefix}-${i + 1}`));
    }
  });

  it('declares every type and resolves every relationship', () => {
    const objectTypes = new Set(log.objectTypes.map((t) => t.name));
    const eventTypes = new Set(log.eventTypes.map((t) => t.name));
    expect([...objectTypes]).toEqual(
      expect.arrayContaining(['order', 'order line', 'purchase order', 'PO line', 'shipment', 'customer', 'SKU', 'warehouse', 'supplier', 'carrier']),
    );
    const objects = new Map(log.objects.map((o) => [o.id, o.type]));
    expect(objects.size).toBe(log.objects.length);
    for (const object of log.objects) {
      expect(objectTypes.has(object.type)).toBe(true);
      for (const r of object.relationships) expect(objects.has(r.objectId), `${object.id} → ${r.objectId}`).toBe(true);
    }
    for (const event of log.events) {
      expect(eventTypes.has(event.type)).toBe(true);
      expect(event.relationships.length).toBeGreaterThan(0);
      for (const r of event.relationships) expect(objects.has(r.objectId), `${event.id} → ${r.objectId}`).toBe(true);
    }
    // The object-to-object links the data gives: line → order, PO line → PO, shipment → lines, order → customer.
    const linked = (type: string, qualifier: string, target: string): boolean =>
      log.objects.filter((o) => o.type === type).every((o) => o.relationships.some((r) => r.qualifier === qualifier && objects.get(r.objectId) === target));
    expect(linked('order line', 'order', 'order')).toBe(true);
    expect(linked('PO line', 'purchase order', 'purchase order')).toBe(true);
    expect(linked('shipment', 'carries', 'order line')).toBe(true);
    expect(linked('order', 'customer', 'customer')).toBe(true);
  });

  it('writes ISO-8601 UTC times and typed attribute values', () => {
    const declared = new Map<string, string>();
    for (const t of [...log.objectTypes, ...log.eventTypes]) for (const a of t.attributes) declared.set(`${t.name}/${a.name}`, a.type);
    const check = (owner: string, name: string, value: unknown): void => {
      const type = declared.get(`${owner}/${name}`);
      if (type === 'integer') expect(Number.isInteger(value)).toBe(true);
      else if (type === 'float') expect(typeof value).toBe('number');
      else if (type === 'time') expect(String(value)).toMatch(ISO_UTC);
      else expect(type === 'string' && typeof value === 'string', `${owner}/${name}`).toBe(true);
    };
    for (const event of log.events) {
      expect(event.time).toMatch(ISO_UTC);
      for (const a of event.attributes) check(event.type, a.name, a.value);
    }
    for (const object of log.objects) {
      for (const a of object.attributes) {
        expect(a.time).toMatch(ISO_UTC);
        check(object.type, a.name, a.value);
      }
    }
    expect(log.events.some((e) => e.attributes.some((a) => a.name === 'quantity_ordered' && typeof a.value === 'number'))).toBe(true);
  });

  it('gives a byte-identical file for the same seed', async () => {
    expect(await generate(join(dir, 'b'))).toBe(text);
  });

  it('is written by `waybill generate --format ocel2-json`', async () => {
    const out = join(dir, 'cli');
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['generate', '--out', out, '--format', 'ocel2-json', '--orders', '100'])).toBe(0);
    expect(print.mock.calls[0]?.[0]).toMatch(/: ocel\.json, ground-truth\.json$/);
    print.mockRestore();
    const cli = JSON.parse(await readFile(join(out, OCEL_FILE), 'utf8')) as OcelLog;
    const manifest = JSON.parse(await readFile(join(out, 'ground-truth.json'), 'utf8')) as GroundTruth;
    expect(cli.events.length).toBe(manifest.events.total);
  });
});
