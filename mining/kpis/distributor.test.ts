import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GroundTruth, LINKING_KEYS } from '../../datasets/distributor/index.ts';
import { ingestLinkedFiles, parseObjectKeys } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { distributorStore } from '../../test-support/distributor-store.ts';
import { getReconciliation } from '../reconciliation/index.ts';
import { getKpis, getTouchlessOrders, type Kpi } from './index.ts';
import type { Filter } from '../filter/index.ts';
import { getOverview } from '../overview/index.ts';

/**
 * KPIs and reconciliation on the simulated distributor (seed 2026, 6000 orders)
 * against its ground truth: orders.csv and purchasing.csv as flat logs, and the
 * three streams linked by their keys (KPIs on the case notion `distributor@order`).
 */

let store: Store;
let remove: () => void;
let truth: GroundTruth;

beforeAll(async () => {
  let dir: string;
  ({ store, dir, truth, remove } = await distributorStore(['orders', 'purchasing']));
  await ingestLinkedFiles(store, ['orders.csv', 'purchasing.csv', 'shipments.csv'].map((f) => join(dir, f)), {
    name: 'distributor',
    objects: parseObjectKeys([...LINKING_KEYS]),
  });
}, 60_000);
afterAll(() => remove());

const byId = (kpis: Kpi[]) => Object.fromEntries(kpis.map((k) => [k.id, k]));

describe('KPIs on the distributor', () => {
  it('give the planted touchless set size and fill rate on orders.csv, and say OTIF needs the Delivered events', async () => {
    const k = byId((await getKpis(store, 'orders')).kpis);
    const touchless = truth.claims.touchlessOrders;
    expect(k.touchless_order_rate!.counts).toEqual({ completed: touchless.completedOrders, touchless: touchless.touchless });
    expect(k.touchless_order_rate!.value).toBeCloseTo(touchless.touchless / touchless.completedOrders, 12);
    // The very set, not only its size: the planted orders' numbers sum to the stated fingerprint.
    const listed = await getTouchlessOrders(store, 'orders');
    expect(listed).toMatchObject({ computable: true, completed: touchless.completedOrders });
    expect(listed.touchless).toHaveLength(touchless.touchless);
    expect(listed.touchless.reduce((sum, name) => sum + Number(name.slice(3)), 0)).toBe(touchless.orderNumberSum);
    expect((await getTouchlessOrders(store, 'distributor@order')).touchless).toEqual(listed.touchless);
    const fill = truth.claims.fillRate;
    expect(k.fill_rate!.counts).toEqual({ unitsOrdered: fill.unitsOrdered, unitsAllocated: fill.unitsAllocatedAtPromise });
    expect(Math.round(k.fill_rate!.value! * 10_000) / 10_000).toBe(fill.rate);
    expect(k.credit_turnaround!.computable).toBe(true);
    expect(k.credit_turnaround!.counts.pairs).toBeLessThanOrEqual(truth.claims.creditReviewBottleneck.creditHolds);
    for (const id of ['otif', 'perfect_order_rate'] as const) expect(k[id]).toMatchObject({ computable: false, value: null, reason: 'not computable: missing activity "Delivered"' });
    expect(k.receipt_to_available).toMatchObject({ computable: false, value: null, reason: 'not computable: missing activity "Goods Received"; activity "Put Away"' });
  });

  it('give the planted OTIF and perfect-order counts on the linked log’s order case notion', async () => {
    const k = byId((await getKpis(store, 'distributor@order')).kpis);
    const otif = truth.claims.otif;
    expect(k.otif!.counts).toEqual({ judged: otif.judged, otif: otif.otif });
    expect(Math.round(k.otif!.value! * 10_000) / 10_000).toBe(otif.rate);
    expect(k.otif!.definition).toContain(`judged by ${otif.judgedPromisedBy}`);
    const perfect = truth.claims.perfectOrders;
    expect(k.perfect_order_rate!.counts).toEqual({ judged: perfect.judged, perfect: perfect.perfect });
    expect(Math.round(k.perfect_order_rate!.value! * 10_000) / 10_000).toBe(perfect.rate);
    // The same touchless set and fill rate through the linked objects (order lines are objects there, not a column).
    expect(k.touchless_order_rate!.counts).toEqual({ completed: truth.claims.touchlessOrders.completedOrders, touchless: truth.claims.touchlessOrders.touchless });
    expect(k.fill_rate!.counts).toEqual({ unitsOrdered: truth.claims.fillRate.unitsOrdered, unitsAllocated: truth.claims.fillRate.unitsAllocatedAtPromise });
  });

  it('compute receipt-to-available on purchasing.csv, where the order KPIs are not computable', async () => {
    const k = byId((await getKpis(store, 'purchasing')).kpis);
    expect(k.receipt_to_available).toMatchObject({ computable: true, reason: null });
    expect(k.receipt_to_available!.value).toBeGreaterThan(0);
    // Every received PO line is put away in the run's purchasing stream, each receipt paired with its own line's put-away.
    expect(k.receipt_to_available!.counts.pairs).toBe((await getReconciliation(store, 'purchasing')).purchaseLines.totals!.receivedLines);
    for (const id of ['order_cycle_time', 'touchless_order_rate', 'fill_rate', 'otif'] as const) expect(k[id]!.reason).toMatch(/^not computable: missing activity "Order Captured"/);
  });
});

