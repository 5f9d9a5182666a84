import { MANUAL_RESOURCE_PREFIXES, ORDER_EXCEPTIONS } from '../../../mining/vocabulary.ts';
import { ArrivalSchedule } from '../../order-to-cash/arrivals.ts';
import { BILLING_RUN, type Calendar, DAY_MS, HOUR_MS, isOpen, MINUTE_MS, nextWorkingTime, OFFICE, WAREHOUSE } from '../../order-to-cash/calendar.ts';
import { CHANNELS, type Channel, type Customer, pool, TIERS, type Warehouse } from '../../order-to-cash/master-data.ts';
import { Random } from '../../order-to-cash/random.ts';
import { IsoTimestampFormatter } from '../../order-to-cash/timestamp.ts';
import { Agenda } from './heap.ts';
import { type Catalogue, createCatalogue, type Item, substituteOf } from './catalogue.ts';
import type { Sinks } from '../columns.ts';
import { Inventory } from './inventory.ts';
import { Purchasing } from './purchasing.ts';
import type { Scenario } from '../scenario.ts';
import { Team } from './teams.ts';
import { Truth } from './truth.ts';

/**
 * The distributor as a discrete-event simulation of one branch: a warehouse
 * with its own office (order desk, pricing, credit, receivables, purchasing)
 * serving the customers homed there. Branches share the catalogue, suppliers,
 * carriers and the stream of arriving orders, but no people and no stock, so
 * each branch is simulated on its own (in parallel, see `branches.ts`) and
 * the runs together are the whole distributor.
 *
 * Orders arrive over the period; each step either runs on a system (a short
 * fixed-shape delay) or is a task for a team, which queues it (see `Team`).
 * Stock is booked per item (see `Inventory`); what cannot be allocated is
 * backordered and released when purchasing's receipts are put away. Events are
 * written the moment the simulation clock reaches them, so a branch's rows are
 * in time order and only open orders, POs and shipments are held in memory.
 */

export interface SimulationOptions {
  readonly seed: number;
  readonly orders: number;
  /** Period [start, end) in epoch ms; the clock stops at `end`, leaving work open. */
  readonly start: number;
  readonly end: number;
  readonly scenario: Scenario;
}

interface SalesLine {
  readonly id: string;
  readonly item: Item;
  /** The item shipped: the ordered one, or its substitute. */
  shipItem: Item;
  readonly ordered: number;
  /** The row's `sku,warehouse` columns and its `unit_price` for the shipped item (shared texts, see `Site`). */
  skuText: string;
  priceText: string;
  /** Units allocated and not yet shipped or lost to a short pick. */
  unshipped: number;
}

interface SalesOrder {
  readonly id: string;
  readonly number: number;
  readonly capturedAt: number;
  readonly channel: Channel;
  readonly customer: Customer;
  readonly warehouse: Warehouse;
  readonly lines: SalesLine[];
  promised: string;
  /** Units not yet invoiced; the order is paid once this reaches zero. */
  toInvoice: number;
  touched: boolean;
  /** OTIF and perfect-order state (see `OTIF_HORIZON_DAYS` and `delivered`). */
  readonly outcome: OrderOutcome;
  lastActivity: string;
  /** The row's `channel,customer,customer_tier` columns. */
  readonly partyText: string;
  readonly site: Site;
}

/**
 * What decides whether a sales order is OTIF and perfect, kept as it happens
 * so each is counted the moment it is settled instead of by scanning orders.
 */
interface OrderOutcome {
  /** Promised at least `OTIF_HORIZON_DAYS` before the period ends, so judged for OTIF. */
  judged: boolean;
  /** Epoch ms of the end (midnight UTC) of the promised date. */
  promisedEnd: number;
  readonly unitsOrdered: number;
  unitsShipped: number;
  /** Shipments picked up and not yet delivered. */
  inTransit: number;
  /** Every unit delivered by the end of the promised date. */
  otif: boolean;
  exception: boolean;
  deliveryFailed: boolean;
  lateSupplierBackorder: boolean;
  returned: boolean;
  /** Whether the order is counted in `Truth.otif.perfect` now. */
  perfect: boolean;
}

