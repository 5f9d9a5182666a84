import { readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Uploads, type UploadState } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { listLogs } from '../../store/logs.ts';
import { FIXTURE_CSV, writeFixture } from '../../test-support/fixture-log.ts';
import { DAY_FIRST_CSV } from '../../test-support/mapping-fixtures.ts';
import { ingestFile, type MappingDecision } from '../../ingest/index.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { asAdmin } from '../../test-support/identities.ts';

let store: Store;
let dir: string;
let remove: () => void;
let api: ReturnType<typeof createApi>;
beforeAll(async () => {
  ({ store, dir, remove } = await tempStore());
  api = createApi(async () => store, new Uploads(join(dir, 'uploads'), 64 * 1024), asAdmin);
});
afterAll(() => remove());

/** A request body that arrives in several chunks, as a browser's upload does. */
function chunked(text: string, size = 100): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

function chunkedBytes(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

async function upload(file: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const response = await api.request(`/api/logs?file=${encodeURIComponent(file)}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until(id: string, done: (state: UploadState) => boolean, on = api): Promise<UploadState> {
  for (let i = 0; i < 200; i++) {
    const state = (await (await on.request(`/api/uploads/${id}`)).json()) as UploadState;
    if (done(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the upload did not finish');
}

describe('POST /api/logs (upload) and the confirm call', () => {
  it('streams the file to disk, previews it, and loads it on confirmation with progress', async () => {
    const sent = await upload('orders.csv', chunked(FIXTURE_CSV));
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      file: 'orders.csv',
      bytes: Buffer.byteLength(FIXTURE_CSV),
      status: 'uploaded',
      preview: { format: 'csv', columns: ['case_id', 'activity', 'timestamp', 'resource', 'amount', 'note'], mapping: { case: 'case_id', activity: 'activity', timestamp: 'timestamp', resource: 'resource' } },
    });
    expect((sent.body.preview as { sample: unknown[] }).sample).toHaveLength(7);
    const id = sent.body.upload as string;

    const events = await api.request(`/api/uploads/${id}/events`);
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
    const confirmed = await api.request(`/api/uploads/${id}/load`, { method: 'POST', body: JSON.stringify({ name: 'uploaded orders' }), headers: { 'content-type': 'application/json' } });
    expect(confirmed.status).toBe(202);
    const done = await until(id, (s) => s.status !== 'loading');
    expect(done).toMatchObject({ status: 'loaded', progress: { phase: 'storing', fraction: 1 }, result: { name: 'uploaded orders', events: 7, cases: 3 }, error: null });
    // The event stream told every state up to the end, then closed.
    const told = (await events.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as UploadState);
    expect(told[0]!.status).toBe('uploaded');
    expect(told.at(-1)).toMatchObject({ status: 'loaded', result: { events: 7 } });
    expect(told.some((s) => s.progress?.phase === 'reading')).toBe(true);
    expect((await listLogs(store)).map((l) => l.name)).toContain('uploaded orders');

    const again = await api.request(`/api/uploads/${id}/load`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(again.status).toBe(409);
  });

  it('refuses names with path tricks and unknown formats, leaving nothing on disk', async () => {
    for (const name of ['../escape.csv', 'a/b.csv', '..\\x.csv', '.hidden.csv', 'nul\u0000.csv', 'report.exe']) {
      const { status, body } = await upload(name, 'x');
      expect(status, name).toBe(400);
      expect(body.error).toEqual(expect.any(String));
    }
    const missing = await api.request('/api/logs', { method: 'POST', body: 'x' });
    expect(missing.status).toBe(400);
  });

  it('refuses a file over the size limit, declared or streamed, and keeps nothing of it', async () => {
    const before = readdirSync(join(dir, 'uploads'));
    const big = 'x'.repeat(70 * 1024);
    const declared = await upload('big.csv', big);
    expect(declared.status).toBe(413);
    const streamed = await upload('big.csv', chunked(big, 4096));
    expect(streamed.status).toBe(413);
    expect(streamed.body.error).toMatch(/larger than the upload limit of 65,536 bytes/);
    expect(readdirSync(join(dir, 'uploads'))).toEqual(before);
  });

  it('refuses a gzip that inflates past the decompressed limit while it streams, and keeps nothing of it', async () => {
    const uploads = join(dir, 'bomb-uploads');
    const small = createApi(async () => store, new Uploads(uploads, 64 * 1024, 1024 * 1024), asAdmin);
    const header = 'case_id,activity,timestamp\n';
    // 2 MiB of one repeated row: a few kilobytes of gzip, under the 64 KiB upload limit, twice the inflated limit.
    const bomb = gzipSync(header + 'A,ship,2026-01-05 10:00\n'.repeat(Math.ceil((2 * 1024 * 1024) / 24)));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const send = (body: Buffer) => small.request('/api/logs?file=bomb.csv.gz', { method: 'POST', body: chunkedBytes(body, 512), duplex: 'half' } as RequestInit);
    const refused = await send(bomb);
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: string }).error).toBe(
      'the file inflates to more than the limit of 1,048,576 bytes once decompressed (WAYBILL_UPLOAD_DECOMPRESSED_LIMIT sets it); send a smaller file',
    );
    expect(readdirSync(uploads)).toEqual([]);
    // The same rows, fewer of them: under the limit once inflated, so received.
    const fits = await send(gzipSync(header + 'A,ship,2026-01-05 10:00\n'.repeat(1000)));
    expect(fits.status).toBe(201);
    expect(readdirSync(uploads)).toHaveLength(1);
  });

  it('refuses a load call with a JSON body over 1 MiB (413) before parsing it, declared or streamed, and keeps the upload', async () => {
    const id = (await upload('orders.csv', FIXTURE_CSV)).body.upload as string;
    const huge = JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024) });
    const declared = await api.request(`/api/uploads/${id}/load`, { method: 'POST', body: huge, headers: { 'content-type': 'application/json' } });
    const streamed = await api.request(`/api/uploads/${id}/load`, { method: 'POST', body: chunked(huge, 64 * 1024), headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    for (const answer of [declared, streamed]) {
      expect(answer.status).toBe(413);
      expect(await answer.json()).toEqual({ error: 'the load request may be at most 1 MiB' });
    }
    expect(await until(id, () => true)).toMatchObject({ status: 'uploaded' });
  });

  it('takes the JSON cap from WAYBILL_JSON_LIMIT', async () => {
    const id = (await upload('orders.csv', FIXTURE_CSV)).body.upload as string;
    process.env.WAYBILL_JSON_LIMIT = '100';
    const capped = createApi(async () => store, new Uploads(join(dir, 'uploads'), 64 * 1024), asAdmin);
    delete process.env.WAYBILL_JSON_LIMIT;
    const answer = await capped.request(`/api/uploads/${id}/load`, { method: 'POST', body: JSON.stringify({ name: 'y'.repeat(101) }), headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: 'the load request may be at most 100 bytes' });
  });

  it('reports a failed load with its reason, and validates the confirm body', async () => {
    const sent = await upload('bad.csv', 'case_id,activity,timestamp\nA,x,not a time\n');
    const id = sent.body.upload as string;
    const wrong = await api.request(`/api/uploads/${id}/load`, { method: 'POST', body: JSON.stringify({ mode: 'merge' }), headers: { 'content-type': 'application/json' } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/^mode: /);
    await api.request(`/api/uploads/${id}/load`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const failed = await until(id, (s) => s.status !== 'loading');
    expect(failed).toMatchObject({ status: 'failed', result: null });
    expect(failed.error).toMatch(/bad\.csv, line 2, column "timestamp": cannot read the timestamp/);
    expect((await api.request('/api/uploads/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});

describe('deleting uploaded files', () => {
  const load = (id: string, body: object) => api.request(`/api/uploads/${id}/load`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const filesOf = (id: string) => readdirSync(join(dir, 'uploads', id)).sort();

  it('deletes the file after a successful load, keeping its result to show; a failed load keeps the file for another try', async () => {
    const good = (await upload('kept.csv', FIXTURE_CSV)).body.upload as string;
    const bad = (await upload('broken.csv', 'case_id,activity,timestamp\nA,x,not a time\n')).body.upload as string;
    await load(good, { name: 'deleted-after-load' });
    await load(bad, { name: 'not-loaded' });
    expect(await until(good, (s) => s.status !== 'loading')).toMatchObject({ status: 'loaded', file: 'kept.csv', result: { name: 'deleted-after-load', events: 7 } });
    expect(await until(bad, (s) => s.status !== 'loading')).toMatchObject({ status: 'failed' });
    for (let i = 0; i < 100 && filesOf(good).length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(filesOf(good)).toEqual(['.state.json']);
    expect(filesOf(bad)).toEqual(['.state.json', 'broken.csv']);
    expect(await until(good, () => true)).toMatchObject({ status: 'loaded', result: { name: 'deleted-after-load' } });
  });

  it('sweeps uploads left alone longer than the age, whatever their status, and keeps the others', async () => {
    const uploads = new Uploads(join(dir, 'swept'));
    const old = (await uploads.receive('old.csv', chunked(FIXTURE_CSV))).state.upload;
    const recent = (await uploads.receive('recent.csv', chunked(FIXTURE_CSV))).state.upload;
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    for (const path of [join(dir, 'swept', old), join(dir, 'swept', old, 'old.csv'), join(dir, 'swept', old, '.state.json')]) utimesSync(path, twoDaysAgo, twoDaysAgo);
    expect(await uploads.sweep(24 * 3600 * 1000)).toEqual([old]);
    expect(readdirSync(join(dir, 'swept'))).toEqual([recent]);
    await expect(uploads.get(old)).rejects.toMatchObject({ status: 404 });
    expect(await uploads.get(recent)).toMatchObject({ status: 'uploaded' });
    // A day later, nothing having touched it, the recent one goes too.
    expect(await uploads.sweep(24 * 3600 * 1000, Date.now() + 25 * 3600 * 1000)).toEqual([recent]);
  });
});

describe('loading a failed upload again', () => {
  const confirm = (id: string, body: object, on = api) =>
    on.request(`/api/uploads/${id}/load`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  /** The API of a server started again on the same uploads folder and database. */
  const restart = () => createApi(async () => store, new Uploads(join(dir, 'uploads'), 64 * 1024), asAdmin);

  it('takes other options without the file being sent again, and a restarted server remembers how each load ended', async () => {
    const sent = await upload('late.csv', 'case_id,activity,when\nA,x,not a time\nA,y,2026-01-05 10:00\nB,x,2026-01-05 11:00\n');
    const id = sent.body.upload as string;
    // The wrong timestamp column, then the bad row refused: each fails, and each leaves the upload ready for another try.
    expect((await confirm(id, { name: 'late', mapping: { timestamp: 'activity' } })).status).toBe(202);
    const wrongColumn = await until(id, (s) => s.status !== 'loading');
    expect(wrongColumn).toMatchObject({ status: 'failed', result: null });
    expect(wrongColumn.error).toMatch(/column "activity": cannot read the timestamp/);
    expect((await confirm(id, { name: 'late', mapping: { timestamp: 'when' } })).status).toBe(202);
    const badRow = await until(id, (s) => s.status !== 'loading');
    expect(badRow.error).toMatch(/line 2, column "when": cannot read the timestamp/);

    const restarted = restart();
    expect(await until(id, () => true, restarted)).toMatchObject({ status: 'failed', error: badRow.error });
    expect((await confirm(id, { name: 'late', mapping: { timestamp: 'when' }, onBadRows: 'quarantine' }, restarted)).status).toBe(202);
    const loaded = await until(id, (s) => s.status !== 'loading', restarted);
    expect(loaded).toMatchObject({ status: 'loaded', error: null, result: { name: 'late', events: 2, cases: 2, load: { quarantined: 1 } } });

    const again = restart();
    expect(await until(id, () => true, again)).toMatchObject({ status: 'loaded', result: { name: 'late', events: 2 } });
    expect((await confirm(id, { name: 'late' }, again)).status).toBe(409);
    // Loaded, its file is deleted; the status it ended with is what stays.
    expect(readdirSync(join(dir, 'uploads', id))).toEqual(['.state.json']);
  });

  it('reports a load cut off by a restart as failed, and loads it again', async () => {
    const uploads = new Uploads(join(dir, 'uploads'));
    const rows = Array.from({ length: 60_000 }, (_, i) => `C${i % 6_000},step ${i % 9},2026-01-0${1 + (i % 9)}T${String(i % 24).padStart(2, '0')}:00:00Z`);
    const { state } = await uploads.receive('big.csv', chunked(['case_id,activity,timestamp', ...rows].join('\n'), 1 << 16));
    // (A load that will fail, so the first process leaves the file as a real restart would.)
    await uploads.load(store, state.upload, { name: 'big', mapping: { timestamp: 'activity' } });
    // Another server process on the same folder, while the first is still loading: the load it finds under way died with its server.
    const restarted = new Uploads(join(dir, 'uploads'));
    expect(await restarted.get(state.upload)).toMatchObject({ status: 'failed', result: null, error: expect.stringMatching(/^the server stopped before this load finished; nothing was stored/) });
    // (Here the first process finishes; a real restart would have rolled its load back.)
    await until(state.upload, (s) => s.status !== 'loading', createApi(async () => store, uploads, asAdmin));
    await restarted.load(store, state.upload, { name: 'big', mode: 'replace' });
    const reloaded = await until(state.upload, (s) => s.status !== 'loading', createApi(async () => store, restarted, asAdmin));
    expect(reloaded).toMatchObject({ status: 'loaded', result: { name: 'big', events: 60_000, cases: 6_000 } });
  });

  it('previews the mapping that waybill ingest decides for the same file', async () => {
    const sent = await upload('visits.csv', DAY_FIRST_CSV);
    const { mapping, problem, by, proposal } = sent.body.preview as MappingDecision;
    expect(mapping).toEqual({ case: 'CaseID', activity: 'Activity', timestamp: 'Start Time', resource: 'User' });
    let decided: MappingDecision | undefined;
    await ingestFile(store, writeFixture(dir, 'visits.csv', DAY_FIRST_CSV), { name: 'visits by cli', onMapping: (decision) => (decided = decision) });
    expect(decided).toEqual({ mapping, problem, by, proposal });
    // Loaded as proposed, with no mapping sent.
    expect((await confirm(sent.body.upload as string, { name: 'visits' })).status).toBe(202);
    expect(await until(sent.body.upload as string, (s) => s.status !== 'loading')).toMatchObject({ status: 'loaded', result: { events: 8, cases: 3 } });
  });
});
