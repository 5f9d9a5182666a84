import { createMasterData, type Customer, type Warehouse } from '../../order-to-cash/master-data.ts';
import { Random, Weighted } from '../../order-to-cash/random.ts';
import type { Scenario } from '../scenario.ts';

/**
 * The distributor's master data for one seed: the customers and warehouses of
 * the order-to-cash generator, plus what the linked streams need — a SKU
 * catalogue with suppliers and costs, suppliers with lead times, carriers.
 */

export interface Item {
  readonly id: string;
  readonly index: number;
  readonly unitPrice: number;
  readonly unitCost: number;
  readonly supplier: Supplier;
  /** Relative popularity (Zipf-like). */
  readonly weight: number;
}

export interface Supplier {
  readonly id: string;
  /** Median days from PO sent to arrival when on time. */
  readonly leadDays: number;
  /** Chance that a PO arrives late. */
  readonly lateRate: number;
}

export interface Carrier {
  readonly id: string;
  /** Median days in transit. */
  readonly transitDays: number;
  /** Hour of the day (UTC) of the carrier's daily pickups at every warehouse. */
  readonly pickupHours: readonly number[];
}

export interface Catalogue {
  readonly customers: Weighted<Customer>;
  readonly warehouses: readonly Warehouse[];
  readonly items: readonly Item[];
  readonly popularity: Weighted<Item>;
  readonly suppliers: readonly Supplier[];
  readonly carriers: readonly Carrier[];
  /** Sum of item weights, for turning an order rate into per-item demand. */
  readonly totalWeight: number;
}

const ITEM_COUNT = 1200;

export const CARRIERS: readonly Carrier[] = [
  { id: 'UPS-Freight', transitDays: 1.6, pickupHours: [16, 20] },
  { id: 'FedEx-Ground', transitDays: 2.2, pickupHours: [17] },
  { id: 'Estes', transitDays: 2.8, pickupHours: [14] },
  { id: 'XPO', transitDays: 2.4, pickupHours: [12, 19] },
];

/** Draws the catalogue for `seed` (its own stream, so it is the same whatever the volume). */
export function createCatalogue(seed: number, scenario: Scenario): Catalogue {
  const rng = new Random((seed ^ 0x0ca7a1) | 0);
  const master = createMasterData(rng);
  const suppliers: Supplier[] = [];
  for (let i = 0; i < scenario.suppliers.count; i++) {
    const id = `SUP-${101 + i}`;
    suppliers.push({
      id,
      leadDays: Math.max(2, scenario.suppliers.leadDays * rng.lognormal(1, 0.3)),
      lateRate: id === scenario.suppliers.lateSupplier ? scenario.suppliers.lateRate : scenario.suppliers.otherLateRate,
    });
  }
  const items: Item[] = [];
  for (let i = 0; i < ITEM_COUNT; i++) {
    const unitPrice = Math.max(0.5, Math.round(rng.lognormal(18, 1) * 100) / 100);
    items.push({
      id: `SKU-${100001 + i}`,
      index: i,
      unitPrice,
      unitCost: Math.round(unitPrice * 0.68 * 100) / 100,
      supplier: suppliers[i % suppliers.length] as Supplier,
      weight: 1 / (i + 1) ** 0.9,
    });
  }
  const totalWeight = items.reduce((sum, item) => sum + item.weight, 0);
  return {
    customers: master.customers,
    warehouses: master.warehouses,
    items,
    popularity: new Weighted(items.map((item) => [item, item.weight] as const)),
    suppliers,
    carriers: CARRIERS,
    totalWeight,
  };
}

/** The item offered when `item` is out of stock: its neighbour in the catalogue (pairs 0↔1, 2↔3 …). */
export function substituteOf(item: Item, items: readonly Item[]): Item {
  return items[item.index ^ 1] ?? item;
}