/** A warehouse's teams and names, looked up once per order instead of per task. */
interface Site {
  readonly code: string;
  readonly planner: Team;
  readonly picker: Team;
  readonly packer: Team;
  readonly dock: string;
  /** The `sku,warehouse` columns of a row without a line. */
  readonly noLineText: string;
  /** Per item (by index), its `sku,warehouse` columns and its `unit_price`, made on first use. */
  readonly skuTexts: string[];
  readonly priceTexts: string[];
  /** Per customer, its `channel,customer,customer_tier` columns by channel. */
  readonly partyTexts: Map<Customer, Map<Channel, string>>;
}

/** Activities that are exceptions in the order stream (they make an order not touchless): the vocabulary's, which the KPIs read. */
export { ORDER_EXCEPTIONS };
const EXCEPTION_ACTIVITIES: ReadonlySet<string> = new Set(ORDER_EXCEPTIONS);
/**
 * Orders promised at least this many days before the period ends are judged
 * on time in full: a late delivery has had a week to show up.
 */
export const OTIF_HORIZON_DAYS = 7;
/** Resource prefixes of office people whose touch makes an order manual. */
export const MANUAL_RESOURCES = MANUAL_RESOURCE_PREFIXES;

const MIN = MINUTE_MS;
/** Median units per order line relative to the tier's median units per order. */
const LINE_QUANTITY_SHARE = 0.5;
/** Mean lines per order and units per line, for sizing teams and stock to the volume asked for. */
const MEAN_LINES = 1.8;
const MEAN_LINE_UNITS = 14;

export class Simulation {
  readonly truth: Truth;
  readonly agenda = new Agenda();
  readonly rng: Random;
  readonly catalogue: Catalogue;
  readonly inventory: Inventory;
  readonly purchasing: Purchasing;
  readonly format = new IsoTimestampFormatter();
  readonly open = new Map<string, SalesOrder>();
  private readonly teams = new Map<string, Team>();
  private site!: Site;
  /** The order row being written, reused (see `orderEvent`). */
  private readonly orderRow: string[] = new Array<string>(15).fill('');
  private readonly shipmentRow: string[] = new Array<string>(11).fill('');
  private orderDesk!: Team;
  private pricingTeam!: Team;
  private creditTeam!: Team;
  private arTeam!: Team;
  private readonly salesReps: readonly string[];
  private readonly arrivals: ArrivalSchedule;
  /** Draws every order's arrival time and customer: the same stream in every branch, so order numbers are global. */
  private readonly arrivalRng: Random;
  private nextArrival = 0;
  private shipmentCount = 0;
  private now = 0;
  /** Orders per day of the whole distributor. */
  readonly ordersPerDay: number;
  /** The branch's warehouse, and its share of the distributor's customers (by warehouse share). */
  readonly warehouse: Warehouse;
  readonly branchShare: number;
  private readonly branchCount: number;

  /** Simulates branch `branch` (an index into the catalogue's warehouses) of the distributor `options` describes. */
  constructor(
    readonly options: SimulationOptions,
    readonly branch: number,
    readonly sinks: Sinks,
  ) {
    const { seed, scenario, start, end, orders } = options;
    this.catalogue = createCatalogue(seed, scenario);
    const warehouses = this.catalogue.warehouses;
    const warehouse = warehouses[branch];
    if (warehouse === undefined) throw new RangeError(`branch must be 0–${warehouses.length - 1}, got ${branch}`);
    this.warehouse = warehouse;
    this.branchCount = warehouses.length;
    this.branchShare = warehouse.customerShare / warehouses.reduce((s, w) => s + w.customerShare, 0);
    this.rng = new Random((seed ^ Math.imul(branch + 1, 0x9e3779b1)) | 0);
    this.arrivalRng = new Random((seed ^ 0xa441) | 0);
    this.truth = new Truth();
    this.arrivals = new ArrivalSchedule(start, end);
    this.ordersPerDay = orders / Math.max(1, (end - start) / DAY_MS);
    this.salesReps = pool(`sales.rep.${warehouse.code}`, 4);
    const demand = (item: Item): number => (this.ordersPerDay * this.branchShare * MEAN_LINES * MEAN_LINE_UNITS * item.weight) / this.catalogue.totalWeight;
    const stockRng = new Random((seed ^ 0x570c ^ branch) | 0);
    this.inventory = new Inventory(this.catalogue.items, [warehouse.code], demand, scenario.inventory, () => 0.4 + stockRng.next());
    this.purchasing = new Purchasing(this);
    this.buildTeams();
  }

