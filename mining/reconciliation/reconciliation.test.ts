import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { distributorFixtureCsv } from '../kpis/fixture.ts';
import { getReconciliation } from './index.ts';

/** Reconciliation on the hand-checked fixture (see mining/kpis/fixture.ts). */

let store: Store;
let remove: () => void;

beforeAll(async () => {
  const made = await tempStore('waybill-reconciliation-');
  ({ store, remove } = made);
  await ingestFile(store, writeFixture(made.dir, 'full.csv', distributorFixtureCsv()), { name: 'full' });
}, 30_000);
afterAll(() => remove());

describe('getReconciliation', () => {
  it('matches ordered, shipped and invoiced units per order line, invoices spread over the lines of their shipment', async () => {
    const { orderLines } = await getReconciliation(store, 'full');
    expect(orderLines.totals).toEqual({
      lines: 3, ordered: 19, shipped: 17, invoiced: 16, credited: -2,
      shortShippedLines: 1, overShippedLines: 0, underInvoicedLines: 1, overInvoicedLines: 0, varianceLines: 1,
    });
    expect(orderLines.variances).toEqual([{ line: 'O2-1', ordered: 4, shipped: 2, invoiced: 1, credited: 0, shipVariance: -2, invoiceVariance: -1 }]);
    expect(orderLines.shipments).toEqual({ shipments: 3, shipped: 17, invoiced: 16, uninvoiced: 0, mismatched: 1 });
    // A flat log names its lines by an attribute: no case notion holds them.
    expect(orderLines.lineType).toBeNull();
  });

  it('three-way matches each PO line: ordered vs received vs invoiced', async () => {
    const { purchaseLines } = await getReconciliation(store, 'full');
    expect(purchaseLines.totals).toEqual({
      lines: 2, ordered: 15, received: 13, invoiced: 15, receivedLines: 2, invoicedLines: 2,
      receiptVarianceLines: 1, mismatchedLines: 1, flaggedLines: 1, unexplainedLines: 0,
    });
    expect(purchaseLines.variances).toEqual([{ line: 'PO-1-1', sku: 'A', ordered: 10, received: 8, invoiced: 10, receiptVariance: -2, invoiceVariance: 2, flagged: true }]);
    expect(purchaseLines.bySku).toEqual([{ sku: 'A', lines: 1, invoicedLines: 1, mismatchedLines: 1, receivedShortLines: 1 }]);
    expect(purchaseLines.trend).toEqual([{ week: '2026-01-05', invoicedLines: 2, mismatchedLines: 1, invoiceVarianceUnits: 2 }]);
  });

  it('derives the stock movement per warehouse, with the cycle-count adjustments as variances by week', async () => {
    const { stock } = await getReconciliation(store, 'full');
    expect(stock.warehouses).toEqual([
      { warehouse: 'W1', putAway: 13, allocated: 17, shipped: 17, adjustments: -2, adjustmentCount: 2, shrinkage: 3, found: 1, bookMovement: -6 },
    ]);
    expect(stock.totals).toEqual({ warehouses: 1, adjustmentCount: 2, adjustments: -2, shrinkage: 3, found: 1 });
    expect(stock.trend).toEqual([
      { week: '2026-01-05', warehouse: 'W1', adjustments: 1, units: -3, shrinkage: 3, found: 0 },
      { week: '2026-01-12', warehouse: 'W1', adjustments: 1, units: 1, shrinkage: 0, found: 1 },
    ]);
    expect(stock.variances).toEqual([
      { at: '2026-01-06T10:00:00.000Z', warehouse: 'W1', sku: 'A', quantity: -3 },
      { at: '2026-01-13T10:00:00.000Z', warehouse: 'W1', sku: 'B', quantity: 1 },
    ]);
    expect((await getReconciliation(store, 'full', {}, { limit: 1 })).stock.variances).toHaveLength(1);
  });

  it('applies the filter to a flat log, says what a section lacks, and checks its options', async () => {
    const onlyO2 = await getReconciliation(store, 'full', { attributes: [{ name: 'order_id', op: 'equals', value: 'O2' }] });
    expect(onlyO2.orderLines.totals).toMatchObject({ lines: 1, ordered: 4, shipped: 2, invoiced: 1 });
    expect(onlyO2.purchaseLines.totals).toMatchObject({ lines: 0, mismatchedLines: 0 });
    const renamed = await getReconciliation(store, 'full', {}, { purchaseLines: { receiptActivities: ['Receipt Posted'] }, stock: { warehouseAttribute: 'site' } });
    expect(renamed.purchaseLines).toMatchObject({ computable: false, reason: 'not computable: missing activity "Receipt Posted"', totals: null, variances: [] });
    expect(renamed.stock).toMatchObject({ computable: false, reason: 'not computable: missing attribute "site"', warehouses: [], trend: [] });
    expect(renamed.orderLines.computable).toBe(true);
    await expect(getReconciliation(store, 'full', {}, { limit: 0 })).rejects.toThrow(/limit must be a whole number/);
    await expect(getReconciliation(store, 'nope')).rejects.toThrow(/no log named "nope"/);
  });
});
