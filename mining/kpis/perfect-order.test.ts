import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { perfectOrderRate } from './perfect-order.ts';

/** The perfect order rate on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('perfect order rate', () => {
  it('is the share of judged orders OTIF, invoiced right, not failed and not returned', async () => {
    // O4 was returned (RMA-1 names it in order_id): only O1 is perfect.
    expect(await computeKpi(store, 'full', perfectOrderRate, { otif: { judgedPromisedBy: '2026-01-07' } })).toMatchObject({ id: 'perfect_order_rate', value: 1 / 3, counts: { judged: 3, perfect: 1 } });
    expect(await computeKpi(store, 'full', perfectOrderRate, { perfectOrder: { invoiceActivities: ['Billed'] } })).toMatchObject({ computable: false, reason: 'not computable: missing invoice activities (none of "Billed" occurs)' });
  });
});