  /** A team sized so that its expected weekly work fills `utilization` of its open hours. */
  private team(name: string, weeklyTasks: number, medianMinutes: number, calendar: Calendar, utilization: number, mondayShare = 1): Team {
    let team = this.teams.get(name);
    if (team === undefined) {
      const openDays = calendar.openDays.filter(Boolean).length;
      const openMinutes = openDays * (calendar.closeHour - calendar.openHour) * 60;
      const meanMinutes = medianMinutes * Math.exp(0.125);
      const size = Math.max(1, Math.ceil((weeklyTasks * meanMinutes) / (openMinutes * utilization)));
      team = new Team(name, size, calendar, Math.max(1, Math.round(size * mondayShare)));
      this.teams.set(name, team);
    }
    return team;
  }

  private buildTeams(): void {
    const { scenario } = this.options;
    const weekly = this.ordersPerDay * 7 * this.branchShare;
    const rate = scenario.credit.holdRate;
    this.orderDesk = this.team(this.officeTeam('orderdesk.clerk'), weekly * 0.5, 12, OFFICE, 0.65);
    this.pricingTeam = this.team(this.officeTeam('pricing.analyst'), weekly * scenario.pricing.rateAfter, 40, OFFICE, 0.6);
    this.creditTeam = this.team(this.officeTeam('credit.analyst'), weekly * ((rate.A + rate.B + rate.C) / 3), scenario.credit.reviewMinutes, OFFICE, scenario.credit.utilization, scenario.credit.mondayStaffShare);
    this.arTeam = this.team(this.officeTeam('ar.clerk'), weekly * 0.45, 3, OFFICE, 0.6);
    const code = this.warehouse.code;
    const planner = this.team(`wh-${code}.planner`, weekly * 1.2, 2, WAREHOUSE, 0.6);
    // The slow warehouse picks each line slower and on one shift only: lines released
    // after the shift wait for the morning.
    const slow = code === scenario.picking.slowWarehouse;
    const calendar = slow ? { ...WAREHOUSE, name: 'single shift', closeHour: scenario.picking.slowShiftEndHour } : WAREHOUSE;
    const minutes = scenario.picking.minutesPerLine * (slow ? scenario.picking.slowFactor : 1);
    const picker = this.team(`wh-${code}.picker`, weekly * MEAN_LINES * 1.1, minutes, calendar, scenario.picking.utilization);
    const packer = this.team(`wh-${code}.packer`, weekly * 1.2, 6, WAREHOUSE, 0.65);
    this.site = { code, planner, picker, packer, dock: `wh-${code}.dock`, noLineText: `,${code}`, skuTexts: [], priceTexts: [], partyTexts: new Map() };
  }

  /** The name of the branch's office team of a role, e.g. `credit.analyst.DAL` (members `credit.analyst.DAL.1` …). */
  officeTeam(role: string): string {
    return `${role}.${this.warehouse.code}`;
  }

  /**
   * The `count`-th id (1-based) of a kind this branch numbers (POs, shipments,
   * returns): branches interleave, so ids are unique across the distributor.
   */
  serial(count: number): number {
    return (count - 1) * this.branchCount + this.branch + 1;
  }

  /** A team by name (built by `buildTeams` or on first use with the given sizing). */
  teamOf(name: string, weeklyTasks: number, medianMinutes: number, calendar: Calendar, utilization: number): Team {
    return this.team(name, weeklyTasks, medianMinutes, calendar, utilization);
  }

  /** Runs a task for `team` ready now, then `then(member)` at its end. */
  private task(team: Team, medianMinutes: number, then: (member: string) => void): void {
    const service = team.serve(this.now, this.rng.lognormal(medianMinutes * MIN, 0.5));
    const member = service.member;
    this.agenda.at(service.end, () => then(member));
  }

  /** Runs `then` after a system step of about `medianSeconds` (whole seconds). */
  system(medianSeconds: number, then: () => void): void {
    this.agenda.at(this.now + Math.max(1, Math.round(this.rng.lognormal(medianSeconds, 0.5))) * 1000, then);
  }

