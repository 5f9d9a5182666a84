import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../../ingest/index.ts';
import type { Store } from '../../../store/db.ts';
import { writeFixture } from '../../../test-support/fixture-log.ts';
import { tempStore } from '../../../test-support/temp-store.ts';
import { createApi } from '../../api/index.ts';
import { asAdmin } from '../../../test-support/identities.ts';
import { ApiError, apiClient } from './client.ts';

let store: Store;
let dir: string;
let remove: () => void;
let client: ReturnType<typeof apiClient>;

beforeEach(async () => {
  ({ store, dir, remove } = await tempStore());
  await ingestFile(store, writeFixture(dir), { name: 'orders / 2026?' });
  const api = createApi(() => Promise.resolve(store), undefined, asAdmin);
  // The real routes, without a server: the client's fetch goes straight to app.request.
  client = apiClient((input, init) => Promise.resolve(api.request(input instanceof Request ? input : String(input), init)));
});
afterEach(() => remove());

describe('apiClient', () => {
  it('lists logs with the fields the log list shows', async () => {
    const [log, ...rest] = await client.logs();
    expect(rest).toEqual([]);
    expect(log).toMatchObject({ name: 'orders / 2026?', events: 7, cases: 3, activities: 3, variants: 2 });
  });

  it('fetches the process map of a log whose name needs escaping in a URL', async () => {
    const map = await client.processMap('orders / 2026?');
    expect(map.cases).toBe(3);
    expect(map.activities.map((activity) => activity.name).sort()).toEqual(['Order Captured', 'Order Validated', 'Shipped']);
    const validated = map.edges.find((edge) => edge.from === 'Order Validated' && edge.to === 'Shipped');
    expect(validated?.count).toBe(2);
    expect(validated?.duration.median).toBe((81000 + 7200) / 2);
  });

  it('turns an { error } answer into an ApiError with the status', async () => {
    const failure = await client.processMap('no such log').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 404, message: expect.stringContaining('no such log') });
  });

  it('saves a log’s KPI settings and reads them back, with the name escaped', async () => {
    expect(await client.kpiSettings('orders / 2026?')).toMatchObject({ settings: {}, choices: { activities: ['Order Captured', 'Order Validated', 'Shipped'] } });
    const saved = await client.saveKpiSettings('orders / 2026?', { cycleTime: { end: 'Shipped' } });
    expect(saved.settings).toEqual({ cycleTime: { end: 'Shipped' } });
    expect((await client.kpiSettings('orders / 2026?')).settings).toEqual({ cycleTime: { end: 'Shipped' } });
    const refused = await client.saveKpiSettings('orders / 2026?', { cycleTime: { end: 'Paid' } }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, message: 'KPI settings: cycleTime.end: the log "orders / 2026?" has no activity "Paid"' });
  });
});
