import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Identity } from '../../store/accounts.ts';
import { withConnection, type Store } from '../../store/db.ts';
import { FIXTURE_CSV, writeFixture } from '../../test-support/fixture-log.ts';
import { TEST_ADMIN } from '../../test-support/identities.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { writeLogGroups } from '../../store/accounts.ts';
import { createApi } from './index.ts';
import { ResultCache, resultCacheBytes } from './result-cache.ts';

describe('ResultCache', () => {
  it('computes an answer once, and shares it with an identical request under way', async () => {
    const cache = new ResultCache(1024);
    let computed = 0;
    let release!: () => void;
    const compute = () => (computed++, new Promise<{ n: number }>((resolve) => (release = () => resolve({ n: 1 }))));
    const first = cache.json('k', compute);
    const second = cache.json('k', compute);
    release();
    expect(await first).toEqual({ body: '{"n":1}', source: 'miss' });
    expect(await second).toEqual({ body: '{"n":1}', source: 'shared' });
    expect(await cache.json('k', compute)).toEqual({ body: '{"n":1}', source: 'hit' });
    expect(computed).toBe(1);
    expect(cache.stats).toEqual({ hit: 1, shared: 1, miss: 1 });
  });

  it('does not remember a failure, nor an answer it is told not to keep', async () => {
    const cache = new ResultCache(1024);
    await expect(cache.json('k', () => Promise.reject(new Error('busy')))).rejects.toThrow('busy');
    expect((await cache.json('k', async () => 1)).source).toBe('miss');
    expect((await cache.json('k', async () => 2)).body).toBe('1');
    await cache.json('simple', async () => ({ problem: 'timeout' }), () => false);
    expect((await cache.json('simple', async () => ({ problem: null }))).source).toBe('miss');
    expect((await cache.json('simple', async () => ({ problem: 'other' }))).body).toBe('{"problem":null}');
  });

  it('lets the least recently used answers go once they take more than its room', async () => {
    // Each answer is 10 characters, counted as 20 bytes: three fit in 60.
    const cache = new ResultCache(60);
    const answer = (text: string) => async () => text.padEnd(8, '.');
    for (const key of ['a', 'b', 'c']) await cache.json(key, answer(key));
    await cache.json('a', answer('a'));
    await cache.json('d', answer('d'));
    expect(cache.size).toEqual({ answers: 3, bytes: 60 });
    // b was the least recently used.
    expect((await cache.json('b', answer('b'))).source).toBe('miss');
    expect((await cache.json('a', answer('a'))).source).toBe('hit');
  });

  it('remembers nothing with no room, and reads its room from WAYBILL_RESULT_CACHE_MB', async () => {
    const cache = new ResultCache(0);
    await cache.json('k', async () => 1);
    expect((await cache.json('k', async () => 1)).source).toBe('miss');
    expect(resultCacheBytes('0')).toBe(0);
    expect(resultCacheBytes('64')).toBe(64 * 1024 * 1024);
    expect(resultCacheBytes(undefined)).toBe(256 * 1024 * 1024);
    expect(() => resultCacheBytes('lots')).toThrow(/WAYBILL_RESULT_CACHE_MB/);
  });
});

describe('answers remembered by the API', () => {
  let store: Store;
  let dir: string;
  let remove: () => void;
  let caller: Identity = TEST_ADMIN;
  let api: ReturnType<typeof createApi>;
  beforeAll(async () => {
    ({ store, dir, remove } = await tempStore());
    await ingestFile(store, writeFixture(dir));
    api = createApi(async () => store, undefined, { identify: async () => caller });
  });
  afterAll(() => remove());

  const ask = async (path: string) => {
    const response = await api.request(path);
    return { status: response.status, body: await response.text(), source: /result;desc=(\w+)/.exec(response.headers.get('server-timing') ?? '')?.[1] };
  };

  it('answers a repeated request from memory, with the same body, however its parameters are spelled', async () => {
    const first = await ask('/api/logs/orders/variants?limit=5&has=Shipped');
    expect(first).toMatchObject({ status: 200, source: 'miss' });
    expect(await ask('/api/logs/orders/variants?has=Shipped&limit=5')).toEqual({ ...first, source: 'hit' });
    // Another filter, or other parameters, is another answer.
    expect((await ask('/api/logs/orders/variants?limit=5')).source).toBe('miss');
    expect((await ask('/api/logs/orders/variants?limit=6&has=Shipped')).source).toBe('miss');
    const map = await ask('/api/logs/orders/process-map/layout?paths=auto&has=Shipped');
    expect(map.source).toBe('miss');
    expect(await ask('/api/logs/orders/process-map/layout?has=Shipped&paths=auto')).toEqual({ ...map, source: 'hit' });
  });

  it('computes again once the log changes: an append, a replace, a settings change', async () => {
    const before = await ask('/api/logs/orders/overview');
    expect((await ask('/api/logs/orders/overview')).source).toBe('hit');
    await ingestFile(store, writeFixture(dir, 'more.csv', 'case_id,activity,timestamp,resource,amount,note\nD,Order Captured,2026-01-07T08:00:00Z,ann,3,\n'), { name: 'orders', mode: 'append' });
    const appended = await ask('/api/logs/orders/overview');
    expect(appended.source).toBe('miss');
    expect(JSON.parse(appended.body).cases).toBe(JSON.parse(before.body).cases + 1);
    await ingestFile(store, writeFixture(dir, 'orders.csv', FIXTURE_CSV), { name: 'orders', mode: 'replace' });
    const replaced = await ask('/api/logs/orders/overview');
    expect(replaced).toEqual({ ...before, source: 'miss' });
    const kpis = await ask('/api/logs/orders/kpis');
    expect((await ask('/api/logs/orders/kpis')).source).toBe('hit');
    const saved = await api.request('/api/logs/orders/settings/kpis', { method: 'PUT', body: JSON.stringify({ cycleTime: { start: 'Order Validated', end: 'Shipped' } }), headers: { 'Content-Type': 'application/json' } });
    expect(saved.status).toBe(200);
    const mapped = await ask('/api/logs/orders/kpis');
    expect(mapped.source).toBe('miss');
    expect(mapped.body).not.toBe(kpis.body);
  });

  it('checks access before remembering: a log the caller may not see is unknown to them, remembered or not', async () => {
    expect((await ask('/api/logs/orders/overview')).status).toBe(200);
    await withConnection(store, (connection) => writeLogGroups(connection, 'orders', ['north']));
    caller = { name: 'vic', role: 'viewer', groups: ['south'], by: 'token' };
    try {
      expect(await ask('/api/logs/orders/overview')).toMatchObject({ status: 404, source: undefined });
      expect((await ask('/api/logs/orders/process-map/layout')).status).toBe(404);
    } finally {
      caller = TEST_ADMIN;
    }
  });
});
