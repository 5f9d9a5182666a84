import { ALWAYS, BILLING_RUN, type Calendar, isOpen, nextWorkingTime, OFFICE, SECOND_MS, WAREHOUSE } from './calendar.ts';
import {
  CHANNELS,
  type Channel,
  type Customer,
  type MasterData,
  type PaymentBehaviour,
  pool,
  type Sku,
  TIERS,
  type Warehouse,
} from './master-data.ts';
import type { Random } from './random.ts';

/**
 * The order-to-cash process as a small step model: an order is drawn with its
 * exceptions decided up front (the planted ground truth), then walks a fixed
 * list of steps, each saying whether the order passes through it, how long the
 * order waits before it, on which working calendar, and who performs it.
 */

/** Every activity the log can hold, in process order. */
export const ACTIVITIES = [
  'Order Captured',
  'Order Validated',
  'Pricing Discrepancy',
  'Credit Check',
  'Credit Hold',
  'Credit Released',
  'Inventory Shortage',
  'Inventory Allocated',
  'Released to Warehouse',
  'Picked',
  'Packed',
  'Shipped',
  'Invoiced',
  'Payment Received',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** Chance that an EDI order's prices disagree with the contract, forcing re-validation. */
export const EDI_PRICING_DISCREPANCY_RATE = 0.18;
/** Chance that an order finds too little stock and waits for replenishment. */
export const INVENTORY_SHORTAGE_RATE = 0.08;

/** A sales order (one line) with the exceptions it will meet. */
export interface Order {
  readonly id: string;
  readonly capturedAt: number;
  readonly channel: Channel;
  readonly customer: Customer;
  readonly warehouse: Warehouse;
  readonly sku: Sku;
  readonly quantity: number;
  /** Quantity × unit price, in currency units rounded to cents. */
  readonly value: number;
  readonly pricingDiscrepancy: boolean;
  readonly creditHold: boolean;
  readonly inventoryShortage: boolean;
  readonly payment: PaymentBehaviour;
}

/** One row of the log: `time` is epoch milliseconds (UTC, whole seconds). */
export interface OrderToCashEvent {
  readonly order: Order;
  readonly activity: Activity;
  readonly time: number;
  readonly resource: string;
}

/**
 * Draws order number `index` captured at `capturedAt` (epoch ms): its customer,
 * channel, item and exceptions. Customers who usually phone in use the portal
 * when the order desk is closed, so no Inside Sales order is captured at night.
 */
export function drawOrder(index: number, capturedAt: number, master: MasterData, rng: Random): Order {
  const customer = master.customers.draw(rng);
  const tier = TIERS[customer.tier];
  let channel = rng.chance(0.85) ? customer.usualChannel : rng.pick(CHANNELS);
  if (channel === 'Inside Sales' && !isOpen(capturedAt, OFFICE)) channel = 'Portal';
  const sku = master.skus.draw(rng);
  const quantity = Math.max(1, Math.round(rng.lognormal(tier.medianQuantity, 0.8)));
  return {
    id: `SO-${1000001 + index}`,
    capturedAt,
    channel,
    customer,
    warehouse: customer.warehouse,
    sku,
    quantity,
    value: Math.round(quantity * sku.unitPrice * 100) / 100,
    pricingDiscrepancy: channel === 'EDI' && rng.chance(EDI_PRICING_DISCREPANCY_RATE),
    creditHold: rng.chance(tier.creditHoldRate),
    inventoryShortage: rng.chance(INVENTORY_SHORTAGE_RATE),
    payment: customer.payment,
  };
}

/** One step of the flow. */
export interface Step {
  readonly activity: Activity;
  /** Whether the order passes through this step; always when omitted. */
  readonly when?: (order: Order) => boolean;
  /** Seconds the order waits after its previous event before this step can happen. */
  readonly waitSeconds: (order: Order, rng: Random) => number;
  /** When the performer works; a wait ending outside it moves to the next opening. */
  readonly calendar: (order: Order) => Calendar;
  readonly resource: (order: Order, rng: Random) => string;
}

const minutes = (n: number): number => n * 60;
const hours = (n: number): number => n * 3600;
const days = (n: number): number => n * 86400;

const always = (): Calendar => ALWAYS;
const office = (): Calendar => OFFICE;
const warehouse = (): Calendar => WAREHOUSE;
const system = (name: string) => (): string => name;
const anyOf = (people: readonly string[]) => (_order: Order, rng: Random): string => rng.pick(people);

const SALES_REPS = pool('sales.rep', 8);
const ORDER_DESK = pool('orderdesk.clerk', 6);
const PRICING = pool('pricing.analyst', 3);
const CREDIT = pool('credit.analyst', 4);
const RECEIVABLES = pool('ar.clerk', 3);

/** Channels whose orders are validated by the rules engine, not by a clerk. */
const isAutomated = (order: Order): boolean => order.channel === 'EDI' || order.channel === 'eCommerce';

function captureResource(order: Order, rng: Random): string {
  switch (order.channel) {
    case 'EDI':
      return 'edi.gateway';
    case 'eCommerce':
      return 'web.store';
    case 'Portal':
      return 'customer.portal';
    case 'Inside Sales':
      return rng.pick(SALES_REPS);
  }
}

const PAYMENT_WAIT: Readonly<Record<PaymentBehaviour, (rng: Random) => number>> = {
  prompt: (rng) => rng.lognormal(hours(16), 0.5),
  discount: (rng) => rng.lognormal(days(8), 0.15),
  net30: (rng) => rng.lognormal(days(33), 0.2),
};

/**
 * The order-to-cash flow. Planted facts: credit hold → release is the slowest
 * handoff by median (about three days); the ATL warehouse picks slowest (see
 * `WAREHOUSE_SPECS`); EDI orders with a pricing discrepancy are validated twice.
 */
export const ORDER_TO_CASH_STEPS: readonly Step[] = [
  { activity: 'Order Captured', waitSeconds: () => 0, calendar: always, resource: captureResource },
  {
    activity: 'Order Validated',
    waitSeconds: (o, rng) => (isAutomated(o) ? rng.lognormal(90, 0.6) : rng.lognormal(minutes(35), 0.8)),
    calendar: (o) => (isAutomated(o) ? ALWAYS : OFFICE),
    resource: (o, rng) => (isAutomated(o) ? 'validation.engine' : rng.pick(ORDER_DESK)),
  },
  {
    activity: 'Pricing Discrepancy',
    when: (o) => o.pricingDiscrepancy,
    waitSeconds: (_o, rng) => rng.lognormal(hours(2), 0.8),
    calendar: office,
    resource: anyOf(PRICING),
  },
  {
    // Re-validation once the customer confirms or resends the prices.
    activity: 'Order Validated',
    when: (o) => o.pricingDiscrepancy,
    waitSeconds: (_o, rng) => rng.lognormal(hours(5), 0.8),
    calendar: office,
    resource: anyOf(ORDER_DESK),
  },
  {
    activity: 'Credit Check',
    waitSeconds: (_o, rng) => rng.lognormal(minutes(4), 0.6),
    calendar: always,
    resource: system('credit.engine'),
  },
  {
    activity: 'Credit Hold',
    when: (o) => o.creditHold,
    waitSeconds: (_o, rng) => rng.lognormal(30, 0.5),
    calendar: always,
    resource: system('credit.engine'),
  },
  {
    // Waits for the customer to pay past-due invoices or for a limit increase.
    activity: 'Credit Released',
    when: (o) => o.creditHold,
    waitSeconds: (_o, rng) => rng.lognormal(days(3), 0.6),
    calendar: office,
    resource: anyOf(CREDIT),
  },
  {
    activity: 'Inventory Shortage',
    when: (o) => o.inventoryShortage,
    waitSeconds: (_o, rng) => rng.lognormal(minutes(3), 0.6),
    calendar: always,
    resource: system('allocation.engine'),
  },
  {
    // After a shortage, allocation waits for a replenishment receipt at the warehouse.
    activity: 'Inventory Allocated',
    waitSeconds: (o, rng) => (o.inventoryShortage ? rng.lognormal(hours(22), 0.7) : rng.lognormal(minutes(5), 0.6)),
    calendar: (o) => (o.inventoryShortage ? WAREHOUSE : ALWAYS),
    resource: system('allocation.engine'),
  },
  {
    activity: 'Released to Warehouse',
    waitSeconds: (_o, rng) => rng.lognormal(hours(1.5), 0.8),
    calendar: warehouse,
    resource: (o, rng) => rng.pick(o.warehouse.planners),
  },
  {
    activity: 'Picked',
    waitSeconds: (o, rng) => rng.lognormal(hours(o.warehouse.pickMedianHours), 0.7),
    calendar: warehouse,
    resource: (o, rng) => rng.pick(o.warehouse.pickers),
  },
  {
    activity: 'Packed',
    waitSeconds: (_o, rng) => rng.lognormal(minutes(40), 0.6),
    calendar: warehouse,
    resource: (o, rng) => rng.pick(o.warehouse.packers),
  },
  {
    // Waits for the carrier's pickup.
    activity: 'Shipped',
    waitSeconds: (_o, rng) => rng.lognormal(hours(3), 0.7),
    calendar: warehouse,
    resource: (o, rng) => rng.pick(o.warehouse.dock),
  },
  {
    activity: 'Invoiced',
    waitSeconds: (_o, rng) => rng.lognormal(minutes(10), 0.5),
    calendar: () => BILLING_RUN,
    resource: system('billing.batch'),
  },
  {
    activity: 'Payment Received',
    waitSeconds: (o, rng) => PAYMENT_WAIT[o.payment](rng),
    calendar: (o) => (o.payment === 'prompt' ? ALWAYS : OFFICE),
    resource: (o, rng) => (o.payment === 'prompt' ? 'payments.gateway' : rng.pick(RECEIVABLES)),
  },
];

/**
 * The events of one order in time order. The order stops, still open, at the
 * first step that would fall at or after `periodEnd` (epoch ms).
 */
export function* orderEvents(
  order: Order,
  periodEnd: number,
  rng: Random,
  steps: readonly Step[] = ORDER_TO_CASH_STEPS,
): Generator<OrderToCashEvent, void, undefined> {
  let time = order.capturedAt;
  for (const step of steps) {
    if (step.when !== undefined && !step.when(order)) continue;
    const waited = time + Math.round(step.waitSeconds(order, rng)) * SECOND_MS;
    time = nextWorkingTime(waited, step.calendar(order), rng);
    if (time >= periodEnd) return;
    yield { order, activity: step.activity, time, resource: step.resource(order, rng) };
  }
}