describe('the cases behind each KPI (counted-by, not-counted-by)', () => {
  it('are exactly the cases each KPI counts and the others it considers, with a filter too', async () => {
    const cases = async (log: string, filter: Filter) => (await getOverview(store, log, filter)).cases;
    const onLog = async (log: string, filter: Filter = {}) => {
      const k = byId((await getKpis(store, log, filter)).kpis);
      const counted = (id: string) => cases(log, { ...filter, kpi: { id, counted: true } });
      const other = (id: string) => cases(log, { ...filter, kpi: { id, counted: false } });
      const c = (id: string) => k[id]!.counts;
      expect([await counted('exception_rate'), await other('exception_rate')]).toEqual([c('exception_rate').exceptional, c('exception_rate').orders! - c('exception_rate').exceptional!]);
      expect([await counted('touchless_order_rate'), await other('touchless_order_rate')]).toEqual([c('touchless_order_rate').touchless, c('touchless_order_rate').completed! - c('touchless_order_rate').touchless!]);
      expect(await counted('order_cycle_time')).toBe(c('order_cycle_time').orders);
      return k;
    };
    await onLog('orders');
    // On the linked log's order notion OTIF and the perfect order are computable: their judged orders split exactly.
    const k = await onLog('distributor@order');
    for (const id of ['otif', 'perfect_order_rate']) {
      const judged = k[id]!.counts.judged!;
      const counted = k[id]!.counts[id === 'otif' ? 'otif' : 'perfect']!;
      expect([await cases('distributor@order', { kpi: { id, counted: true } }), await cases('distributor@order', { kpi: { id, counted: false } })], id).toEqual([counted, judged - counted]);
    }
    // With a filter, the tile and its cases agree: the KPI's cases within the filter's.
    await onLog('orders', { attributes: [{ name: 'channel', op: 'equals', value: 'EDI' }] });
    await expect(cases('orders', { kpi: { id: 'fill_rate', counted: true } })).rejects.toThrow(/not a KPI with cases of its own/);
    await expect(cases('orders', { kpi: { id: 'otif', counted: true } })).rejects.toThrow(/otif cannot list its cases on this log: it lacks activity "Delivered"/);
  });
});

