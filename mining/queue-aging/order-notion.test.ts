import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GroundTruth, writeDistributorCsv } from '../../datasets/distributor/index.ts';
import { ingestLinkedFiles, parseObjectKeys } from '../../ingest/index.ts';
import { queryRows, withConnection, type Store } from '../../store/db.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { getQueueAging } from './index.ts';

/**
 * The simulated distributor's three streams linked by their keys (as README's
 * "Object-centric logs"), analysed on the order notion: an order's case holds its
 * shipments' carrier events and its returns too, so a delivery often comes after the
 * payment, and a return's credit memo before it.
 */
const KEYS = parseObjectKeys(['order=order_id', 'order line=order_line_id', 'order line=order_line_ids[]', 'purchase order=po_id', 'PO line=po_line_id', 'shipment=shipment_id']);
const LOG = 'distributor@order';

let store: Store;
let truth: GroundTruth;
let remove: () => void;
beforeAll(async () => {
  let dir: string;
  ({ store, dir, remove } = await tempStore());
  await writeDistributorCsv(join(dir, 'sim'), { seed: 4, orders: 800, days: 21 });
  truth = JSON.parse(readFileSync(join(dir, 'sim', 'ground-truth.json'), 'utf8')) as GroundTruth;
  await ingestLinkedFiles(store, ['orders.csv', 'purchasing.csv', 'shipments.csv'].map((f) => join(dir, 'sim', f)), { name: 'distributor', objects: KEYS });
}, 120_000);
afterAll(() => remove());

/** Per order of the notion: its last event at or before asOf, and whether it was paid by then. */
const orders = (asOf: string) =>
  withConnection(store, (c) =>
    queryRows<{ name: string; activity: string; paid: boolean; delivered_after_paid: boolean }>(
      c,
      `WITH ev AS (
         SELECT c.name, a.name AS activity, e.ts, e.position FROM events e
         JOIN logs l ON l.log_id = e.log_id AND l.name = $log
         JOIN cases c ON c.log_id = e.log_id AND c.case_id = e.case_id
         JOIN activities a ON a.log_id = e.log_id AND a.activity_id = e.activity_id
         WHERE e.ts <= $as_of::TIMESTAMPTZ)
       SELECT name, arg_max(activity, position) AS activity, bool_or(activity = 'Payment Received') AS paid,
              coalesce(max(ts) FILTER (WHERE activity = 'Delivered') > min(ts) FILTER (WHERE activity = 'Payment Received'), false) AS delivered_after_paid
       FROM ev GROUP BY name`,
      { log: LOG, as_of: asOf },
    ),
  );

describe('queue aging on the order notion of the linked distributor', () => {
  it("ends an order with its payment, not a shipment step: the manifest's open orders, and no paid order open", async () => {
    const claim = truth.claims.openOrders;
    const result = await getQueueAging(store, LOG, {}, { asOf: claim.asOf, oldest: 1000 });
    expect(result).toMatchObject({ endActivitiesSource: 'distribution', endActivities: ['Payment Received'] });
    // A return's credit memo is no order's end here: orders are paid after it.
    expect(result.rule.text).toMatch(/Credit Memo is no end here: \d+ of the \d+ cases it occurs in are paid after it\./);
    // The same open orders as the simulator's own count (on the flat order stream, by step 'Invoiced' rather than 'Delivered').
    expect(result.openCases).toBe(claim.count);
    const all = await orders(claim.asOf);
    const unpaid = all.filter((o) => !o.paid);
    expect(result.openCases).toBe(unpaid.length);
    expect(result.oldest.length).toBe(result.openCases);
    const open = new Set(result.oldest.map((o) => o.case));
    expect(unpaid.every((o) => open.has(o.name))).toBe(true);
    // Orders delivered after they were paid: waiting in "Delivered" under the old rule, closed now.
    const deliveredAfterPaid = all.filter((o) => o.delivered_after_paid);
    expect(deliveredAfterPaid.length).toBeGreaterThan(100);
    expect(deliveredAfterPaid.some((o) => open.has(o.name))).toBe(false);
    expect(all.filter((o) => o.paid && o.activity === 'Delivered').length).toBeGreaterThan(100);
    // The steps are the unpaid orders' last events.
    const bySteps = new Map<string, number>();
    for (const o of unpaid) bySteps.set(o.activity, (bySteps.get(o.activity) ?? 0) + 1);
    expect(Object.fromEntries(result.steps.map((s) => [s.activity, s.count]))).toEqual(Object.fromEntries(bySteps));
  });

  it('in the middle of the period, closes the orders paid by then, whatever follows', async () => {
    const asOf = '2026-01-15T12:00:00Z';
    const result = await getQueueAging(store, LOG, {}, { asOf, oldest: 1000 });
    const all = await orders(asOf);
    expect(result.openCases).toBe(all.filter((o) => !o.paid).length);
    expect(result.oldest.length).toBe(result.openCases);
    const paid = new Set(all.filter((o) => o.paid).map((o) => o.name));
    expect(result.oldest.some((o) => paid.has(o.case))).toBe(false);
  });
});
