import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../datasets/distributor/index.ts';
import type { Store } from '../../store/db.ts';
import { distributorStore } from '../../test-support/distributor-store.ts';
import { getExceptionTrends } from './index.ts';

/** Exception trends on the simulated distributor (seed 2026, 6000 orders) against its planted truth. */

let store: Store;
let remove: () => void;
let truth: GroundTruth;

beforeAll(async () => {
  ({ store, truth, remove } = await distributorStore(['orders', 'purchasing', 'shipments']));
}, 60_000);

afterAll(() => remove?.());

const round = (x: number) => Math.round(x * 10_000) / 10_000;

describe('exception trends on the distributor', () => {
  it('detects the pricing-discrepancy step-up in the planted week, with the manifest’s rates before and after', async () => {
    const claim = truth.claims.pricingDiscrepancyStep;
    // The manifest counts orders (cases with Order Validated) by the week they were captured: periods by case start.
    const result = await getExceptionTrends(store, 'orders', { activities: { present: ['Order Validated'] } }, { period: 'week', periodBy: 'case-start' });
    expect(result.cases).toBe(claim.before.orders + claim.after.orders);
    const pricing = result.types.find((t) => t.type === 'Pricing discrepancy')!;
    expect(pricing.step).toMatchObject({
      start: claim.weekStarts,
      before: { population: claim.before.orders, cases: claim.before.discrepancies },
      after: { population: claim.after.orders, cases: claim.after.discrepancies },
      significant: true,
    });
    expect(round(pricing.step!.before.rate)).toBe(claim.before.rate);
    expect(round(pricing.step!.after.rate)).toBe(claim.after.rate);
    expect(pricing.changes.filter((c) => c.kind === 'step-up' || c.kind === 'step-down')).toEqual([
      expect.objectContaining({ start: claim.weekStarts, kind: 'step-up' }),
    ]);
    // The weeks before the step add up to the manifest's "before", the weeks from it to its "after".
    const before = pricing.series.filter((p) => p.start < claim.weekStarts);
    expect(before.reduce((s, p) => s + p.cases, 0)).toBe(claim.before.discrepancies);
    expect(before).toHaveLength(claim.fromWeek - 1);
  });

  it('uses the distribution exceptions by default, per stream', async () => {
    const orders = await getExceptionTrends(store, 'orders');
    expect(orders.types.map((t) => t.type)).toEqual(['Pricing discrepancy', 'Credit hold', 'Backorder', 'Substitution', 'Short pick', 'Return']);
    expect(orders.types.find((t) => t.type === 'Credit hold')!.total).toBe(truth.claims.creditReviewBottleneck.creditHolds);
    expect(orders.types.find((t) => t.type === 'Return')!.total).toBe(truth.claims.returns.requested);
    expect(orders.definitions.drivers).toEqual(['warehouse', 'channel', 'customer']);
    const purchasing = await getExceptionTrends(store, 'purchasing');
    expect(purchasing.types.map((t) => t.type)).toEqual(['Receipt discrepancy', 'Invoice mismatch']);
    expect(purchasing.definitions.drivers).toEqual(['warehouse', 'supplier']);
    const shipments = await getExceptionTrends(store, 'shipments', {}, { period: 'month', periodBy: 'event' });
    expect(shipments.types.map((t) => t.type)).toEqual(['Delivery failed']);
    expect(shipments.definitions.drivers).toEqual(['warehouse', 'customer', 'carrier']);
  });

  it('names the customer tier with the highest planted credit-hold rate as the first driver of credit holds', async () => {
    const { holdRate } = truth.scenario.credit;
    const riskiest = Object.entries(holdRate).sort((a, b) => b[1] - a[1])[0]![0];
    const result = await getExceptionTrends(store, 'orders', { activities: { present: ['Order Validated'] } }, { exceptions: [{ type: 'Credit hold', activities: ['Credit Hold'] }], drivers: ['customer_tier'] });
    const [tier] = result.types[0]!.drivers[0]!.values;
    expect(tier).toMatchObject({ value: riskiest, significant: true });
    expect(tier!.lift).toBeGreaterThan(1.5);
  });
});