describe('reconciliation on the distributor', () => {
  it('finds exactly the planted discrepancies across the linked streams', async () => {
    const r = await getReconciliation(store, 'distributor', {}, { limit: 20 });
    // No line ships more than ordered; every shipment is invoiced as shipped; credit memos are the returned units.
    expect(r.orderLines.totals).toMatchObject({ overShippedLines: 0, overInvoicedLines: 0, underInvoicedLines: 0, credited: -truth.claims.returns.creditMemoUnits });
    expect(r.orderLines.shipments).toMatchObject({ mismatched: 0 });
    expect(r.orderLines.totals!.ordered).toBe(truth.claims.fillRate.unitsOrdered);
    expect(r.orderLines.variances).toHaveLength(20);
    // The lines are objects of the linked log: each is a case of its type's notion, where the dashboard opens its timeline.
    expect([r.orderLines.lineType, r.purchaseLines.lineType]).toEqual(['order line', 'PO line']);
    // Three-way match: the short SKU's invoiced lines are all mismatched, and every mismatch is one the log flags.
    const short = truth.claims.shortSkuInvoiceMismatch;
    const sku = r.purchaseLines.bySku.find((s) => s.sku === short.sku);
    expect(sku).toEqual({ sku: short.sku, lines: short.receivedLines, invoicedLines: short.invoicedLines, mismatchedLines: short.mismatchedLines, receivedShortLines: short.shortLines });
    expect(r.purchaseLines.totals).toMatchObject({ unexplainedLines: 0 });
    expect(r.purchaseLines.totals!.mismatchedLines).toBe(r.purchaseLines.totals!.flaggedLines);
    expect(r.purchaseLines.trend.reduce((s, w) => s + w.mismatchedLines, 0)).toBe(r.purchaseLines.totals!.mismatchedLines);
    // Stock: put away, allocated and the cycle-count adjustments per warehouse, and the book's movement from opening to ending on hand.
    const ledger = [...truth.claims.stockLedger.warehouses].sort((a, b) => (a.warehouse < b.warehouse ? -1 : 1));
    expect(r.stock.warehouses.map((w) => ({ warehouse: w.warehouse, putAway: w.putAway, allocated: w.allocated, adjustments: w.adjustments, shrinkage: w.shrinkage, found: w.found, bookMovement: w.bookMovement }))).toEqual(
      ledger.map((w) => ({ warehouse: w.warehouse, putAway: w.putAway, allocated: w.allocated, adjustments: w.cycleCountAdjustments, shrinkage: w.cycleCountShrinkage, found: w.cycleCountFound, bookMovement: w.endingOnHand - w.initial })),
    );
    for (const w of r.stock.warehouses) {
      const weeks = r.stock.trend.filter((t) => t.warehouse === w.warehouse);
      expect(weeks.reduce((s, t) => s + t.adjustments, 0)).toBe(w.adjustmentCount);
      expect(weeks.reduce((s, t) => s + t.units, 0)).toBe(w.adjustments);
    }
  });

  it('reads a case notion as its linked log, filters it by its cases, and agrees with orders.csv alone on the order lines', async () => {
    const linked = await getReconciliation(store, 'distributor', {}, { limit: 5 });
    expect(await getReconciliation(store, 'distributor@order', {}, { limit: 5 })).toEqual({ ...linked, log: 'distributor@order' });
    // The linked log has no cases to filter; its order notion does, and then reads the kept orders' events only.
    await expect(getReconciliation(store, 'distributor', { activities: { present: ['Shipped'] } })).rejects.toThrow(/filter one of its case notions/);
    const creditHeld = { activities: { present: ['Credit Hold'] } };
    const heldLinked = await getReconciliation(store, 'distributor@order', creditHeld, { limit: 5 });
    const heldFlat = await getReconciliation(store, 'orders', creditHeld, { limit: 5 });
    // In orders.csv a return is a case of its own (RMA-…), which the filter drops; linked, the order's credit memo names it.
    // Linked, the lines are objects (of type "order line"); flat, values of an attribute.
    expect([heldLinked.orderLines.lineType, heldFlat.orderLines.lineType]).toEqual(['order line', null]);
    const withoutCredits = (lines: typeof heldFlat.orderLines) => ({
      ...lines,
      lineType: null,
      totals: { ...lines.totals!, credited: 0 },
      variances: lines.variances.map((v) => ({ ...v, credited: 0 })),
    });
    expect(withoutCredits(heldLinked.orderLines)).toEqual(withoutCredits(heldFlat.orderLines));
    expect(heldFlat.orderLines.totals!.credited).toBe(0);
    expect(heldLinked.orderLines.totals!.credited).toBeLessThan(0);
    expect(heldLinked.orderLines.totals!.lines).toBeGreaterThan(0);
    expect(heldLinked.orderLines.totals!.lines).toBeLessThan(linked.orderLines.totals!.lines);
    // Orders hold no PO lines: the three-way match is empty there, not wrong.
    expect(heldLinked.purchaseLines.totals?.lines ?? 0).toBe(0);
    const flat = await getReconciliation(store, 'orders', {}, { limit: 5 });
    expect(flat.orderLines).toEqual({ ...linked.orderLines, lineType: null });
    expect(flat.purchaseLines.computable).toBe(false);
  });
});
