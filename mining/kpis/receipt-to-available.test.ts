import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { receiptToAvailable } from './receipt-to-available.ts';

/** The receipt to available on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('receipt to available', () => {
  it('is the median time from goods received to put away, per PO line', async () => {
    expect(await computeKpi(store, 'plain', receiptToAvailable)).toMatchObject({ id: 'receipt_to_available', value: 2700, computable: true, counts: { pairs: 2 } });
    // Matched by case only, PO-1-1's receipt pairs with the first put-away (PO-1-2's, 1800 s).
    expect(await computeKpi(store, 'plain', receiptToAvailable, { receiptToAvailable: { matchKeys: ['no_such_key'] } })).toMatchObject({ value: 1800, counts: { pairs: 2 } });
  });
});
