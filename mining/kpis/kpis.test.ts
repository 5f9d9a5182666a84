import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { getKpis, type Kpi } from './index.ts';
import { distributorFixtureCsv } from './fixture.ts';

/** KPIs on the hand-checked fixture (see fixture.ts): `full` has the carrier's Delivered rows, `plain` does not. */

let store: Store;
let remove: () => void;

beforeAll(async () => {
  const made = await tempStore('waybill-kpis-');
  ({ store, remove } = made);
  await ingestFile(store, writeFixture(made.dir, 'full.csv', distributorFixtureCsv()), { name: 'full' });
  await ingestFile(store, writeFixture(made.dir, 'plain.csv', distributorFixtureCsv({ deliveries: false })), { name: 'plain' });
}, 30_000);
afterAll(() => remove());

const byId = (kpis: Kpi[]) => Object.fromEntries(kpis.map((k) => [k.id, k]));

describe('getKpis', () => {
  it('computes each KPI on the orders log by hand, and says what OTIF, perfect order and receipt-to-available lack', async () => {
    const result = await getKpis(store, 'plain');
    expect(result.log).toBe('plain');
    expect(result.kpis.map((k) => k.id)).toEqual(['order_cycle_time', 'touchless_order_rate', 'exception_rate', 'credit_turnaround', 'perfect_order_rate', 'fill_rate', 'otif', 'receipt_to_available']);
    const k = byId(result.kpis);
    // Captured → paid: O1 86400, O4 172800, O2 259200 s; O3 is open.
    expect(k.order_cycle_time).toMatchObject({ value: 172800, unit: 'seconds', computable: true, reason: null, counts: { orders: 3, median: 172800, mean: 172800 } });
    // Paid: O1, O2, O4; O2 has a sales rep, a credit analyst and two exceptions.
    expect(k.touchless_order_rate).toMatchObject({ value: 2 / 3, unit: 'ratio', counts: { completed: 3, touchless: 2 } });
    // O2 and O3 of four orders; RMA-1, PO-1 and the cycle counts are not orders.
    expect(k.exception_rate).toMatchObject({ value: 0.5, counts: { orders: 4, exceptional: 2 } });
    expect(k.exception_rate!.byType).toEqual([
      { type: 'Pricing Discrepancy', orders: 1, rate: 0.25 },
      { type: 'Credit Hold', orders: 1, rate: 0.25 },
      { type: 'Backordered', orders: 1, rate: 0.25 },
      { type: 'Substitution', orders: 0, rate: 0 },
      { type: 'Short Pick', orders: 0, rate: 0 },
    ]);
    expect(k.credit_turnaround).toMatchObject({ value: 7200, counts: { pairs: 1 } });
    // Allocated 10 + 2 + 5 of ordered 10 + 4 + 5.
    expect(k.fill_rate).toMatchObject({ value: 17 / 19, counts: { unitsOrdered: 19, unitsAllocated: 17 } });
    for (const id of ['otif', 'perfect_order_rate'] as const) {
      expect(k[id]).toMatchObject({ value: null, computable: false, reason: 'not computable: missing activity "Delivered"', counts: {} });
    }
    // Goods Received and Put Away occur (PO-1), but this log's receipts are in every case: receipt-to-available is computable here.
    expect(k.receipt_to_available).toMatchObject({ value: 2700, computable: true, counts: { pairs: 2 } });
    for (const kpi of result.kpis) expect(kpi.definition.length).toBeGreaterThan(20);
  });

  it('computes OTIF and the perfect-order rate once deliveries are in the log', async () => {
    const k = byId((await getKpis(store, 'full', {}, { otif: { judgedPromisedBy: '2026-01-07' } })).kpis);
    // Judged O1, O2, O4: O2 shipped 2 of 4; O1 and O4 delivered before 2026-01-08.
    expect(k.otif).toMatchObject({ value: 2 / 3, computable: true, counts: { judged: 3, otif: 2 } });
    expect(k.otif!.definition).toContain('judged by 2026-01-07');
    // O4 was returned (RMA-1 names it in order_id): only O1 is perfect.
    expect(k.perfect_order_rate).toMatchObject({ value: 1 / 3, counts: { judged: 3, perfect: 1 } });
    // The default judges orders promised 7 days before the day after the last event (CC-2, 2026-01-13): by 2026-01-07.
    const byDefault = byId((await getKpis(store, 'full')).kpis);
    expect(byDefault.otif).toMatchObject({ value: 2 / 3, counts: { judged: 3, otif: 2 } });
    expect(byDefault.otif!.definition).toContain('judged by 2026-01-07');
    const noInvoices = byId((await getKpis(store, 'full', {}, { perfectOrder: { invoiceActivities: ['Billed'] } })).kpis);
    expect(noInvoices.otif).toMatchObject({ value: 2 / 3 });
    expect(noInvoices.perfect_order_rate).toMatchObject({ value: null, computable: false, reason: 'not computable: missing invoice activities (none of "Billed" occurs)' });
    const early = byId((await getKpis(store, 'full', {}, { otif: { horizonDays: 8 } })).kpis).otif!;
    expect(early).toMatchObject({ value: null, computable: true, reason: 'no judged orders', counts: { judged: 0, otif: 0 } });
  });

  it('takes its activities and attributes from options, and says which are missing', async () => {
    const k = byId(
      (
        await getKpis(store, 'plain', {}, {
          exceptionActivities: ['Credit Hold'],
          manualResourcePrefixes: [],
          cycleTime: { end: 'Shipped' },
          fillRate: { allocationActivities: ['Line Allocated', 'Backordered'], allocatedAttribute: 'quantity_ordered' },
          creditTurnaround: { from: 'Credit Hold', to: 'No Such Step' },
          receiptToAvailable: { matchKeys: ['no_such_key'] },
        })
      ).kpis,
    );
    // Captured → first Shipped: O1 43200, O2 86400, O4 43200.
    expect(k.order_cycle_time).toMatchObject({ value: 43200, counts: { orders: 3 } });
    expect(k.touchless_order_rate).toMatchObject({ value: 2 / 3 });
    expect(k.exception_rate).toMatchObject({ value: 0.25 });
    expect(k.fill_rate).toMatchObject({ counts: { unitsOrdered: 19, unitsAllocated: 23 } });
    expect(k.credit_turnaround).toMatchObject({ value: null, computable: false, reason: 'not computable: missing activity "No Such Step"' });
    // Matched by case only, PO-1-1's receipt pairs with the first put-away (PO-1-2's, 1800 s).
    expect(k.receipt_to_available).toMatchObject({ value: 1800, counts: { pairs: 2 } });
    const missing = byId((await getKpis(store, 'plain', {}, { orderActivity: 'Order Entered', fillRate: { orderedAttribute: 'qty' } })).kpis);
    expect(missing.fill_rate!.reason).toBe('not computable: missing activity "Order Entered"; attribute "qty"');
    expect(missing.credit_turnaround!.computable).toBe(true);
  });

  it('counts every case as an order with orderActivity null, and honours the filter', async () => {
    const all = byId((await getKpis(store, 'plain', {}, { orderActivity: null })).kpis);
    expect(all.exception_rate).toMatchObject({ counts: { orders: 8, exceptional: 2 } });
    const filtered = byId((await getKpis(store, 'plain', { attributes: [{ name: 'order_id', op: 'in', values: ['O1', 'O2'] }] })).kpis);
    expect(filtered.touchless_order_rate).toMatchObject({ value: 0.5, counts: { completed: 2, touchless: 1 } });
    expect(filtered.fill_rate).toMatchObject({ counts: { unitsOrdered: 14, unitsAllocated: 12 } });
    await expect(getKpis(store, 'plain', {}, { otif: { judgedPromisedBy: '7 Jan' } })).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('treats names in options as names, never as SQL', async () => {
    const hostile = `quantity_ordered" FROM events; DROP TABLE cases; --`;
    const k = byId((await getKpis(store, 'plain', {}, { fillRate: { orderedAttribute: hostile }, manualResourcePrefixes: ["' OR 1=1 --"], exceptionActivities: ["Credit Hold') OR ('1'='1"] })).kpis);
    expect(k.fill_rate!.reason).toBe(`not computable: missing attribute ${JSON.stringify(hostile)}`);
    // No resource starts with the quote, and the activity does not exist: every paid order is touchless.
    expect(k.touchless_order_rate).toMatchObject({ counts: { completed: 3, touchless: 3 } });
    expect(byId((await getKpis(store, 'plain')).kpis).order_cycle_time!.counts.orders).toBe(3);
  });
});
