import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { fillRate } from './fill-rate.ts';

/** The fill rate on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('fill rate', () => {
  it('is the units allocated over the units ordered', async () => {
    // Allocated 10 + 2 + 5 of ordered 10 + 4 + 5.
    expect(await computeKpi(store, 'plain', fillRate)).toMatchObject({ id: 'fill_rate', value: 17 / 19, counts: { unitsOrdered: 19, unitsAllocated: 17 } });
    expect((await computeKpi(store, 'plain', fillRate, { fillRate: { orderedAttribute: 'qty' } })).reason).toBe('not computable: missing attribute "qty"');
    const hostile = `quantity_ordered" FROM events; DROP TABLE cases; --`;
    expect((await computeKpi(store, 'plain', fillRate, { fillRate: { orderedAttribute: hostile } })).reason).toBe(`not computable: missing attribute ${JSON.stringify(hostile)}`);
  });
});
