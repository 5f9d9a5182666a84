import { DAY_MS, HOUR_MS, MINUTE_MS, OFFICE, WAREHOUSE } from '../../order-to-cash/calendar.ts';
import { pool } from '../../order-to-cash/master-data.ts';
import type { Supplier } from './catalogue.ts';
import { record } from '../columns.ts';
import type { Cell } from './inventory.ts';
import type { Simulation } from './simulation.ts';
import { openAt } from './teams.ts';

/**
 * Procure-to-stock: a purchasing run each weekday morning turns every stock
 * cell at or below its reorder point into a PO line, one PO per supplier and
 * warehouse. The PO is approved (automatically below the threshold, by a
 * manager above), sent, confirmed, shipped by the supplier (on time, or late
 * for the planted supplier), received with over/short/damaged discrepancies,
 * checked, put away into stock — which releases backorders — and matched
 * three ways against the supplier's invoice, which bills the ordered quantity.
 *
 * The same stream holds the warehouse's cycle counts (see `CycleCounts`).
 */

interface PoLine {
  readonly id: string;
  readonly cell: Cell;
  readonly ordered: number;
  received: number;
  accepted: number;
  discrepancy: '' | 'over' | 'short' | 'damaged';
}

/** Grace after the promised delivery before a receipt counts as late. */
export const LATE_GRACE_MS = DAY_MS;
/** Only POs promised at least this many days before the period ends are judged late or on time, so late ones have had time to arrive. */
export const LATE_HORIZON_DAYS = 14;
const MRP_HOUR = 6;

export class Purchasing {
  private readonly pending = new Map<string, Cell[]>();
  /** Per supplier, the running fraction of a late PO owed (see `ship`). */
  private readonly lateness = new Map<string, number>();
  private count = 0;
  private readonly cycleCounts: CycleCounts;

  constructor(private readonly sim: Simulation) {
    this.cycleCounts = new CycleCounts(sim, this);
  }

  /** Schedules the first purchasing run. */
  start(): void {
    this.sim.agenda.at(this.nextRun(this.sim.options.start), () => this.run());
    this.cycleCounts.start();
  }


  private nextRun(after: number): number {
    return openAt(after, { ...OFFICE, openHour: MRP_HOUR, closeHour: MRP_HOUR + 0.001 });
  }

  /** Flags `cell` for the next run when its stock position is at or below the reorder point. */
  check(cell: Cell): void {
    if (cell.flagged || !this.sim.inventory.needsReorder(cell)) return;
    cell.flagged = true;
    const key = `${cell.item.supplier.id}@${cell.warehouse}`;
    const group = this.pending.get(key);
    if (group === undefined) this.pending.set(key, [cell]);
    else group.push(cell);
  }

  private run(): void {
    const groups = [...this.pending.values()];
    this.pending.clear();
    for (const cells of groups) this.create(cells);
    this.sim.agenda.at(this.nextRun(this.sim.clock + HOUR_MS), () => this.run());
  }

  private create(cells: Cell[]): void {
    const { sim } = this;
    const { scenario } = sim.options;
    this.count += 1;
    const po = `PO-${400000 + sim.serial(this.count)}`;
    const first = cells[0] as Cell;
    const supplier = first.item.supplier;
    const warehouse = first.warehouse;
    const lines: PoLine[] = cells.map((cell, i) => {
      const ordered = sim.inventory.reorderQuantity(cell);
      cell.onOrder += ordered;
      cell.flagged = false;
      return { id: `${po}-${i + 1}`, cell, ordered, received: 0, accepted: 0, discrepancy: '' };
    });
    const value = lines.reduce((sum, line) => sum + line.ordered * line.cell.item.unitCost, 0);
    const path = value >= scenario.approvalThreshold ? 'manager' : 'auto';
    const promisedAt = Math.round((sim.clock + supplier.leadDays * DAY_MS) / 1000) * 1000;
    const promised = sim.format.format(promisedAt);
    const total = String(lines.reduce((sum, line) => sum + line.ordered, 0));
    const row = (activity: string, resource: string, line?: PoLine, received = '', invoiced = ''): void =>
      sim.sinks.purchasing.append(
        record([
          po, po, activity, sim.format.format(sim.clock), resource, line?.id ?? '', supplier.id, line?.cell.item.id ?? '', warehouse,
          line === undefined ? total : String(line.ordered), received, invoiced, line?.cell.item.unitCost.toFixed(2) ?? '',
          line?.discrepancy ?? '', path, promised, '',
        ]),
      );
    row('PO Created', 'mrp.run');
    const judged = promisedAt <= sim.options.end - LATE_HORIZON_DAYS * DAY_MS;
    sim.truth.purchaseOrder(supplier.id, judged);
    const approved = (resource: string): void => {
      row('PO Approved', resource);
      sim.system(300, () => {
        row('PO Sent', 'edi.gateway');
        const confirmAt = sim.clock + Math.round(sim.rng.lognormal(5 * HOUR_MS, 0.6) / 1000) * 1000;
        sim.agenda.at(openAt(confirmAt, OFFICE), () => {
          row('Supplier Confirmed', `${supplier.id}.desk`);
          this.ship(supplier, promisedAt, judged, lines, row);
        });
      });
    };
    if (path === 'manager') {
      const service = sim.teamOf(sim.officeTeam('purchasing.manager'), (10 + sim.ordersPerDay / 20) * sim.branchShare, 20, OFFICE, 0.5).serve(sim.clock, sim.rng.lognormal(20 * 60_000, 0.5));
      sim.agenda.at(service.end, () => approved(service.member));
    } else {
      sim.system(60, () => approved('approval.engine'));
    }
  }

