import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, ingestLinkedFiles, parseObjectKeys } from '../../ingest/index.ts';
import { Uploads, type UploadState } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { listLogs } from '../../store/logs.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { memoryDuckDB } from '../../test-support/memory-duckdb.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { asAdmin } from '../../test-support/identities.ts';

/**
 * Every client mistake the issue lists answers 400, 413 or 415 — never 500 — with a
 * message that says what to change, and that holds nothing a browser should not
 * see: no server path, no DuckDB wording, no SQL, no CLI flag.
 */

const UPLOAD_LIMIT = 1024 * 1024;
let store: Store;
let dir: string;
let remove: () => void;
let api: ReturnType<typeof createApi>;
let parquet: Buffer;

beforeAll(async () => {
  ({ store, dir, remove } = await tempStore());
  // A log with a DATE attribute (shipped_on) and a linked log whose case notions are "distributor@order" and "distributor@shipment".
  await ingestFile(store, writeFixture(dir, 'dated.csv', 'case_id,activity,timestamp,shipped_on\nA,x,2026-01-01T00:00:00Z,2026-01-02\nA,y,2026-01-02T00:00:00Z,2026-01-02\nB,x,2026-01-01T00:00:00Z,2026-01-04\n'));
  const orders = writeFixture(dir, 'orders.csv', 'order_id,activity,timestamp\nO1,Order Captured,2026-01-01T00:00:00Z\nO1,Invoiced,2026-01-03T00:00:00Z\n');
  const shipments = writeFixture(dir, 'shipments.csv', 'shipment_id,order_id,activity,timestamp\nS1,O1,Shipped,2026-01-02T00:00:00Z\n');
  await ingestLinkedFiles(store, [orders, shipments], { name: 'distributor', objects: parseObjectKeys(['order=order_id', 'shipment=shipment_id']) });
  const { connection, close } = await memoryDuckDB();
  const parquetPath = join(dir, 'events.parquet');
  await connection.run(`COPY (SELECT 'A' AS case_id, 'x' AS activity, TIMESTAMP '2026-01-01' AS timestamp) TO '${parquetPath}' (FORMAT parquet)`);
  close();
  parquet = readFileSync(parquetPath);
  api = createApi(async () => store, new Uploads(join(dir, 'uploads'), UPLOAD_LIMIT), asAdmin);
});
afterAll(() => remove());

/** What a browser must never be shown. */
const FORBIDDEN: [string, RegExp][] = [
  ['an absolute path', /\/tmp\/|\/work\/|\/home\//],
  ['DuckDB wording', /Binder Error|Conversion Error|Invalid Input Error|INTERNAL|duckdb/i],
  ['SQL', /\b(SELECT|FROM|WHERE|CAST|TIMESTAMPTZ)\b|\$f\d/],
  ['a CLI flag', /(^|[\s(])--[a-z]/],
];

function expectClientMistake(what: string, status: number, error: unknown, change: RegExp): void {
  expect([400, 413, 415], `${what}: status`).toContain(status);
  expect(error, `${what}: message`).toMatch(change);
  for (const [kind, pattern] of FORBIDDEN) expect(error, `${what}: ${kind}`).not.toMatch(pattern);
}

const ABSURD = ['1e23', '-1', 'NaN', '9007199254740993'];
const q = encodeURIComponent;

const GETS: [string, string, RegExp][] = [
  ['a bad date in where on a DATE attribute', `/api/logs/dated/variants?where=${q('shipped_on = notadate')}`, /shipped_on holds dates; value "notadate" is not one: write an ISO-8601 date such as 2026-01-31/],
  ['a date that does not exist', `/api/logs/dated/variants?where=${q('shipped_on >= 2026-02-30')}`, /shipped_on holds dates; bound "2026-02-30" is not one/],
  ...ABSURD.flatMap((v): [string, string, RegExp][] => [
    [`variant=${v}`, `/api/logs/dated/variants?variant=${q(v)}`, new RegExp(`variant: "${v}" is not a rank \\(1 = the most frequent variant\\)`)],
    [`min-duration=${v}`, `/api/logs/dated/variants?min-duration=${q(v)}`, /min-duration: .* (is not a duration; write seconds or a number with s, m, h, d or w|is longer than 100 years; write at most 36525d)/],
    [`max-duration=${v}`, `/api/logs/dated/process-map?max-duration=${q(v)}`, /max-duration: .* (is not a duration; write seconds|is longer than 100 years; write at most 36525d)/],
    [`buckets=${v}`, `/api/logs/dated/queue-aging?buckets=${q(v)}`, /buckets: .* (is not a duration; write seconds|is longer than 100 years; write at most 36525d)/],
    [`limit=${v} (variants)`, `/api/logs/dated/variants?limit=${q(v)}`, /limit must be a whole number/],
    [`limit=${v} (bottlenecks)`, `/api/logs/dated/bottlenecks?limit=${q(v)}`, /limit must be a whole number/],
    [`limit=${v} (loads)`, `/api/logs/dated/loads?limit=${q(v)}`, /limit must be a whole number/],
    [`bins=${v}`, `/api/logs/dated/case-durations?bins=${q(v)}`, /bins must be a whole number/],
  ]),
];

async function upload(file: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await api.request(`/api/logs?file=${q(file)}`, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A real 1×1 PNG image. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))), chunk('IEND', Buffer.alloc(0))]);
}

