import { LATE_GRACE_MS, LATE_HORIZON_DAYS } from './sim/purchasing.ts';
import type { Scenario } from './scenario.ts';
import type { LedgerSummary } from './sim/inventory.ts';
import { MANUAL_RESOURCES, ORDER_EXCEPTIONS, type SimulationOptions } from './sim/simulation.ts';
import type { OpenOrder, Truth } from './sim/truth.ts';

/**
 * `ground-truth.json`: each planted effect with the measurable result the data
 * must show. Numbers are exact counts from the run where the effect is a
 * count, and planted rates with the observed value where it is a rate; the
 * tests recompute every one from the CSV files with plain SQL.
 */
export interface GroundTruth {
  generator: 'waybill distributor simulation';
  seed: number;
  period: { start: string; end: string; days: number };
  files: { orders: string; purchasing: string; shipments: string };
  events: { orders: number; purchasing: number; shipments: number; total: number };
  scenario: Scenario;
  definitions: {
    caseColumn: 'case_id';
    touchless: string;
    manualResourcePrefixes: string[];
    exceptionActivities: string[];
    lateReceipt: string;
  };
  claims: {
    creditReviewBottleneck: { effect: string; worstEdgeByMedian: { from: string; to: string }; creditHolds: number; mondayStaffShare: number };
    slowWarehousePicking: { effect: string; warehouse: string; minRatioToOthers: number; plantedFactor: number };
    lateSupplier: { effect: string; supplier: string; judgedPOs: number; latePOs: number; rate: number; plantedRate: number; othersMaxRate: number; promisedBefore: string };
    pricingDiscrepancyStep: { effect: string; fromWeek: number; weekStarts: string; before: Rate; after: Rate };
    ediRevalidation: { effect: string; orders: number; channels: string[] };
    shortSkuInvoiceMismatch: { effect: string; sku: string; receivedLines: number; shortLines: number; invoicedLines: number; mismatchedLines: number };
    openOrders: { effect: string; asOf: string; count: number; byStep: Record<string, number>; oldest: OpenOrder[] };
    touchlessOrders: { effect: string; completedOrders: number; touchless: number; orderNumberSum: number };
    returns: { effect: string; requested: number; creditMemoUnits: number };
    fillRate: { effect: string; unitsOrdered: number; unitsAllocatedAtPromise: number; rate: number };
    stockLedger: { effect: string; warehouses: LedgerSummary[] };
  };
}