  /** The supplier ships: ASN, arrival at the dock (late for the planted share), receipt and the rest. */
  private ship(supplier: Supplier, promisedAt: number, judged: boolean, lines: PoLine[], row: (activity: string, resource: string, line?: PoLine, received?: string, invoiced?: string) => void): void {
    const { sim } = this;
    const { scenario } = sim.options;
    // Systematic sampling: the share of late POs tracks the planted rate closely at any volume.
    const due = (this.lateness.get(supplier.id) ?? sim.rng.next()) + supplier.lateRate;
    const late = due >= 1;
    this.lateness.set(supplier.id, late ? due - 1 : due);
    const planned = late
      ? promisedAt + scenario.suppliers.lateDays * sim.rng.lognormal(1, 0.25) * DAY_MS
      : promisedAt - (1.5 + sim.rng.next()) * DAY_MS;
    const arrival = Math.max(sim.clock + HOUR_MS, Math.round(planned / 1000) * 1000);
    const asn = Math.max(sim.clock + 60_000, arrival - Math.round(sim.rng.lognormal(20 * HOUR_MS, 0.4) / 1000) * 1000);
    const code = lines[0]!.cell.warehouse;
    const site = `wh-${code}`;
    const scale = (2 + sim.ordersPerDay / 200) * sim.branchShare;
    sim.agenda.at(asn, () => row('ASN Received', 'edi.gateway'));
    sim.agenda.at(arrival, () => {
      const receiving = sim.teamOf(`${site}.receiver`, scale * 40, 8, WAREHOUSE, 0.5);
      const receipt = receiving.serve(sim.clock, sim.rng.lognormal((20 + 2 * lines.length) * 60_000, 0.4));
      sim.agenda.at(receipt.end, () => {
        for (const line of lines) this.receive(line, scenario.receipts);
        for (const line of lines) row('Goods Received', receipt.member, line, String(line.received));
        sim.truth.receipt(supplier.id, judged && sim.clock <= promisedAt + LATE_GRACE_MS, lines.map((l) => ({ sku: l.cell.item.id, short: l.discrepancy === 'short' })));
        const qc = sim.teamOf(`${site}.qc`, scale * 10, 15, WAREHOUSE, 0.5).serve(sim.clock, sim.rng.lognormal(15 * 60_000, 0.5));
        sim.agenda.at(qc.end, () => {
          row('Quality Checked', qc.member);
          let left = lines.length;
          for (const line of lines) {
            const putAway = receiving.serve(sim.clock, sim.rng.lognormal(5 * 60_000, 0.5));
            sim.agenda.at(putAway.end, () => {
              row('Put Away', putAway.member, line, String(line.accepted));
              line.cell.onOrder -= line.ordered;
              sim.truth.putAway += line.accepted;
              sim.inventory.receive(line.cell, line.accepted);
              left -= 1;
              if (left === 0) this.invoice(lines, row);
            });
          }
        });
      });
    });
  }

  /** Draws what arrived: the planted short SKU always short, others over/short/damaged by chance. */
  private receive(line: PoLine, receipts: { overRate: number; shortRate: number; damagedRate: number; shortSku: string }): void {
    const { rng } = this.sim;
    const ordered = line.ordered;
    const u = rng.next();
    line.received = ordered;
    line.accepted = ordered;
    if (line.cell.item.id === receipts.shortSku || (u >= receipts.overRate && u < receipts.overRate + receipts.shortRate)) {
      line.discrepancy = 'short';
      line.received = ordered - Math.max(1, Math.round(ordered * (0.1 + 0.2 * rng.next())));
      line.accepted = line.received;
    } else if (u < receipts.overRate) {
      line.discrepancy = 'over';
      line.received = ordered + Math.max(1, Math.round(ordered * (0.05 + 0.1 * rng.next())));
      line.accepted = line.received;
    } else if (u < receipts.overRate + receipts.shortRate + receipts.damagedRate) {
      line.discrepancy = 'damaged';
      line.accepted = ordered - Math.max(1, Math.round(ordered * 0.05));
    }
  }