  /** Runs the whole period; `pause` is awaited between happenings when it returns a promise (to flush output). */
  async run(pause: () => Promise<void> | undefined): Promise<void> {
    const { end } = this.options;
    this.scheduleArrival();
    this.purchasing.start();
    const agenda = this.agenda;
    for (;;) {
      if (agenda.peekTime() >= end) break;
      const action = agenda.take();
      if (action === undefined) break;
      this.now = agenda.time;
      action();
      const waiting = pause();
      if (waiting !== undefined) await waiting;
    }
    this.truth.finish(this, end);
  }

  get clock(): number {
    return this.now;
  }

  // ---- order to cash -------------------------------------------------------

  /** Schedules the next order of the distributor's arrival stream that is homed in this branch. */
  private scheduleArrival(): void {
    const { orders } = this.options;
    while (this.nextArrival < orders) {
      const index = this.nextArrival++;
      const time = this.arrivals.at((index + this.arrivalRng.next()) / orders);
      const customer = this.catalogue.customers.draw(this.arrivalRng);
      if (customer.warehouse === this.warehouse) {
        this.agenda.at(time, () => this.arrive(index, customer));
        return;
      }
    }
  }

  private arrive(index: number, customer: Customer): void {
    this.scheduleArrival();
    const order = this.drawOrder(index, customer);
    this.open.set(order.id, order);
    this.truth.orders += 1;
    const resource =
      order.channel === 'EDI' ? 'edi.gateway' : order.channel === 'eCommerce' ? 'web.store' : order.channel === 'Portal' ? 'customer.portal' : this.rng.pick(this.salesReps);
    this.orderEvent(order, 'Order Captured', resource);
    if (order.channel === 'EDI' || order.channel === 'eCommerce') this.system(90, () => this.validated(order, 'validation.engine'));
    else this.task(this.orderDesk, 12, (member) => this.validated(order, member));
  }

  private drawOrder(index: number, customer: Customer): SalesOrder {
    const rng = this.rng;
    const tier = TIERS[customer.tier];
    let channel: Channel = rng.chance(0.85) ? customer.usualChannel : rng.pick(CHANNELS);
    if (channel === 'Inside Sales' && !isOpen(this.now, OFFICE)) channel = 'Portal';
    const id = `SO-${1000001 + index}`;
    const lines: SalesLine[] = [];
    let count = 1;
    while (count < 6 && rng.chance(0.45)) count += 1;
    let units = 0;
    for (let k = 0; k < count; k++) {
      const item = this.catalogue.popularity.draw(rng);
      if (lines.some((line) => line.item === item)) continue;
      const ordered = Math.max(1, Math.round(rng.lognormal(tier.medianQuantity * LINE_QUANTITY_SHARE, 0.8)));
      units += ordered;
      lines.push({ id: `${id}-${lines.length + 1}`, item, shipItem: item, ordered, skuText: '', priceText: '', unshipped: 0 });
    }
    const warehouse = customer.warehouse;
    const site = this.site;
    for (const line of lines) shipAs(line, line.item, site);
    let parties = site.partyTexts.get(customer);
    if (parties === undefined) site.partyTexts.set(customer, (parties = new Map()));
    let partyText = parties.get(channel);
    if (partyText === undefined) parties.set(channel, (partyText = `${channel},${customer.id},${customer.tier}`));
    const outcome: OrderOutcome = {
      judged: false, promisedEnd: 0, unitsOrdered: units, unitsShipped: 0, inTransit: 0,
      otif: false, exception: false, deliveryFailed: false, lateSupplierBackorder: false, returned: false, perfect: false,
    };
    return { id, number: 1000001 + index, capturedAt: this.now, channel, customer, warehouse, lines, promised: '', toInvoice: units, touched: false, outcome, lastActivity: '', partyText, site };
  }

