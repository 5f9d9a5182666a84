import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { touchlessRate } from './touchless.ts';

/** The touchless order rate on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('touchless order rate', () => {
  it('is the share of paid orders with no exception and no manual touch', async () => {
    // Paid: O1, O2, O4; O2 has a sales rep, a credit analyst and two exceptions.
    expect(await computeKpi(store, 'plain', touchlessRate)).toMatchObject({ id: 'touchless_order_rate', value: 2 / 3, unit: 'ratio', counts: { completed: 3, touchless: 2 } });
    // Activities and prefixes are names, never SQL: nothing matches, every paid order is touchless.
    expect(await computeKpi(store, 'plain', touchlessRate, { manualResourcePrefixes: ["' OR 1=1 --"], exceptionActivities: ["Credit Hold') OR ('1'='1"] })).toMatchObject({ counts: { completed: 3, touchless: 3 } });
  });
});
