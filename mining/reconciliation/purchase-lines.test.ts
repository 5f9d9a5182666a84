import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { reconcileSection } from './context.ts';
import { reconciliationFixtureStore } from './fixture-store.ts';
import { purchaseLines } from './purchase-lines.ts';

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await reconciliationFixtureStore()), 30_000);
afterAll(() => remove());

describe('purchase lines, on their own', () => {
  it('three-way matches each PO line, and says what it lacks', async () => {
    const section = await reconcileSection(store, 'full', (source) => purchaseLines(source, {}, 100));
    expect(section.totals).toMatchObject({ lines: 2, ordered: 15, received: 13, invoiced: 15, mismatchedLines: 1, flaggedLines: 1, unexplainedLines: 0 });
    expect(section.variances).toEqual([{ line: 'PO-1-1', sku: 'A', ordered: 10, received: 8, invoiced: 10, receiptVariance: -2, invoiceVariance: 2, flagged: true }]);
    const renamed = await reconcileSection(store, 'full', (source) => purchaseLines(source, { receiptActivities: ['Receipt Posted'] }, 100));
    expect(renamed).toMatchObject({ computable: false, reason: 'not computable: missing activity "Receipt Posted"', totals: null, variances: [] });
  });
});