  /** The supplier invoices the ordered quantity; a line whose receipt differs is a three-way-match mismatch. */
  private invoice(lines: PoLine[], row: (activity: string, resource: string, line?: PoLine, received?: string, invoiced?: string) => void): void {
    const { sim } = this;
    const arrives = sim.clock + Math.round(sim.rng.lognormal(2 * DAY_MS, 0.4) / 1000) * 1000;
    sim.agenda.at(arrives, () => {
      const ap = sim.teamOf(sim.officeTeam('ap.clerk'), (40 + sim.ordersPerDay / 10) * sim.branchShare, 10, OFFICE, 0.5).serve(sim.clock, sim.rng.lognormal(10 * 60_000, 0.5));
      sim.agenda.at(ap.end, () => {
        let mismatched = false;
        for (const line of lines) {
          const matches = line.received === line.ordered;
          if (!matches) mismatched = true;
          sim.truth.invoiceLine(line.cell.item.id, !matches);
          row(matches ? 'Invoice Matched' : 'Invoice Mismatched', ap.member, line, String(line.received), String(line.ordered));
        }
        // Mismatches wait for the supplier's credit note; clean invoices go to the next payment run.
        const due = sim.clock + (mismatched ? 6 : 12) * DAY_MS;
        sim.agenda.at(openAt(due, OFFICE), () => row('PO Paid', 'payments.run'));
      });
    });
  }
}

/** Largest share of on hand a cycle-count discrepancy amounts to (at least one unit). */
const COUNT_DISCREPANCY_SHARE = 0.05;
/** Median minutes between two counts of a day's round. */
const COUNT_MINUTES = 12;

/**
 * Cycle counts: each weekday the warehouse counts a few SKUs, drawn by
 * popularity as fast movers are counted more often. A count that disagrees
 * with the book is booked as an adjustment (shrinkage or found stock) and
 * written to the purchasing stream as `Cycle Count Adjusted`, a case of its
 * own (`CC-…`) with the signed units in `quantity_adjusted`; counts that
 * agree leave no row.
 */
class CycleCounts {
  private count = 0;
  private readonly counters: readonly string[];

  constructor(
    private readonly sim: Simulation,
    private readonly purchasing: Purchasing,
  ) {
    this.counters = pool(`wh-${sim.warehouse.code}.counter`, 2);
  }

  start(): void {
    this.sim.agenda.at(this.nextRound(this.sim.options.start), () => this.round());
  }

  private nextRound(after: number): number {
    const { hour } = this.sim.options.scenario.cycleCounts;
    return openAt(after, { ...OFFICE, openHour: hour, closeHour: hour + 0.001 });
  }

  private round(): void {
    const { sim } = this;
    let at = sim.clock;
    for (let k = 0; k < sim.options.scenario.cycleCounts.skusPerDay; k++) {
      const cell = sim.inventory.cell(sim.catalogue.popularity.draw(sim.rng), sim.warehouse.code);
      at += Math.round(sim.rng.lognormal(COUNT_MINUTES * MINUTE_MS, 0.5) / 1000) * 1000;
      sim.agenda.at(at, () => this.countCell(cell));
    }
    sim.agenda.at(this.nextRound(sim.clock + HOUR_MS), () => this.round());
  }

  private countCell(cell: Cell): void {
    const { sim } = this;
    const { discrepancyRate, foundShare } = sim.options.scenario.cycleCounts;
    if (!sim.rng.chance(discrepancyRate)) return;
    const size = 1 + sim.rng.int(Math.max(1, Math.round(cell.onHand * COUNT_DISCREPANCY_SHARE)));
    const booked = sim.inventory.adjust(cell, sim.rng.chance(foundShare) ? size : -size);
    // An empty bin cannot be short: the count agrees with the book after all.
    if (booked === 0) return;
    this.count += 1;
    const id = `CC-${800000 + sim.serial(this.count)}`;
    sim.sinks.purchasing.append(
      record([id, '', 'Cycle Count Adjusted', sim.format.format(sim.clock), sim.rng.pick(this.counters), '', '', cell.item.id, cell.warehouse, '', '', '', '', '', '', '', String(booked)]),
    );
    if (booked > 0) sim.inventory.serveBackorders(cell);
    else this.purchasing.check(cell);
  }
}