  /**
   * Writes an order-stream row; line columns are filled when `line` is given,
   * quantity columns when their number is. The row is one concatenation of
   * cached pieces: no array, no intermediate record.
   */
  private orderEvent(
    order: SalesOrder,
    activity: string,
    resource: string,
    line?: SalesLine,
    allocated?: number,
    shipped?: number,
    invoiced?: number,
    shipment = '',
    caseId = order.id,
  ): void {
    // A return is its own case (RMA-…) in the orders file, linked by order_id: it leaves the order's state alone.
    if (caseId === order.id) {
      order.lastActivity = activity;
      if (!order.outcome.exception && EXCEPTION_ACTIVITIES.has(activity)) order.outcome.exception = order.touched = true;
      if (!order.touched && isManual(resource)) order.touched = true;
    }
    // The fields go straight to the writer's bytes: no row string (a template would leave a rope of some thirty pieces per row to collect).
    const row = this.orderRow;
    row[0] = caseId;
    row[1] = order.id;
    row[2] = activity;
    row[3] = this.format.format(this.now);
    row[4] = resource;
    row[5] = line === undefined ? '' : line.id;
    row[6] = order.partyText;
    if (line === undefined) {
      row[7] = order.site.noLineText;
      row[8] = '';
    } else {
      row[7] = line.skuText;
      row[8] = String(line.ordered);
    }
    row[9] = allocated === undefined ? '' : String(allocated);
    row[10] = shipped === undefined ? '' : String(shipped);
    row[11] = invoiced === undefined ? '' : String(invoiced);
    row[12] = line === undefined ? '' : line.priceText;
    row[13] = order.promised;
    row[14] = shipment;
    this.sinks.orders.appendRow(row, 15);
  }

  /** Week of the period (1-based) that epoch ms `t` falls in. */
  weekOf(t: number): number {
    return Math.floor((t - this.options.start) / (7 * DAY_MS)) + 1;
  }

  private validated(order: SalesOrder, resource: string): void {
    this.orderEvent(order, 'Order Validated', resource);
    const { pricing } = this.options.scenario;
    const after = this.weekOf(order.capturedAt) >= pricing.stepWeek;
    const discrepancy = this.rng.chance(after ? pricing.rateAfter : pricing.rateBefore);
    this.truth.pricing[after ? 'after' : 'before'].orders += 1;
    if (!discrepancy) {
      this.creditCheck(order);
      return;
    }
    this.task(this.pricingTeam, 40, (analyst) => {
      this.orderEvent(order, 'Pricing Discrepancy', analyst);
      this.truth.pricing[after ? 'after' : 'before'].discrepancies += 1;
      if (order.channel !== 'EDI') {
        this.creditCheck(order);
        return;
      }
      // EDI prices come from the customer's system: the corrected order is validated again.
      this.task(this.orderDesk, this.options.scenario.ediRevalidation.revalidateMinutes, (clerk) => {
        this.orderEvent(order, 'Order Validated', clerk);
        this.truth.ediRevalidated += 1;
        this.creditCheck(order);
      });
    });
  }

  private creditCheck(order: SalesOrder): void {
    const { credit } = this.options.scenario;
    this.system(120, () => {
      this.orderEvent(order, 'Credit Check', 'credit.engine');
      if (!this.rng.chance(credit.holdRate[order.customer.tier])) {
        this.promise(order);
        return;
      }
      this.system(20, () => {
        this.orderEvent(order, 'Credit Hold', 'credit.engine');
        this.truth.creditHolds += 1;
        // The customer pays past-due invoices or sends documents; then an analyst reviews.
        const response = Math.round(this.rng.lognormal(credit.customerResponseHours * HOUR_MS, 0.6) / 1000) * 1000;
        this.agenda.at(this.now + response, () =>
          this.task(this.creditTeam, credit.reviewMinutes, (approver) => {
            this.orderEvent(order, 'Credit Released', approver);
            this.promise(order);
          }),
        );
      });
    });
  }