const CSV = 'case_id,activity,timestamp\nA,x,2026-01-01T00:00:00Z\n';
/** A log of some size, so that its gzip has a middle to damage. */
const BIG_CSV = `case_id,activity,timestamp\n${Array.from({ length: 3000 }, (_, i) => `C${i % 97},step ${i % 13},2026-01-01T${String(i % 24).padStart(2, '0')}:00:00Z`).join('\n')}\n`;
/** Gzip bytes with a stretch in the middle overwritten. */
function damaged(gzip: Buffer): Buffer {
  const copy = Buffer.from(gzip);
  copy.fill(0x55, Math.floor(copy.length / 2), Math.floor(copy.length / 2) + 64);
  return copy;
}
const FORM = '------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n' + CSV + '\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n';

const UPLOADS: [string, string, () => string | Uint8Array<ArrayBuffer>, Record<string, string>, RegExp][] = [
  ['random bytes named .csv', 'noise.csv', () => new Uint8Array(randomBytes(8192)), {}, /^noise\.csv holds binary data, not CSV text: export the event log as CSV/],
  ['a PNG image named .csv', 'photo.csv', () => new Uint8Array(png()), {}, /^photo\.csv holds binary data, not CSV text: export the event log as CSV/],
  ['a Parquet file named .csv', 'events.csv', () => new Uint8Array(parquet), {}, /^events\.csv is a Parquet file: name it \.parquet/],
  ['non-gzip bytes named .gz', 'orders.csv.gz', () => CSV, {}, /^orders\.csv\.gz is named \.gz but is not gzip-compressed: remove \.gz from its name, or compress it with gzip/],
  ['a gzip file cut short', 'orders.csv.gz', () => new Uint8Array(gzipSync(BIG_CSV).subarray(0, 2000)), {}, /^orders\.csv\.gz is not a complete gzip file \(cut short or damaged\): compress it again, or send the whole file/],
  ['a gzip file damaged inside', 'orders.csv.gz', () => new Uint8Array(damaged(gzipSync(BIG_CSV))), {}, /^orders\.csv\.gz is not a complete gzip file \(cut short or damaged\): compress it again, or send the whole file/],
  ['a browser form post (multipart/form-data)', 'x.csv', () => FORM, { 'content-type': 'multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW' }, /form post \(multipart\/form-data\), not the file: send the file's bytes themselves as the body/],
  ['a multipart body sent without its content type', 'x.csv', () => FORM, {}, /form post \(multipart\/form-data\), not the file: send the file's bytes themselves as the body/],
  ['a 204-character name in 2-byte characters', `${'é'.repeat(200)}.csv`, () => CSV, {}, /the file name is 404 bytes long in UTF-8; shorten it to at most 255 bytes/],
  ['a 204-character name in 4-byte characters', `${'😀'.repeat(200)}.csv`, () => CSV, {}, /the file name is 804 bytes long in UTF-8; shorten it to at most 255 bytes/],
  ['a file over the upload limit', 'big.csv', () => 'x'.repeat(UPLOAD_LIMIT + 1), {}, /larger than the upload limit of 1,048,576 bytes/],
  ['a header naming a column twice', 'twice.csv', () => 'case_id,activity,timestamp,note,note\nA,x,2026-01-01T00:00:00Z,a,b\n', {}, /^twice\.csv, line 1, column "note": the header names this column twice/],
];

async function until(id: string, done: (state: UploadState) => boolean): Promise<UploadState> {
  for (let i = 0; i < 400; i++) {
    const state = (await (await api.request(`/api/uploads/${id}`)).json()) as UploadState;
    if (done(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the load did not finish');
}

async function load(id: string, body: unknown) {
  const response = await api.request(`/api/uploads/${id}/load`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('client mistakes are never 500', () => {
  it.each(GETS)('%s answers 4xx saying what to change', async (what, path, change) => {
    const response = await api.request(path);
    expectClientMistake(what, response.status, ((await response.json()) as { error: unknown }).error, change);
  });

  it.each(UPLOADS)('upload: %s answers 4xx saying what to change, and keeps nothing', async (what, file, body, headers, change) => {
    const sent = await upload(file, body(), headers);
    expectClientMistake(what, sent.status, sent.body.error, change);
    expect(sent.body.upload).toBeUndefined();
  });

  it('answers 415 for content that is not what its name says, 413 over the limit, 400 for names', async () => {
    const statuses = await Promise.all(UPLOADS.map(async ([, file, body, headers]) => (await upload(file, body(), headers)).status));
    expect(statuses).toEqual([415, 415, 415, 415, 415, 415, 415, 415, 400, 400, 413, 400]);
  });

  it('tells the browser why a load failed on bad rows in the page\'s words, without a path or a CLI flag', async () => {
    const sent = await upload('bad.csv', 'case_id,activity,timestamp\nA,x,2026-01-01T00:00:00Z\nA,y,not a time\n');
    expect(sent.status).toBe(201);
    expect((await load(sent.body.upload as string, {})).status).toBe(202);
    const failed = await until(sent.body.upload as string, (s) => s.status === 'failed');
    expectClientMistake('a load with a bad row', 400, failed.error, /^bad\.csv, line 3, column "timestamp": cannot read the timestamp\. Nothing was loaded \(to load the good rows and keep these aside, choose “set them aside, load the rest” under Bad rows\)\. \(value "not a time"\)$/);
    expect(failed.error).not.toMatch(/on-bad-rows/);
  });

  it('previews a file with malformed rows, so that the page\'s bad-row choice it points to can be made', async () => {
    const sent = await upload('ragged.csv', 'case_id,activity,timestamp\nA,x,2026-01-01T00:00:00Z\nA,y,2026-01-02T00:00:00Z,extra\n');
    expect(sent.status).toBe(201);
    expect(sent.body.preview).toMatchObject({ columns: ['case_id', 'activity', 'timestamp'], sample: [['A', 'x', '2026-01-01T00:00:00Z']] });
    await load(sent.body.upload as string, { name: 'ragged' });
    const failed = await until(sent.body.upload as string, (s) => s.status === 'failed');
    expectClientMistake('a load with a malformed row', 400, failed.error, /^ragged\.csv, line 3: cannot read as CSV: more fields than the header has\. Nothing was loaded \(to load the good rows and keep these aside, choose “set them aside, load the rest” under Bad rows\)/);
  });

  it('refuses a load request not sent as JSON (415), not JSON (400) or not of its shape (400), naming what it takes, and starts nothing', async () => {
    const sent = await upload('orders.csv', CSV);
    const id = sent.body.upload as string;
    const post = async (body: string, type: string | null) => {
      const response = await api.request(`/api/uploads/${id}/load`, { method: 'POST', body, ...(type !== null && { headers: { 'content-type': type } }) });
      return { status: response.status, error: ((await response.json()) as { error: unknown }).error };
    };
    // Sent as text or a form, the body would otherwise be read as {} and load with every default.
    const text = await post('{"name":"as text"}', 'text/plain');
    expectClientMistake('a JSON body sent as text', text.status, text.error, /^send the body as JSON \(Content-Type: application\/json\): \{ name\?, mapping\?, mode\?, onBadRows\?, timeZone\? \}$/);
    expect(text.status).toBe(415);
    expect((await post('name=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    const broken = await post('{"name":', 'application/json');
    expectClientMistake('a body that is not JSON', broken.status, broken.error, /^the body must be JSON: \{ name\?/);
    const wrong = await post(JSON.stringify({ mode: 'merge' }), 'application/json; charset=utf-8');
    expectClientMistake('a mode that is none', wrong.status, wrong.error, /^mode: /);
    const stray = await post(JSON.stringify({ name: 'x', colour: 'red' }), 'application/json');
    expectClientMistake('a field the load does not take', stray.status, stray.error, /colour/);
    expect((await (await api.request(`/api/uploads/${id}`)).json()) as UploadState).toMatchObject({ status: 'uploaded', error: null });
  });

  it('tells the browser which column to choose when a mapped column is not the file\'s', async () => {
    const sent = await upload('mapped.csv', CSV);
    await load(sent.body.upload as string, { name: 'mapped', mapping: { case: 'order_no' } });
    const failed = await until(sent.body.upload as string, (s) => s.status === 'failed');
    expectClientMistake('a mapping naming no column', 400, failed.error, /^mapped\.csv: the case column "order_no" is not one of the file's; its columns are "case_id", "activity", "timestamp"; choose the case column$/);
  });
});

describe('names are safe: "@" is reserved for case notions', () => {
  it('refuses a log name with "@" and a derived notion as the target of append or replace, before loading anything', async () => {
    const before = (await listLogs(store)).map((l) => [l.name, l.events]);
    const sent = await upload('orders.csv', CSV);
    const id = sent.body.upload as string;
    const created = await load(id, { name: 'distributor@order' });
    expect(created.status).toBe(400);
    expectClientMistake('a new log named with "@"', created.status, created.body.error, /"@" is reserved for case notions: "distributor@order" would be the case notion "order" of the object-centric log "distributor"; choose another log name/);
    for (const mode of ['append', 'replace']) {
      const onto = await load(id, { name: 'distributor@order', mode });
      expectClientMistake(`${mode} onto a case notion`, onto.status, onto.body.error, /"distributor@order" is the case notion "order" of the object-centric log "distributor", derived from it: a case notion cannot be appended to or replaced \(load into "distributor" itself\); choose another log name/);
    }
    // Without a name, the file's name is the log's: an "@" there is refused too.
    const named = await upload('north@south.csv', CSV);
    const refused = await load(named.body.upload as string, {});
    expectClientMistake('a file name with "@"', refused.status, refused.body.error, /"@" is reserved for case notions/);
    expect((await (await api.request(`/api/uploads/${id}`)).json()) as UploadState).toMatchObject({ status: 'uploaded', error: null });
    expect((await listLogs(store)).map((l) => [l.name, l.events])).toEqual(before);
  });
});
