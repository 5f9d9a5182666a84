import type { Simulation } from './simulation.ts';

/**
 * What the simulation counts while it runs, so the manifest states exact
 * numbers the data must reproduce (not just the planted rates).
 */
export interface OpenOrder {
  order: string;
  activity: string;
  since: string;
  ageSeconds: number;
}

/** Judged orders of a group and how many of them were on time in full. */
export interface OtifCount {
  judged: number;
  otif: number;
}

/** The planted effects that may keep an order from being OTIF (see `Truth.otif`). */
export const OTIF_DRIVERS = ['lateSupplierBackorder', 'deliveryFailed', 'slowWarehouse'] as const;
export type OtifDriver = (typeof OTIF_DRIVERS)[number];

/** How many of the oldest open orders the manifest lists. */
const OLDEST_OPEN = 10;

export class Truth {
  orders = 0;
  creditHolds = 0;
  ediRevalidated = 0;
  shipments = 0;
  unitsOrdered = 0;
  unitsAllocatedAtPromise = 0;
  putAway = 0;
  pricing = { before: { orders: 0, discrepancies: 0 }, after: { orders: 0, discrepancies: 0 } };
  completed = 0;
  touchless = 0;
  /** Sum of the order numbers of touchless orders: with the count, a cheap fingerprint of the set. */
  touchlessNumberSum = 0;
  /** Per supplier: POs promised early enough to judge (see `LATE_HORIZON_DAYS`), and those of them received on time. */
  readonly suppliers = new Map<string, { eligible: number; onTime: number }>();
  readonly skuReceipts = new Map<string, { lines: number; short: number; mismatched: number; invoiced: number }>();
  mismatchedLines = 0;
  openByStep: Record<string, number> = {};
  openCount = 0;
  oldestOpen: OpenOrder[] = [];

  returns = 0;
  creditMemoUnits = 0;
  /**
   * Sales orders judged for OTIF (see `OTIF_HORIZON_DAYS`), those on time in
   * full and those perfect; and the same for the orders each planted driver
   * touches: a backordered line of the late supplier's, a failed delivery,
   * the slow warehouse.
   */
  otif: { judged: number; otif: number; perfect: number; drivers: Record<OtifDriver, OtifCount> } = {
    judged: 0,
    otif: 0,
    perfect: 0,
    drivers: { lateSupplierBackorder: { judged: 0, otif: 0 }, deliveryFailed: { judged: 0, otif: 0 }, slowWarehouse: { judged: 0, otif: 0 } },
  };

  closeOrder(number: number, touched: boolean): void {
    this.completed += 1;
    if (!touched) {
      this.touchless += 1;
      this.touchlessNumberSum += number;
    }
  }

  purchaseOrder(supplier: string, eligible: boolean): void {
    if (eligible) this.supplier(supplier).eligible += 1;
  }

  receipt(supplier: string, eligibleOnTime: boolean, lines: readonly { sku: string; short: boolean }[]): void {
    if (eligibleOnTime) this.supplier(supplier).onTime += 1;
    for (const line of lines) {
      const sku = this.sku(line.sku);
      sku.lines += 1;
      if (line.short) sku.short += 1;
    }
  }

  invoiceLine(sku: string, mismatched: boolean): void {
    const s = this.sku(sku);
    s.invoiced += 1;
    if (mismatched) {
      s.mismatched += 1;
      this.mismatchedLines += 1;
    }
  }

  /** Records the orders still open when the clock stops at `end`. */
  finish(sim: Simulation, end: number): void {
    const open = [...sim.open.values()];
    this.openCount = open.length;
    const byStep: Record<string, number> = {};
    for (const order of open) byStep[order.lastActivity] = (byStep[order.lastActivity] ?? 0) + 1;
    this.openByStep = Object.fromEntries(Object.entries(byStep).sort(([a], [b]) => (a < b ? -1 : 1)));
    open.sort((a, b) => a.capturedAt - b.capturedAt || a.number - b.number);
    this.oldestOpen = open.slice(0, OLDEST_OPEN).map((order) => ({
      order: order.id,
      activity: order.lastActivity,
      since: sim.format.format(order.capturedAt),
      ageSeconds: (end - order.capturedAt) / 1000,
    }));
  }

  /**
   * Adds a branch's counts into this one. `other` may be a structured clone
   * (from a worker), so only its data fields are read.
   */
  add(other: Truth): void {
    for (const key of ['orders', 'creditHolds', 'ediRevalidated', 'shipments', 'unitsOrdered', 'unitsAllocatedAtPromise', 'putAway', 'completed', 'touchless', 'touchlessNumberSum', 'mismatchedLines', 'openCount', 'returns', 'creditMemoUnits'] as const) {
      this[key] += other[key];
    }
    for (const period of ['before', 'after'] as const) {
      this.pricing[period].orders += other.pricing[period].orders;
      this.pricing[period].discrepancies += other.pricing[period].discrepancies;
    }
    for (const key of ['judged', 'otif', 'perfect'] as const) this.otif[key] += other.otif[key];
    for (const driver of OTIF_DRIVERS) {
      this.otif.drivers[driver].judged += other.otif.drivers[driver].judged;
      this.otif.drivers[driver].otif += other.otif.drivers[driver].otif;
    }
    for (const [id, s] of other.suppliers) {
      const mine = this.supplier(id);
      mine.eligible += s.eligible;
      mine.onTime += s.onTime;
    }
    for (const [id, s] of other.skuReceipts) {
      const mine = this.sku(id);
      mine.lines += s.lines;
      mine.short += s.short;
      mine.mismatched += s.mismatched;
      mine.invoiced += s.invoiced;
    }
    const byStep: Record<string, number> = { ...this.openByStep };
    for (const [step, n] of Object.entries(other.openByStep)) byStep[step] = (byStep[step] ?? 0) + n;
    this.openByStep = Object.fromEntries(Object.entries(byStep).sort(([a], [b]) => (a < b ? -1 : 1)));
    // Oldest first: ISO times and same-width order ids both sort as text.
    this.oldestOpen = [...this.oldestOpen, ...other.oldestOpen]
      .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.order < b.order ? -1 : 1))
      .slice(0, OLDEST_OPEN);
  }

  private supplier(id: string): { eligible: number; onTime: number } {
    let s = this.suppliers.get(id);
    if (s === undefined) {
      s = { eligible: 0, onTime: 0 };
      this.suppliers.set(id, s);
    }
    return s;
  }

  private sku(id: string): { lines: number; short: number; mismatched: number; invoiced: number } {
    let s = this.skuReceipts.get(id);
    if (s === undefined) {
      s = { lines: 0, short: 0, mismatched: 0, invoiced: 0 };
      this.skuReceipts.set(id, s);
    }
    return s;
  }
}
