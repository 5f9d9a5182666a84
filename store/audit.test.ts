import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../ingest/index.ts';
import { Uploads, type UploadState } from '../ingest/index.ts';
import { createApi } from '../web/api/index.ts';
import { asAdmin } from '../test-support/identities.ts';
import { writeFixture } from '../test-support/fixture-log.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { waybill } from '../test-support/waybill-cli.ts';
import { listAudit } from './audit.ts';
import { closeStore, openStore, type Store } from './db.ts';

/**
 * The audit trail records who loaded, appended, replaced, uploaded and changed
 * settings, when and from where: at the command line the system user; on the web,
 * the signed-in user (or token), with the client's address.
 */

let store: Store;
let dir: string;
let remove: () => void;
const CSV = 'case_id,activity,timestamp\nA,Order,2026-01-01T08:00:00Z\nA,Ship,2026-01-02T08:00:00Z\n';
const trail = async () => (await listAudit(store)).reverse().map((e) => ({ actor: e.actor, via: e.via, address: e.address, action: e.action, log: e.log, detail: e.detail }));

beforeAll(async () => {
  ({ store, dir, remove } = await tempStore('waybill-audit-'));
});
afterAll(() => remove());

describe('the audit trail', () => {
  it('records each load at the command line with its mode and counts, in the load’s transaction', async () => {
    const file = writeFixture(dir, 'orders.csv', CSV);
    await ingestFile(store, file, { name: 'orders', shownAs: 'orders.csv' });
    await ingestFile(store, writeFixture(dir, 'more.csv', `${CSV}B,Order,2026-01-03T08:00:00Z\n`), { name: 'orders', mode: 'append', shownAs: 'more.csv' });
    await ingestFile(store, file, { name: 'orders', mode: 'replace', shownAs: 'orders.csv' });
    // A load that fails leaves no entry: it and its entry commit together or not at all.
    await expect(ingestFile(store, writeFixture(dir, 'bad.csv', 'case_id,activity,timestamp\nA,x,not a time\n'), { name: 'orders', mode: 'append' })).rejects.toThrow(/cannot read the timestamp/);
    const me = userInfo().username;
    expect(await trail()).toEqual([
      { actor: me, via: 'cli', address: null, action: 'load', log: 'orders', detail: 'orders.csv: 2 events added from 2 rows' },
      { actor: me, via: 'cli', address: null, action: 'append', log: 'orders', detail: 'more.csv: 1 events added from 3 rows, 2 already held' },
      { actor: me, via: 'cli', address: null, action: 'replace', log: 'orders', detail: 'orders.csv: 2 events added from 2 rows' },
    ]);
    // Given a path, the entry names the file only: the trail is shown in the browser.
    await ingestFile(store, file, { name: 'by-path' });
    expect((await listAudit(store, { log: 'by-path' }))[0]!.detail).toBe('orders.csv: 2 events added from 2 rows');
    const [newest] = await listAudit(store, { limit: 1 });
    expect(newest!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('records uploads, their loads and settings from the web with the client’s address; the API lists them and exports CSV', async () => {
    const api = createApi(async () => store, new Uploads(join(dir, 'uploads')), asAdmin);
    const env = { clientAddress: '203.0.113.7' };
    const sent = await api.request('/api/logs?file=web.csv', { method: 'POST', body: CSV }, env);
    const { upload } = (await sent.json()) as { upload: string };
    expect((await api.request(`/api/uploads/${upload}/load`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"web"}' }, env)).status).toBe(202);
    let state: UploadState;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await (await api.request(`/api/uploads/${upload}`)).json()) as UploadState;
    } while (state.status === 'loading');
    expect(state.status).toBe('loaded');
    const settings = await api.request('/api/logs/web/settings/kpis', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' }, env);
    expect(settings.status).toBe(200);

    const listed = (await (await api.request('/api/audit?log=web')).json()) as { entries: { actor: string; via: string; address: string; action: string }[] };
    expect(listed.entries.map((e) => [e.actor, e.via, e.address, e.action])).toEqual([
      ['test-admin', 'web', '203.0.113.7', 'settings'],
      ['test-admin', 'web', '203.0.113.7', 'load'],
    ]);
    expect((await trail()).find((e) => e.action === 'upload')).toMatchObject({ actor: 'test-admin', via: 'web', address: '203.0.113.7', log: null, detail: expect.stringMatching(/^web\.csv: 84 bytes \(upload [0-9a-f-]{36}\)$/) });
    const csv = await api.request('/api/audit.csv?log=web');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,actor,via,address,action,log,detail');
    expect(lines).toHaveLength(3);
    expect((await api.request('/api/audit?who=me')).status).toBe(400);
  });

  it('is printed by `waybill audit`, as a table, JSON or CSV', async () => {
    const db = store.path;
    await closeStore(db);
    const json = await waybill(['audit', '--db', db, '--log', 'orders', '--json']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { entries: { action: string }[] }).entries.map((e) => e.action)).toEqual(['replace', 'append', 'load']);
    const table = await waybill(['audit', '--db', db, '--limit', '1']);
    expect(table.stdout).toMatch(/^at\s+who\s+via\s+from\s+action\s+log\s+what/);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
    const csv = await waybill(['audit', '--db', db, '--csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('at,actor,via,address,action,log,detail');
    store = await openStore(db);
  });
});
