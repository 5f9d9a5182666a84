import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { orderCycleTime } from './order-cycle-time.ts';

/** The order cycle time on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('order cycle time', () => {
  it('is the median time from capture to payment over the paid orders; an open order is left out', async () => {
    // Captured → paid: O1 86400, O4 172800, O2 259200 s; O3 is open.
    expect(await computeKpi(store, 'plain', orderCycleTime)).toMatchObject({ id: 'order_cycle_time', value: 172800, unit: 'seconds', computable: true, counts: { orders: 3, median: 172800, mean: 172800 } });
    // Captured → first Shipped: O1 43200, O2 86400, O4 43200.
    expect(await computeKpi(store, 'plain', orderCycleTime, { cycleTime: { end: 'Shipped' } })).toMatchObject({ value: 43200, counts: { orders: 3 } });
    expect(await computeKpi(store, 'plain', orderCycleTime, { cycleTime: { end: 'Paid Twice' } })).toMatchObject({ computable: false, reason: 'not computable: missing activity "Paid Twice"' });
  });
});
