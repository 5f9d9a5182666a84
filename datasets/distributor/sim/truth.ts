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
    this.oldestOpen = open.slice(0, 10).map((order) => ({
      order: order.id,
      activity: order.lastActivity,
      since: sim.format.format(order.capturedAt),
      ageSeconds: (end - order.capturedAt) / 1000,
    }));
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
