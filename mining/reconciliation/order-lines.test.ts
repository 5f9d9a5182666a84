import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { reconcileSection } from './context.ts';
import { reconciliationFixtureStore } from './fixture-store.ts';
import { orderLines } from './order-lines.ts';

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await reconciliationFixtureStore()), 30_000);
afterAll(() => remove());

describe('order lines, on their own', () => {
  it('matches ordered, shipped and invoiced units per line, and says what it lacks', async () => {
    const section = await reconcileSection(store, 'full', (source) => orderLines(source, {}, 100));
    expect(section.totals).toMatchObject({ lines: 3, ordered: 19, shipped: 17, invoiced: 16, credited: -2, shortShippedLines: 1, varianceLines: 1 });
    expect(section.variances).toEqual([{ line: 'O2-1', ordered: 4, shipped: 2, invoiced: 1, credited: 0, shipVariance: -2, invoiceVariance: -1 }]);
    const filtered = await reconcileSection(store, 'full', (source) => orderLines(source, {}, 100), { attributes: [{ name: 'order_id', op: 'equals', value: 'O2' }] });
    expect(filtered.totals).toMatchObject({ lines: 1, ordered: 4, shipped: 2, invoiced: 1 });
    const renamed = await reconcileSection(store, 'full', (source) => orderLines(source, { shippedAttribute: 'qty_shipped' }, 100));
    expect(renamed).toMatchObject({ computable: false, reason: 'not computable: missing attribute "qty_shipped"' });
  });
});