interface Rate {
  orders: number;
  discrepancies: number;
  rate: number;
  planted: number;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** The manifest of a run, from the branches' merged `truth` and stock ledgers and the rows written per file. */
export function buildGroundTruth(
  options: SimulationOptions,
  truth: Truth,
  stockLedger: LedgerSummary[],
  events: { orders: number; purchasing: number; shipments: number },
): GroundTruth {
  const { scenario } = options;
  const late = truth.suppliers.get(scenario.suppliers.lateSupplier) ?? { eligible: 0, onTime: 0 };
  const sku = truth.skuReceipts.get(scenario.receipts.shortSku) ?? { lines: 0, short: 0, mismatched: 0, invoiced: 0 };
  const iso = (t: number): string => new Date(t).toISOString();
  const { before, after } = truth.pricing;
  return {
    generator: 'waybill distributor simulation',
    seed: options.seed,
    period: { start: iso(options.start), end: iso(options.end), days: (options.end - options.start) / 86_400_000 },
    files: { orders: 'orders.csv', purchasing: 'purchasing.csv', shipments: 'shipments.csv' },
    events: { ...events, total: events.orders + events.purchasing + events.shipments },
    scenario,
    definitions: {
      caseColumn: 'case_id',
      touchless: 'a paid order (has Payment Received) with no exception activity and no event by a manual resource; returns are cases of their own (case_id RMA-…, order_id the order) and do not count',
      manualResourcePrefixes: [...MANUAL_RESOURCES],
      exceptionActivities: [...ORDER_EXCEPTIONS],
      lateReceipt: `a PO with promised_date before lateSupplier.promisedBefore (${LATE_HORIZON_DAYS} days before the end) that has no Goods Received within ${LATE_GRACE_MS / 3_600_000} h after its promised_date`,
    },
    claims: {
      creditReviewBottleneck: {
        effect: 'the credit team is understaffed on Mondays, so holds queue for review: in the orders log (case_id, by timestamp) Credit Hold → Credit Released has the highest median of all directly-follows edges',
        worstEdgeByMedian: { from: 'Credit Hold', to: 'Credit Released' },
        creditHolds: truth.creditHolds,
        mondayStaffShare: scenario.credit.mondayStaffShare,
      },
      slowWarehousePicking: {
        effect: `${scenario.picking.slowWarehouse} picks each line ${scenario.picking.slowFactor}× slower on a single shift ending at ${scenario.picking.slowShiftEndHour}:00 UTC: lines released after the shift wait for the morning, so its mean time from Released to Warehouse to each Picked is at least the stated ratio of every other warehouse's`,
        warehouse: scenario.picking.slowWarehouse,
        minRatioToOthers: 3,
        plantedFactor: scenario.picking.slowFactor,
      },
      lateSupplier: {
        effect: `${scenario.suppliers.lateSupplier} delivers late on about ${scenario.suppliers.lateRate * 100} % of its POs (see definitions.lateReceipt); other suppliers stay under othersMaxRate`,
        supplier: scenario.suppliers.lateSupplier,
        judgedPOs: late.eligible,
        latePOs: late.eligible - late.onTime,
        rate: round(late.eligible === 0 ? 0 : (late.eligible - late.onTime) / late.eligible),
        plantedRate: scenario.suppliers.lateRate,
        othersMaxRate: Math.max(0.15, scenario.suppliers.otherLateRate * 3),
        promisedBefore: iso(options.end - LATE_HORIZON_DAYS * 86_400_000),
      },
      pricingDiscrepancyStep: {
        effect: `the share of orders with a Pricing Discrepancy steps up from week ${scenario.pricing.stepWeek} of the period (by capture time)`,
        fromWeek: scenario.pricing.stepWeek,
        weekStarts: iso(options.start + (scenario.pricing.stepWeek - 1) * 7 * 86_400_000),
        before: { ...before, rate: round(before.orders === 0 ? 0 : before.discrepancies / before.orders), planted: scenario.pricing.rateBefore },
        after: { ...after, rate: round(after.orders === 0 ? 0 : after.discrepancies / after.orders), planted: scenario.pricing.rateAfter },
      },
      ediRevalidation: {
        effect: 'EDI orders with a pricing discrepancy are validated a second time (a rework loop); no other channel repeats Order Validated',
        orders: truth.ediRevalidated,
        channels: ['EDI'],
      },
      shortSkuInvoiceMismatch: {
        effect: `${scenario.receipts.shortSku} is always received short, so each of its invoiced PO lines is an Invoice Mismatched`,
        sku: scenario.receipts.shortSku,
        receivedLines: sku.lines,
        shortLines: sku.short,
        invoicedLines: sku.invoiced,
        mismatchedLines: sku.mismatched,
      },
      openOrders: {
        effect: 'orders not paid when the period ends, by the activity of their last event, and the oldest with their age at the end of the period',
        asOf: iso(options.end),
        count: truth.openCount,
        byStep: truth.openByStep,
        oldest: truth.oldestOpen,
      },
      touchlessOrders: {
        effect: 'paid orders with no manual or exception event (see definitions); the set is fingerprinted by its size and the sum of its order numbers (SO-<number>)',
        completedOrders: truth.completed,
        touchless: truth.touchless,
        orderNumberSum: truth.touchlessNumberSum,
      },
      returns: {
        effect: `about ${scenario.returns.rate * 100} % of deliveries have a line returned: Return Requested → Return Received → Return Inspected → Return Disposition → Credit Memo (quantity_invoiced negative), each a case of its own: case_id RMA-…, order_id the order`,
        requested: truth.returns,
        creditMemoUnits: truth.creditMemoUnits,
      },
      fillRate: {
        effect: 'units allocated at promise (Line Allocated) over units ordered (one quantity_ordered per line)',
        unitsOrdered: truth.unitsOrdered,
        unitsAllocatedAtPromise: truth.unitsAllocatedAtPromise,
        rate: round(truth.unitsOrdered === 0 ? 0 : truth.unitsAllocatedAtPromise / truth.unitsOrdered),
      },
      stockLedger: {
        effect: 'per warehouse: initial + put away (Put Away quantity_received) − allocated (Line Allocated + Backorder Allocated) = ending on hand; count adjustments are the units short picks found missing',
        warehouses: stockLedger,
      },
    },
  };
}
