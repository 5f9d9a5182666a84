import { Random, Weighted } from './random.ts';

/**
 * The synthetic distributor's master data: who orders (customers in ABC tiers),
 * what (SKUs with a long-tailed popularity), and from where (three warehouses).
 * The behaviour that the generator plants lives here as plain numbers, so a
 * ground-truth manifest or a test can read it instead of repeating it.
 */

export const CHANNELS = ['EDI', 'Portal', 'eCommerce', 'Inside Sales'] as const;
export type Channel = (typeof CHANNELS)[number];

export type CustomerTier = 'A' | 'B' | 'C';

/**
 * How a customer pays: `prompt` by card or direct debit (settled within a day
 * or two), `discount` within the 2/10 early-payment window, `net30` at terms.
 */
export type PaymentBehaviour = 'prompt' | 'discount' | 'net30';

/** The ordering and credit profile of a customer tier (ABC segmentation by revenue). */
export interface TierProfile {
  /** Share of customers in the tier. */
  readonly customerShare: number;
  /** Relative order frequency of one customer of the tier. */
  readonly orderRate: number;
  /** Chance that credit check puts an order of this tier on hold. */
  readonly creditHoldRate: number;
  /** Median units per order. */
  readonly medianQuantity: number;
  /** Relative weights of the customer's usual ordering channel. */
  readonly channels: readonly (readonly [Channel, number])[];
  readonly payment: readonly (readonly [PaymentBehaviour, number])[];
}

export const TIERS: Readonly<Record<CustomerTier, TierProfile>> = {
  A: {
    customerShare: 0.1,
    orderRate: 8,
    creditHoldRate: 0.02,
    medianQuantity: 40,
    channels: [['EDI', 75], ['Portal', 10], ['Inside Sales', 15]],
    payment: [['prompt', 60], ['discount', 30], ['net30', 10]],
  },
  B: {
    customerShare: 0.35,
    orderRate: 3,
    creditHoldRate: 0.06,
    medianQuantity: 15,
    channels: [['EDI', 30], ['Portal', 35], ['eCommerce', 10], ['Inside Sales', 25]],
    payment: [['prompt', 50], ['discount', 30], ['net30', 20]],
  },
  C: {
    customerShare: 0.55,
    orderRate: 1,
    creditHoldRate: 0.22,
    medianQuantity: 6,
    channels: [['EDI', 5], ['Portal', 25], ['eCommerce', 45], ['Inside Sales', 25]],
    payment: [['prompt', 70], ['discount', 10], ['net30', 20]],
  },
};

export interface WarehouseSpec {
  readonly code: string;
  /** Share of customers served from this warehouse. */
  readonly customerShare: number;
  /** Median hours from release to warehouse until picked (elapsed, before shift hours). */
  readonly pickMedianHours: number;
  readonly pickerCount: number;
}

/** ATL is the planted slow picker: short-staffed, so released work queues for hours. */
export const WAREHOUSE_SPECS: readonly WarehouseSpec[] = [
  { code: 'DAL', customerShare: 0.4, pickMedianHours: 2.5, pickerCount: 14 },
  { code: 'ATL', customerShare: 0.35, pickMedianHours: 9, pickerCount: 6 },
  { code: 'RNO', customerShare: 0.25, pickMedianHours: 3, pickerCount: 9 },
];

/** A warehouse and its named people, as they appear in the `resource` column. */
export interface Warehouse extends WarehouseSpec {
  readonly planners: readonly string[];
  readonly pickers: readonly string[];
  readonly packers: readonly string[];
  readonly dock: readonly string[];
}

export interface Customer {
  readonly id: string;
  readonly tier: CustomerTier;
  readonly usualChannel: Channel;
  readonly warehouse: Warehouse;
  readonly payment: PaymentBehaviour;
}

export interface Sku {
  readonly id: string;
  readonly unitPrice: number;
}

export interface MasterData {
  readonly customers: Weighted<Customer>;
  readonly skus: Weighted<Sku>;
  readonly warehouses: readonly Warehouse[];
}

const CUSTOMER_COUNT = 600;
const SKU_COUNT = 1500;

/** Names `count` people of one role, e.g. `pool('wh-DAL.picker', 3)` → `wh-DAL.picker.1` … `.3`. */
export function pool(prefix: string, count: number): readonly string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}.${i + 1}`);
}

function createWarehouse(spec: WarehouseSpec): Warehouse {
  const site = `wh-${spec.code}`;
  return {
    ...spec,
    planners: pool(`${site}.planner`, 2),
    pickers: pool(`${site}.picker`, spec.pickerCount),
    packers: pool(`${site}.packer`, Math.ceil(spec.pickerCount / 2)),
    dock: pool(`${site}.dock`, 3),
  };
}

function createCustomers(rng: Random, warehouses: readonly Warehouse[]): Weighted<Customer> {
  const tiers = new Weighted(
    (Object.keys(TIERS) as CustomerTier[]).map((tier) => [tier, TIERS[tier].customerShare] as const),
  );
  const homes = new Weighted(warehouses.map((w) => [w, w.customerShare] as const));
  const entries: (readonly [Customer, number])[] = [];
  for (let i = 0; i < CUSTOMER_COUNT; i++) {
    const tier = tiers.draw(rng);
    const profile = TIERS[tier];
    const customer: Customer = {
      id: `CUST-${10001 + i}`,
      tier,
      usualChannel: new Weighted(profile.channels).draw(rng),
      warehouse: homes.draw(rng),
      payment: new Weighted(profile.payment).draw(rng),
    };
    // Customers of a tier still differ in how often they order.
    entries.push([customer, profile.orderRate * rng.lognormal(1, 0.5)]);
  }
  return new Weighted(entries);
}

function createSkus(rng: Random): Weighted<Sku> {
  const entries: (readonly [Sku, number])[] = [];
  for (let rank = 0; rank < SKU_COUNT; rank++) {
    const unitPrice = Math.max(0.5, Math.round(rng.lognormal(18, 1) * 100) / 100);
    // Zipf-like popularity: a few fast movers, a long tail of slow ones.
    entries.push([{ id: `SKU-${100001 + rank}`, unitPrice }, 1 / (rank + 1) ** 0.9]);
  }
  return new Weighted(entries);
}

/** Draws the customers and SKUs for one seed; warehouses are fixed. */
export function createMasterData(rng: Random): MasterData {
  const warehouses = WAREHOUSE_SPECS.map(createWarehouse);
  return { warehouses, customers: createCustomers(rng, warehouses), skus: createSkus(rng) };
}
