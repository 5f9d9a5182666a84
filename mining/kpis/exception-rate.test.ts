import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { exceptionRate } from './exception-rate.ts';

/** The exception rate on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('exception rate', () => {
  it('is the share of orders with an exception, and by type', async () => {
    // O2 and O3 of four orders; RMA-1, PO-1 and the cycle counts are not orders.
    const kpi = await computeKpi(store, 'plain', exceptionRate);
    expect(kpi).toMatchObject({ id: 'exception_rate', value: 0.5, counts: { orders: 4, exceptional: 2 } });
    expect(kpi.byType?.map((t) => [t.type, t.orders])).toEqual([['Pricing Discrepancy', 1], ['Credit Hold', 1], ['Backordered', 1], ['Substitution', 0], ['Short Pick', 0]]);
    expect(await computeKpi(store, 'plain', exceptionRate, { orderActivity: null })).toMatchObject({ counts: { orders: 8, exceptional: 2 } });
  });
});
