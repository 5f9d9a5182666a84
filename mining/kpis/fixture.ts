import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
/**
 * A small distributor log, every KPI and reconciliation number checked by hand
 * (all in warehouse W1, times UTC):
 * - O1 (EDI, touchless): 10 ordered, allocated and shipped in S1, invoiced 10, delivered 01-05 22:00, paid after 86400 s.
 * - O2 (sales rep, credit hold 01:00 → released 03:00 = 7200 s): 4 ordered, 2 allocated, 2 backordered;
 *   2 shipped in S2 but S2 invoiced 1; delivered 01-07 10:00; paid after 259200 s.
 * - O3 (order desk, pricing discrepancy): open, no lines.
 * - O4 (web, touchless): 5 ordered, allocated, shipped in S4, invoiced 5, delivered 01-06 09:00, paid after 172800 s;
 *   returned (RMA-1, order_id O4, a credit memo of −2).
 * - PO-1: line PO-1-1 ordered 10, received 8 (put away after 3600 s), invoiced 10 (Invoice Mismatched);
 *   line PO-1-2 ordered 5, received 5 (put away after 1800 s), invoiced 5 (Invoice Matched).
 * - Cycle counts: CC-1 −3 of A (week of 01-05), CC-2 +1 of B (week of 01-12).
 * All promised dates are 2026-01-07 (end 2026-01-08T00:00Z).
 */
const HEADER = 'case_id,order_id,activity,timestamp,resource,order_line_id,po_line_id,sku,warehouse,quantity_ordered,quantity_allocated,quantity_shipped,quantity_invoiced,quantity_received,quantity_adjusted,promised_date,shipment_id';

type Row = [caseId: string, activity: string, at: string, resource: string, fields?: Partial<Record<'order' | 'line' | 'poLine' | 'sku' | 'ordered' | 'allocated' | 'shipped' | 'invoiced' | 'received' | 'adjusted' | 'promised' | 'shipment', string | number>>];

