import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../ingest/index.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { writeFixture } from '../test-support/fixture-log.ts';
import { closeStore, openStore, queryRows, withConnection, type Store } from './db.ts';
import { getLogSetting, setLogSetting } from './settings.ts';

let dir: string;
let store: Store;
let remove: () => void;
beforeEach(async () => {
  ({ dir, store, remove } = await tempStore());
});
afterEach(async () => {
  await closeStore(store.path);
  remove();
});

const get = (log: string, key: string) => withConnection(store, (c) => getLogSetting(c, log, key));
const set = (log: string, key: string, value: Parameters<typeof setLogSetting>[3]) => withConnection(store, (c) => setLogSetting(c, log, key, value));
const rows = () => withConnection(store, (c) => queryRows(c, `SELECT log, key, value::VARCHAR AS value FROM log_settings ORDER BY log, key`));

describe('per-log settings', () => {
  it('round-trips a JSON value, with the time it was saved', async () => {
    expect(await get('orders', 'kpis')).toBeUndefined();
    const before = Date.now();
    const value = { orderActivity: null, cycleTime: { start: 'Order Captured', end: 'Shipped' }, exceptionActivities: ['Credit Hold', 'Ünïcode “quoted”'] };
    await set('orders', 'kpis', value);
    const saved = await get('orders', 'kpis');
    expect(saved?.value).toEqual(value);
    expect(Date.parse(saved!.updatedAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(saved!.updatedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('replaces a value rather than adding a second row, and null removes it', async () => {
    await set('orders', 'kpis', { orderActivity: 'A' });
    await set('orders', 'kpis', { orderActivity: 'B' });
    expect((await get('orders', 'kpis'))?.value).toEqual({ orderActivity: 'B' });
    expect(await rows()).toEqual([{ log: 'orders', key: 'kpis', value: '{"orderActivity":"B"}' }]);
    await set('orders', 'kpis', null);
    expect(await get('orders', 'kpis')).toBeUndefined();
    expect(await rows()).toEqual([]);
  });

  it('keeps each log and each key apart', async () => {
    await set('orders', 'kpis', { orderActivity: 'A' });
    await set('tickets', 'kpis', { orderActivity: null });
    await set('orders', 'other', [1, 2]);
    expect((await get('orders', 'kpis'))?.value).toEqual({ orderActivity: 'A' });
    expect((await get('tickets', 'kpis'))?.value).toEqual({ orderActivity: null });
    expect((await get('orders', 'other'))?.value).toEqual([1, 2]);
    expect(await get('order', 'kpis')).toBeUndefined();
  });

  it('survives replacing the log, and reopening the file', async () => {
    const file = writeFixture(dir);
    await ingestFile(store, file, { name: 'orders' });
    await set('orders', 'kpis', { orderActivity: 'Order Validated' });
    await ingestFile(store, writeFixture(dir, 'again.csv', 'case_id,activity,timestamp\nX,Order Validated,2026-02-01T00:00:00Z\n'), { name: 'orders', mode: 'replace' });
    expect((await get('orders', 'kpis'))?.value).toEqual({ orderActivity: 'Order Validated' });
    await closeStore(store.path);
    store = await openStore(store.path);
    expect((await get('orders', 'kpis'))?.value).toEqual({ orderActivity: 'Order Validated' });
  });
});
