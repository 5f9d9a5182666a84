import type { Item } from './catalogue.ts';

/**
 * Stock of one item at one warehouse, on the book: fed by put-aways, drained by
 * allocations; what cannot be allocated waits, first come first served, as a
 * backorder. Reorder point and order-up-to level follow from expected demand.
 */
export interface Cell {
  readonly item: Item;
  readonly warehouse: string;
  onHand: number;
  onOrder: number;
  /** Units backordered and not yet allocated. */
  backordered: number;
  readonly queue: Backorder[];
  readonly reorderPoint: number;
  readonly orderUpTo: number;
  /** Whether the cell waits for the next purchasing run. */
  flagged: boolean;
  /** The warehouse's book totals. */
  readonly ledger: Ledger;
}

/** Units a line still waits for; `allocate` is called as stock arrives. */
export interface Backorder {
  units: number;
  readonly allocate: (units: number) => void;
}

/**
 * Book totals per warehouse, for the ground truth's stock ledger. On hand
 * balances as initial + put away − allocated + cycle-count adjustments.
 */
export interface Ledger {
  initial: number;
  putAway: number;
  allocated: number;
  /** Signed units of all count adjustments: cycle counts' minus the units short picks found missing. */
  countAdjustments: number;
  /** Units found missing at picking (short picks): already off the book as allocated, so they leave on hand alone. */
  shortPickUnits: number;
  /** Signed units cycle counts booked into on hand: found stock minus shrinkage. */
  cycleCountAdjustments: number;
  /** Units cycle counts found missing (shrinkage) and found in excess (found stock). */
  cycleCountShrinkage: number;
  cycleCountFound: number;
}

/** A warehouse's book totals with its ending on-hand. */
export interface LedgerSummary extends Ledger {
  warehouse: string;
  endingOnHand: number;
}

export class Inventory {
  /** Per warehouse, its cells indexed by `item.index`. */
  private readonly cells = new Map<string, Cell[]>();
  readonly ledgers = new Map<string, Ledger>();

  /** `dailyDemand(item, warehouse)` in units, `leadDays` the item's supplier lead time. */
  constructor(
    items: readonly Item[],
    warehouses: readonly string[],
    dailyDemand: (item: Item, warehouse: string) => number,
    policy: { safetyDays: number; reviewDays: number; initialDays: number; minimumUnits: number },
    initialFactor: (item: Item, warehouse: string) => number,
  ) {
    for (const warehouse of warehouses) {
      const ledger: Ledger = { initial: 0, putAway: 0, allocated: 0, countAdjustments: 0, shortPickUnits: 0, cycleCountAdjustments: 0, cycleCountShrinkage: 0, cycleCountFound: 0 };
      this.ledgers.set(warehouse, ledger);
      const row: Cell[] = [];
      this.cells.set(warehouse, row);
      for (const item of items) {
        const demand = dailyDemand(item, warehouse);
        // Slow movers still hold a few order lines' worth, as a distributor stocks a minimum of every catalogue item.
        const reorderPoint = Math.max(policy.minimumUnits / 2, Math.ceil(demand * (item.supplier.leadDays + policy.safetyDays)));
        const orderUpTo = reorderPoint + Math.max(policy.minimumUnits, Math.ceil(demand * policy.reviewDays));
        const onHand = Math.round(Math.max(orderUpTo, demand * policy.initialDays) * initialFactor(item, warehouse));
        ledger.initial += onHand;
        row[item.index] = {
          item,
          warehouse,
          onHand,
          onOrder: 0,
          backordered: 0,
          queue: [],
          reorderPoint,
          orderUpTo,
          flagged: false,
          ledger,
        };
      }
    }
  }

  cell(item: Item, warehouse: string): Cell {
    const cell = this.cells.get(warehouse)?.[item.index];
    if (cell === undefined || cell.item !== item) throw new Error(`no stock cell for ${item.id} at ${warehouse}`);
    return cell;
  }

  /** Takes up to `units` from the book; returns how many were allocated. */
  take(cell: Cell, units: number): number {
    const taken = Math.min(units, cell.onHand);
    cell.onHand -= taken;
    cell.ledger.allocated += taken;
    return taken;
  }

  /** Queues units that could not be allocated. */
  backorder(cell: Cell, backorder: Backorder): void {
    cell.backordered += backorder.units;
    cell.queue.push(backorder);
  }

  /** Books a put-away and serves waiting backorders in arrival order. */
  receive(cell: Cell, units: number): void {
    cell.onHand += units;
    cell.ledger.putAway += units;
    this.serveBackorders(cell);
  }

  serveBackorders(cell: Cell): void {
    while (cell.queue.length > 0 && cell.onHand > 0) {
      const head = cell.queue[0] as Backorder;
      const taken = this.take(cell, head.units);
      head.units -= taken;
      cell.backordered -= taken;
      if (head.units === 0) cell.queue.shift();
      head.allocate(taken);
    }
  }

  /** Records `units` a short pick found missing in `cell`: the allocation already took them off the book. */
  shortPicked(cell: Cell, units: number): void {
    cell.ledger.shortPickUnits += units;
    cell.ledger.countAdjustments -= units;
  }

  /**
   * Books what a cycle count found: `units` more (found stock) or fewer
   * (shrinkage) than the book. Shrinkage is capped at on hand, as a count
   * cannot find fewer than none; returns the units booked. The caller serves
   * waiting backorders from found stock once it has written the count's row.
   */
  adjust(cell: Cell, units: number): number {
    const booked = Math.max(units, -cell.onHand);
    cell.onHand += booked;
    const { ledger } = cell;
    ledger.cycleCountAdjustments += booked;
    ledger.countAdjustments += booked;
    if (booked < 0) ledger.cycleCountShrinkage -= booked;
    else ledger.cycleCountFound += booked;
    return booked;
  }

  /** Whether the stock position (on hand + on order − backordered) is at or below the reorder point. */
  needsReorder(cell: Cell): boolean {
    return cell.onHand + cell.onOrder - cell.backordered <= cell.reorderPoint;
  }

  /** Units to order to bring the position back to the order-up-to level. */
  reorderQuantity(cell: Cell): number {
    return Math.max(1, cell.orderUpTo - (cell.onHand + cell.onOrder - cell.backordered));
  }

  /** Totals per warehouse with the ending on-hand, in warehouse order. */
  summary(): LedgerSummary[] {
    const ending = new Map<string, number>();
    for (const cell of [...this.cells.values()].flat()) ending.set(cell.warehouse, (ending.get(cell.warehouse) ?? 0) + cell.onHand);
    return [...this.ledgers].map(([warehouse, ledger]) => ({ warehouse, ...ledger, endingOnHand: ending.get(warehouse) ?? 0 }));
  }
}