  /** Available-to-promise: allocates what is on the book, substitutes or backorders the rest. */
  private promise(order: SalesOrder): void {
    this.system(60, () => {
      const picks: { line: SalesLine; units: number }[] = [];
      let short = false;
      const allocations: { line: SalesLine; units: number; substitute: Item | undefined; backordered: number }[] = [];
      for (const line of order.lines) {
        const cell = this.inventory.cell(line.item, order.warehouse.code);
        let units = this.inventory.take(cell, line.ordered);
        let substitute: Item | undefined;
        if (units === 0 && this.rng.chance(this.options.scenario.inventory.substitutionRate)) {
          const candidate = substituteOf(line.item, this.catalogue.items);
          const subCell = this.inventory.cell(candidate, order.warehouse.code);
          if (candidate !== line.item && subCell.onHand >= line.ordered) {
            substitute = candidate;
            units = this.inventory.take(subCell, line.ordered);
            this.purchasing.check(subCell);
          }
        }
        const backordered = line.ordered - units;
        if (backordered > 0) short = true;
        allocations.push({ line, units, substitute, backordered });
        this.truth.unitsOrdered += line.ordered;
        this.truth.unitsAllocatedAtPromise += units;
      }
      // Promise from stock in five days (picking, the carrier's next pickup and two or three days in transit), or after the slowest backordered item's lead time.
      const lead = Math.max(0, ...allocations.filter((a) => a.backordered > 0).map((a) => a.line.item.supplier.leadDays));
      const days = short ? Math.ceil(lead) + 4 : 5;
      const promisedDay = Math.floor((this.now + days * DAY_MS) / DAY_MS) * DAY_MS;
      order.promised = this.format.format(promisedDay).slice(0, 10);
      this.judge(order, promisedDay, allocations.some((a) => a.backordered > 0 && a.line.item.supplier.id === this.options.scenario.suppliers.lateSupplier));
      this.orderEvent(order, 'Order Promised', 'atp.engine');
      for (const { line, units, substitute, backordered } of allocations) {
        if (substitute !== undefined) {
          // The Substitution row names the ordered item; the line's later rows name the item shipped.
          this.orderEvent(order, 'Substitution', 'allocation.engine', line);
          shipAs(line, substitute, order.site);
        }
        if (units > 0) {
          line.unshipped += units;
          picks.push({ line, units });
          this.orderEvent(order, 'Line Allocated', 'allocation.engine', line, units);
        }
        if (backordered > 0) {
          this.orderEvent(order, 'Backordered', 'allocation.engine', line);
          this.backorder(order, line, backordered);
        }
        this.purchasing.check(this.inventory.cell(line.item, order.warehouse.code));
      }
      if (picks.length > 0) this.release(order, picks);
    });
  }

  /** Sets the order's promised date (midnight UTC) and counts it as judged for OTIF when promised early enough. */
  private judge(order: SalesOrder, promisedDay: number, lateSupplierBackorder: boolean): void {
    const { outcome } = order;
    outcome.promisedEnd = promisedDay + DAY_MS;
    outcome.lateSupplierBackorder = lateSupplierBackorder;
    outcome.judged = promisedDay <= this.options.end - OTIF_HORIZON_DAYS * DAY_MS;
    if (!outcome.judged) return;
    const { otif } = this.truth;
    otif.judged += 1;
    if (lateSupplierBackorder) otif.drivers.lateSupplierBackorder.judged += 1;
    if (order.warehouse.code === this.options.scenario.picking.slowWarehouse) otif.drivers.slowWarehouse.judged += 1;
  }

  /** A shipment of `order` is delivered: once every unit is, the order is OTIF if this is by the end of its promised date. */
  private delivered(order: SalesOrder): void {
    const { outcome } = order;
    outcome.inTransit -= 1;
    if (!outcome.judged || outcome.inTransit > 0 || outcome.unitsShipped < outcome.unitsOrdered || this.now >= outcome.promisedEnd) return;
    // Every earlier delivery of the order came before this one, so all were on time.
    outcome.otif = true;
    const { otif } = this.truth;
    otif.otif += 1;
    if (outcome.lateSupplierBackorder) otif.drivers.lateSupplierBackorder.otif += 1;
    if (outcome.deliveryFailed) otif.drivers.deliveryFailed.otif += 1;
    if (order.warehouse.code === this.options.scenario.picking.slowWarehouse) otif.drivers.slowWarehouse.otif += 1;
    this.recountPerfect(order);
  }

  private deliveryFailed(order: SalesOrder): void {
    const { outcome } = order;
    if (outcome.deliveryFailed) return;
    outcome.deliveryFailed = true;
    if (outcome.judged) this.truth.otif.drivers.deliveryFailed.judged += 1;
  }

  /**
   * Keeps `Truth.otif.perfect` up to date with the order: OTIF, no exception,
   * no failed delivery, invoiced in full and not returned. Called whenever the
   * last two can change after the order became OTIF (invoicing, a return).
   */
  private recountPerfect(order: SalesOrder): void {
    const { outcome } = order;
    const perfect = outcome.otif && !outcome.exception && !outcome.deliveryFailed && !outcome.returned && order.toInvoice === 0;
    if (perfect === outcome.perfect) return;
    outcome.perfect = perfect;
    this.truth.otif.perfect += perfect ? 1 : -1;
  }

