import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import { Uploads, type UploadState } from '../../ingest/index.ts';
import { ANALYSES } from '../../mining/analyses.ts';
import { FILTER_PARAMS } from '../../mining/index.ts';
import { queryRows, withConnection, type Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { asAdmin } from '../../test-support/identities.ts';

/**
 * SQL in every query parameter of every analysis, and in the log's name: each
 * request answers 200, 400 or 404, never 500, and the store is as it was, table by
 * table and row by row. Values reach DuckDB only bound or as checked identifiers.
 */

const SQL = [`x' OR '1'='1`, `'; DROP TABLE events; --`, `"); DELETE FROM logs; --`, `1; UPDATE logs SET events = 0`, `$log`, `a\u0000b`];

/** Each analysis route with the parameters it reads beyond the filter's: every registered analysis, and the load history's. */
const ROUTES: [string, readonly string[]][] = [
  ...ANALYSES.map((analysis): [string, string[]] => [analysis.name, Object.keys(analysis.params.shape)]),
  ['loads', ['limit']],
  ['quarantine.csv', ['limit']],
];

let store: Store;
let dir: string;
let remove: () => void;
let api: ReturnType<typeof createApi>;

beforeAll(async () => {
  ({ store, dir, remove } = await tempStore());
  const csv = 'case_id,activity,timestamp,resource,region,amount\nA,Order,2026-01-01T08:00:00Z,ann,north,10\nA,Ship,2026-01-02T08:00:00Z,bob,north,10\nB,Order,2026-01-01T09:00:00Z,ann,south,20\nB,Credit Hold,2026-01-01T10:00:00Z,cat,south,20\n';
  await ingestFile(store, writeFixture(dir, 'orders.csv', csv), { name: 'orders' });
  api = createApi(async () => store, new Uploads(join(dir, 'uploads')), asAdmin);
});
afterAll(() => remove());

/** Every table in the store with its rows, in a stable order: equal before and after means nothing was written. */
async function snapshot(): Promise<string> {
  return withConnection(store, async (c) => {
    const tables = await queryRows<{ name: string }>(c, `SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1`);
    const parts: string[] = [];
    for (const { name } of tables) {
      const rows = await queryRows(c, `SELECT * FROM "${name.replaceAll('"', '""')}"`);
      parts.push(`${name}:${rows.map((row) => JSON.stringify(row)).sort().join('\n')}`);
    }
    return parts.join('\n\n');
  });
}

describe('SQL sent as a parameter', () => {
  it(`answers every analysis × parameter × ${SQL.length} payloads without a 500, and writes nothing`, async () => {
    const before = await snapshot();
    const statuses = new Map<number, number>();
    let requests = 0;
    for (const [route, own] of ROUTES) {
      for (const param of new Set([...own, ...FILTER_PARAMS])) {
        for (const payload of SQL) {
          const response = await api.request(`/api/logs/orders/${route}?${param}=${encodeURIComponent(payload)}`);
          requests += 1;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect([200, 400, 404], `${route}?${param}=${payload}`).toContain(response.status);
        }
      }
    }
    expect(requests).toBeGreaterThan(1_000);
    // Most are refused as values of the wrong kind; some are read as the text they are.
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(await snapshot()).toBe(before);
  }, 120_000);

  it('answers SQL as a log name with 404 on every route, and writes nothing', async () => {
    const before = await snapshot();
    for (const [route] of ROUTES) {
      for (const payload of SQL) {
        const response = await api.request(`/api/logs/${encodeURIComponent(payload)}/${route}`);
        expect([400, 404], `${route} of ${JSON.stringify(payload)}`).toContain(response.status);
      }
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('SQL sent as a name to store', () => {
  it('stores a log under exactly that name, and leaves the others as they were', async () => {
    const before = await snapshot();
    const name = `o'); DROP TABLE logs; --`;
    const sent = await api.request(`/api/logs?file=${encodeURIComponent(`x'; DELETE FROM events; --.csv`)}`, { method: 'POST', body: 'case_id,activity,timestamp\nZ,a,2026-01-01T00:00:00Z\n' });
    expect(sent.status).toBe(201);
    const { upload } = (await sent.json()) as { upload: string };
    const load = await api.request(`/api/uploads/${upload}/load`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
    expect(load.status).toBe(202);
    let state: UploadState;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await (await api.request(`/api/uploads/${upload}`)).json()) as UploadState;
    } while (state.status === 'loading');
    expect(state).toMatchObject({ status: 'loaded', result: { name, events: 1 } });
    const logs = (await (await api.request('/api/logs')).json()) as { logs: { name: string; events: number }[] };
    expect(logs.logs.map((log) => [log.name, log.events]).sort()).toEqual([['orders', 4], [name, 1]].sort());
    // The log that was there before is untouched.
    const orders = await api.request('/api/logs/orders/variants');
    expect(((await orders.json()) as { cases: number }).cases).toBe(2);
    expect(await snapshot()).not.toBe(before);
  });
});