const P = '2026-01-07';
const ROWS: Row[] = [
  ['O1', 'Order Captured', '01-05T00:00', 'edi.gateway'],
  ['O1', 'Line Allocated', '01-05T00:10', 'allocation.engine', { line: 'O1-1', sku: 'A', ordered: 10, allocated: 10, promised: P }],
  ['O1', 'Shipped', '01-05T12:00', 'wh.dock', { line: 'O1-1', sku: 'A', ordered: 10, shipped: 10, promised: P, shipment: 'S1' }],
  ['O1', 'Invoiced', '01-05T20:00', 'billing.batch', { invoiced: 10, promised: P, shipment: 'S1' }],
  ['O1', 'Delivered', '01-05T22:00', 'carrier', { promised: P, shipment: 'S1' }],
  ['O1', 'Payment Received', '01-06T00:00', 'payments.gateway', { promised: P }],
  ['O2', 'Order Captured', '01-05T00:00', 'sales.rep.1'],
  ['O2', 'Credit Hold', '01-05T01:00', 'credit.engine'],
  ['O2', 'Credit Released', '01-05T03:00', 'credit.analyst.1'],
  ['O2', 'Line Allocated', '01-05T03:10', 'allocation.engine', { line: 'O2-1', sku: 'B', ordered: 4, allocated: 2, promised: P }],
  ['O2', 'Backordered', '01-05T03:10', 'allocation.engine', { line: 'O2-1', sku: 'B', ordered: 4, promised: P }],
  ['O2', 'Shipped', '01-06T00:00', 'wh.dock', { line: 'O2-1', sku: 'B', ordered: 4, shipped: 2, promised: P, shipment: 'S2' }],
  ['O2', 'Invoiced', '01-06T20:00', 'billing.batch', { invoiced: 1, promised: P, shipment: 'S2' }],
  ['O2', 'Delivered', '01-07T10:00', 'carrier', { promised: P, shipment: 'S2' }],
  ['O2', 'Payment Received', '01-08T00:00', 'ar.clerk.1', { promised: P }],
  ['O3', 'Order Captured', '01-06T00:00', 'orderdesk.clerk.1'],
  ['O3', 'Pricing Discrepancy', '01-06T02:00', 'pricing.analyst.2'],
  ['O4', 'Order Captured', '01-05T00:00', 'web.store'],
  ['O4', 'Line Allocated', '01-05T00:05', 'allocation.engine', { line: 'O4-1', sku: 'A', ordered: 5, allocated: 5, promised: P }],
  ['O4', 'Shipped', '01-05T12:00', 'wh.dock', { line: 'O4-1', sku: 'A', ordered: 5, shipped: 5, promised: P, shipment: 'S4' }],
  ['O4', 'Invoiced', '01-05T20:00', 'billing.batch', { invoiced: 5, promised: P, shipment: 'S4' }],
  ['O4', 'Delivered', '01-06T09:00', 'carrier', { promised: P, shipment: 'S4' }],
  ['O4', 'Payment Received', '01-07T00:00', 'payments.gateway', { promised: P }],
  ['RMA-1', 'Return Requested', '01-07T06:00', 'customer.portal', { order: 'O4', line: 'O4-1', sku: 'A', ordered: 5, promised: P }],
  ['RMA-1', 'Credit Memo', '01-08T00:00', 'ar.clerk.1', { order: 'O4', line: 'O4-1', sku: 'A', ordered: 5, invoiced: -2, promised: P }],
  ['PO-1', 'Goods Received', '01-05T08:00', 'wh.receiver', { poLine: 'PO-1-1', sku: 'A', ordered: 10, received: 8 }],
  ['PO-1', 'Goods Received', '01-05T08:00', 'wh.receiver', { poLine: 'PO-1-2', sku: 'B', ordered: 5, received: 5 }],
  ['PO-1', 'Put Away', '01-05T08:30', 'wh.receiver', { poLine: 'PO-1-2', sku: 'B', ordered: 5, received: 5 }],
  ['PO-1', 'Put Away', '01-05T09:00', 'wh.receiver', { poLine: 'PO-1-1', sku: 'A', ordered: 10, received: 8 }],
  ['PO-1', 'Invoice Mismatched', '01-07T10:00', 'ap.clerk', { poLine: 'PO-1-1', sku: 'A', ordered: 10, received: 8, invoiced: 10 }],
  ['PO-1', 'Invoice Matched', '01-07T10:00', 'ap.clerk', { poLine: 'PO-1-2', sku: 'B', ordered: 5, received: 5, invoiced: 5 }],
  ['CC-1', 'Cycle Count Adjusted', '01-06T10:00', 'wh.counter', { sku: 'A', adjusted: -3 }],
  ['CC-2', 'Cycle Count Adjusted', '01-13T10:00', 'wh.counter', { sku: 'B', adjusted: 1 }],
];

/** The fixture as CSV; `deliveries: false` leaves out the carrier's Delivered rows (an orders log alone). */
export function distributorFixtureCsv({ deliveries = true } = {}): string {
  const lines = ROWS.filter((row) => deliveries || row[1] !== 'Delivered').map(([caseId, activity, at, resource, f = {}]) => {
    const order = f.order ?? (caseId.startsWith('O') ? caseId : '');
    const v = (x: string | number | undefined) => (x === undefined ? '' : String(x));
    return [caseId, order, activity, `2026-${at}:00Z`, resource, v(f.line), v(f.poLine), v(f.sku), 'W1', v(f.ordered), v(f.allocated), v(f.shipped), v(f.invoiced), v(f.received), v(f.adjusted), v(f.promised), v(f.shipment)].join(',');
  });
  return `${HEADER}\n${lines.join('\n')}\n`;
}

/** A store holding the fixture as `full` (with the carrier's Delivered rows) and `plain` (without), for the KPI tests. */
export async function kpiFixtureStore(): Promise<{ store: Store; remove: () => void }> {
  const made = await tempStore('waybill-kpi-');
  await ingestFile(made.store, writeFixture(made.dir, 'full.csv', distributorFixtureCsv()), { name: 'full' });
  await ingestFile(made.store, writeFixture(made.dir, 'plain.csv', distributorFixtureCsv({ deliveries: false })), { name: 'plain' });
  return { store: made.store, remove: made.remove };
}
