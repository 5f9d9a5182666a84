import { LATE_GRACE_MS, LATE_HORIZON_DAYS } from './sim/purchasing.ts';
import type { Scenario } from './scenario.ts';
import type { LedgerSummary } from './sim/inventory.ts';
import { MANUAL_RESOURCES, ORDER_EXCEPTIONS, OTIF_HORIZON_DAYS, type SimulationOptions } from './sim/simulation.ts';
import { type OpenOrder, OTIF_DRIVERS, type OtifDriver, type Truth } from './sim/truth.ts';

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
    otif: string;
    perfectOrder: string;
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
    otif: {
      effect: string;
      judgedPromisedBy: string;
      judged: number;
      otif: number;
      rate: number;
      drivers: Record<OtifDriver, OtifGroup>;
      /** The drivers whose orders' OTIF rate is at least `driverMargin` below the rest's: the ones the effect names. */
      lowerFor: OtifDriver[];
      driverMargin: number;
    };
    perfectOrders: { effect: string; judged: number; perfect: number; rate: number };
    stockLedger: { effect: string; warehouses: LedgerSummary[] };
  };
}

/** The judged orders a planted driver touches, how many were OTIF, and the OTIF rate of the judged orders it does not touch. */
interface OtifGroup {
  judged: number;
  otif: number;
  rate: number;
  othersRate: number;
}

interface Rate {
  orders: number;
  discrepancies: number;
  rate: number;
  planted: number;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const share = (part: number, whole: number): number => round(whole === 0 ? 0 : part / whole);

/** How much lower a driver's OTIF rate must be than the rest's for the effect to name it. */
const OTIF_DRIVER_MARGIN = 0.05;

/** How each OTIF driver reads in the claim's effect. */
const DRIVER_TEXT: Record<OtifDriver, string> = {
  lateSupplierBackorder: "orders with a line backordered on the late supplier's SKU",
  deliveryFailed: 'orders with a failed delivery',
  slowWarehouse: "the slow warehouse's orders",
};

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
  const { otif } = truth;
  const drivers = Object.fromEntries(
    OTIF_DRIVERS.map((driver) => {
      const group = otif.drivers[driver];
      return [driver, { ...group, rate: share(group.otif, group.judged), othersRate: share(otif.otif - group.otif, otif.judged - group.judged) }];
    }),
  ) as Record<OtifDriver, OtifGroup>;
  // Only drivers the numbers bear out are named, so the text holds for any seed and scenario.
  const lowerFor = OTIF_DRIVERS.filter((d) => drivers[d].judged > 0 && drivers[d].rate <= drivers[d].othersRate - OTIF_DRIVER_MARGIN);
  const lowering = lowerFor.map((d) => DRIVER_TEXT[d]);
  const judgedPromisedBy = iso(options.end - OTIF_HORIZON_DAYS * 86_400_000).slice(0, 10);
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
      otif: `on time in full: a sales order is judged when its promised_date is on or before otif.judgedPromisedBy (${OTIF_HORIZON_DAYS} days before the end); it is OTIF when each of its lines has total quantity_shipped equal to quantity_ordered and every shipment with its order_id (shipments.csv) has a Delivered event before the end of the promised date (midnight UTC after it)`,
      perfectOrder: 'a judged order that is OTIF, has no exception activity (exceptionActivities) in its case, no Delivery Failed on any of its shipments, total quantity_invoiced in its case equal to total quantity_shipped, and no return (no RMA-… case with its order_id)',
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
      otif: {
        effect: `sales orders on time in full (see definitions.otif)${lowering.length === 0 ? '' : `; OTIF is at least ${OTIF_DRIVER_MARGIN * 100} points lower for ${lowering.join(' and for ')} than for the other judged orders (drivers: rate against othersRate)`}`,
        judgedPromisedBy,
        judged: otif.judged,
        otif: otif.otif,
        rate: share(otif.otif, otif.judged),
        drivers,
        lowerFor,
        driverMargin: OTIF_DRIVER_MARGIN,
      },
      perfectOrders: {
        effect: 'judged orders that are perfect (see definitions.perfectOrder): OTIF with no exception, failed delivery, invoice gap or return',
        judged: otif.judged,
        perfect: otif.perfect,
        rate: share(otif.perfect, otif.judged),
      },
      stockLedger: {
        effect:
          `per warehouse: initial + put away (Put Away quantity_received) − allocated (Line Allocated + Backorder Allocated) + cycle-count adjustments = ending on hand. ` +
          `Each weekday about ${scenario.cycleCounts.skusPerDay} SKUs are counted; about ${scenario.cycleCounts.discrepancyRate * 100} % of counts find a discrepancy, booked as a Cycle Count Adjusted row in purchasing.csv (case_id CC-…, signed quantity_adjusted): ` +
          'cycleCountAdjustments is their sum, cycleCountShrinkage and cycleCountFound the units of the negative and positive ones. shortPickUnits are the units short picks found missing (already allocated, so outside the balance); countAdjustments = cycleCountAdjustments − shortPickUnits',
        warehouses: stockLedger,
      },
    },
  };
}
