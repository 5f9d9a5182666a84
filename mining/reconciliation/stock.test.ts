import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { reconcileSection } from './context.ts';
import { reconciliationFixtureStore } from './fixture-store.ts';
import { stock } from './stock.ts';

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await reconciliationFixtureStore()), 30_000);
afterAll(() => remove());

describe('stock, on its own', () => {
  it('derives the movement per warehouse with the cycle-count adjustments, honours the limit, and says what it lacks', async () => {
    const section = await reconcileSection(store, 'full', (source) => stock(source, {}, 100));
    expect(section.totals).toEqual({ warehouses: 1, adjustmentCount: 2, adjustments: -2, shrinkage: 3, found: 1 });
    expect(section.warehouses).toEqual([{ warehouse: 'W1', putAway: 13, allocated: 17, shipped: 17, adjustments: -2, adjustmentCount: 2, shrinkage: 3, found: 1, bookMovement: -6 }]);
    expect((await reconcileSection(store, 'full', (source) => stock(source, {}, 1))).variances).toEqual([{ at: '2026-01-06T10:00:00.000Z', warehouse: 'W1', sku: 'A', quantity: -3 }]);
    const renamed = await reconcileSection(store, 'full', (source) => stock(source, { warehouseAttribute: 'site' }, 100));
    expect(renamed).toMatchObject({ computable: false, reason: 'not computable: missing attribute "site"', warehouses: [], trend: [] });
  });
});