  /** Queues `units` of `line` for the next receipt of its item; on allocation a new pick wave starts. */
  private backorder(order: SalesOrder, line: SalesLine, units: number): void {
    const cell = this.inventory.cell(line.shipItem, order.warehouse.code);
    this.inventory.backorder(cell, {
      units,
      allocate: (allocated) => {
        line.unshipped += allocated;
        this.orderEvent(order, 'Backorder Allocated', 'allocation.engine', line, allocated);
        this.release(order, [{ line, units: allocated }]);
      },
    });
  }

  /** Released to warehouse → each line picked → packed → a shipment. */
  private release(order: SalesOrder, picks: { line: SalesLine; units: number }[]): void {
    const site = order.site;
    const { picking } = this.options.scenario;
    const slow = order.warehouse.code === picking.slowWarehouse ? picking.slowFactor : 1;
    this.task(site.planner, 2, (planner) => {
      this.orderEvent(order, 'Released to Warehouse', planner);
      let left = picks.length;
      const packed: { line: SalesLine; units: number }[] = [];
      for (const pick of picks) {
        this.task(site.picker, picking.minutesPerLine * slow, (picker) => {
          let units = pick.units;
          if (units > 1 && this.rng.chance(picking.shortPickRate)) {
            // The bin holds less than the book said: a count adjustment, and the rest is backordered again.
            const missing = 1 + this.rng.int(units - 1);
            units -= missing;
            pick.line.unshipped -= missing;
            this.inventory.shortPicked(this.inventory.cell(pick.line.shipItem, order.warehouse.code), missing);
            this.orderEvent(order, 'Short Pick', picker, pick.line, units);
            this.backorder(order, pick.line, missing);
          }
          this.orderEvent(order, 'Picked', picker, pick.line, units);
          packed.push({ line: pick.line, units });
          left -= 1;
          if (left === 0) this.task(site.packer, 6, (packer) => this.pack(order, packed, packer));
        });
      }
    });
  }

  private pack(order: SalesOrder, lines: { line: SalesLine; units: number }[], packer: string): void {
    this.orderEvent(order, 'Packed', packer);
    this.shipmentCount += 1;
    const shipment = `SH-${700000 + this.serial(this.shipmentCount)}`;
    const carrier = this.rng.pick(this.catalogue.carriers);
    const units = lines.reduce((sum, l) => sum + l.units, 0);
    const lineIds = lines.map((l) => l.line.id).join(';');
    const unitsText = String(units);
    const row = (activity: string, resource: string): void => {
      const fields = this.shipmentRow;
      fields[0] = shipment;
      fields[1] = shipment;
      fields[2] = activity;
      fields[3] = this.format.format(this.now);
      fields[4] = resource;
      fields[5] = carrier.id;
      fields[6] = order.warehouse.code;
      fields[7] = order.customer.id;
      fields[8] = order.id;
      fields[9] = lineIds;
      fields[10] = unitsText;
      this.sinks.shipments.appendRow(fields, 11);
    };
    row('Shipment Planned', 'tms');
    this.truth.shipments += 1;
    // The carrier calls at fixed hours on warehouse days: the next pickup after packing.
    let pickup = Number.POSITIVE_INFINITY;
    for (let day = Math.floor(this.now / DAY_MS); pickup === Number.POSITIVE_INFINITY; day++) {
      for (const hour of carrier.pickupHours) {
        const t = day * DAY_MS + hour * HOUR_MS + this.rng.int(20 * 60) * 1000;
        if (t > this.now && isOpen(t, WAREHOUSE) && t < pickup) pickup = t;
      }
    }
    this.agenda.at(pickup, () => {
      row('Picked Up', `${carrier.id}.driver`);
      order.outcome.unitsShipped += units;
      order.outcome.inTransit += 1;
      for (const { line, units: shipped } of lines) {
        line.unshipped -= shipped;
        this.orderEvent(order, 'Shipped', order.site.dock, line, undefined, shipped, undefined, shipment);
      }
      this.system(40 * 60, () => row('In Transit', carrier.id));
      const arrival = this.now + Math.round((this.rng.lognormal(carrier.transitDays, 0.35) * DAY_MS) / 1000) * 1000;
      this.agenda.at(nextWorkingTime(arrival, DELIVERY, this.rng), () => {
        if (this.rng.chance(this.options.scenario.carriers.failureRate)) {
          row('Delivery Failed', carrier.id);
          this.deliveryFailed(order);
          this.system(2 * 3600, () => {
            row('Delivery Rescheduled', carrier.id);
            this.agenda.at(nextWorkingTime(this.now + DAY_MS, DELIVERY, this.rng), () => {
              row('Delivered', carrier.id);
              this.delivered(order);
              this.maybeReturn(order, lines);
            });
          });
        } else {
          row('Delivered', carrier.id);
          this.delivered(order);
          this.maybeReturn(order, lines);
        }
      });
      // The nightly billing run invoices the day's shipments.
      this.agenda.at(nextWorkingTime(this.now + MIN, BILLING_RUN, this.rng), () => {
        this.orderEvent(order, 'Invoiced', 'billing.batch', undefined, undefined, undefined, units, shipment);
        order.toInvoice -= units;
        if (order.toInvoice === 0) {
          this.recountPerfect(order);
          this.awaitPayment(order);
        }
      });
    });
  }

  /**
   * Some deliveries come back: the customer asks to return one line, the
   * warehouse receives and inspects it, decides its disposition, and receivables
   * issue a credit memo (a negative quantity_invoiced). Each return is a case of
   * its own (`RMA-…`, with the order in order_id), so it neither reopens the
   * order nor bends the order's process map. Returned goods go to a returns
   * cage, not back to stock, so the stock ledger is untouched.
   */
  private maybeReturn(order: SalesOrder, lines: { line: SalesLine; units: number }[]): void {
    const { returns } = this.options.scenario;
    if (!this.rng.chance(returns.rate)) return;
    const { line, units } = this.rng.pick(lines);
    const returned = Math.max(1, Math.round(units * (0.2 + 0.8 * this.rng.next())));
    const site = order.site;
    const requested = Math.round(this.rng.lognormal(returns.requestDays * DAY_MS, 0.6) / 1000) * 1000;
    this.agenda.at(this.now + requested, () => {
      this.truth.returns += 1;
      const rma = `RMA-${500000 + this.serial(this.truth.returns)}`;
      const event = (activity: string, resource: string, invoiced?: number): void =>
        this.orderEvent(order, activity, resource, line, undefined, undefined, invoiced, '', rma);
      event('Return Requested', 'customer.portal');
      order.outcome.returned = true;
      this.recountPerfect(order);
      const transit = Math.round(this.rng.lognormal(DAY_MS, 0.4) / 1000) * 1000;
      this.agenda.at(this.now + transit, () =>
        this.task(site.packer, 10, (receiver) => {
          event('Return Received', receiver);
          this.task(site.packer, 15, (inspector) => {
            event('Return Inspected', inspector);
            event('Return Disposition', inspector);
            this.task(this.arTeam, 5, (clerk) => {
              event('Credit Memo', clerk, -returned);
              this.truth.creditMemoUnits += returned;
            });
          });
        }),
      );
    });
  }

  private awaitPayment(order: SalesOrder): void {
    const behaviour = order.customer.payment;
    const wait = behaviour === 'prompt' ? this.rng.lognormal(16 * HOUR_MS, 0.5) : behaviour === 'discount' ? this.rng.lognormal(8 * DAY_MS, 0.15) : this.rng.lognormal(33 * DAY_MS, 0.2);
    const due = Math.round((this.now + wait) / 1000) * 1000;
    const paid = (resource: string): void => {
      this.orderEvent(order, 'Payment Received', resource);
      this.open.delete(order.id);
      this.truth.closeOrder(order.number, order.touched);
    };
    if (behaviour === 'prompt') this.agenda.at(due, () => paid('payments.gateway'));
    else this.agenda.at(due, () => this.task(this.arTeam, 3, paid));
  }
}

/** Carriers deliver on weekdays, 8:00–18:00. */
const DELIVERY: Calendar = { name: 'delivery', openDays: [false, true, true, true, true, true, false], openHour: 8, closeHour: 18, backlogMinutes: 120 };


/** Whether a resource is an office person whose touch makes an order manual. */
function isManual(resource: string): boolean {
  for (const prefix of MANUAL_RESOURCES) if (resource.startsWith(prefix)) return true;
  return false;
}

/** Sets the item a line ships and the row columns that name it. */
function shipAs(line: SalesLine, item: Item, site: Site): void {
  line.shipItem = item;
  line.skuText = site.skuTexts[item.index] ??= `${item.id},${site.code}`;
  line.priceText = site.priceTexts[item.index] ??= item.unitPrice.toFixed(2);
}
