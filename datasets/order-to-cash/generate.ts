import { ArrivalSchedule } from './arrivals.ts';
import { DAY_MS } from './calendar.ts';
import { csvField, csvRecord, writeTextFileAtomically } from './csv.ts';
import { createMasterData } from './master-data.ts';
import { ACTIVITIES, type Activity, drawOrder, type Order, orderEvents, type OrderToCashEvent } from './process.ts';
import { Random } from './random.ts';
import { IsoTimestampFormatter } from './timestamp.ts';

/** What to generate. Give `orders` or `events`, not both; neither means 10 000 orders. */
export interface OrderToCashOptions {
  /** Integer seed: the same seed and options give the same log, byte for byte. */
  seed: number;
  /** Number of orders (cases) to capture in the period. */
  orders?: number;
  /** Approximate number of events wanted; the order count is derived from it. */
  events?: number;
  /** First day of the period, `YYYY-MM-DD` (UTC). Default `2026-01-05`, a Monday. */
  start?: string;
  /** Length of the period in whole days. Default 42. Orders still running at its end stay open. */
  days?: number;
}

/** Options checked and turned into numbers: the period is [start, end) in epoch ms. */
export interface ResolvedOrderToCashOptions {
  readonly seed: number;
  readonly orders: number;
  readonly start: number;
  readonly end: number;
}

export interface OrderToCashCsvSummary {
  events: number;
  cases: number;
  /** Activities that occur in the file, in process order. */
  activities: string[];
  /** Earliest and latest timestamp in the file (ISO 8601), or '' when it has no events. */
  first: string;
  last: string;
}

export const ORDER_TO_CASH_COLUMNS = [
  'order_id',
  'activity',
  'timestamp',
  'resource',
  'channel',
  'customer',
  'customer_tier',
  'warehouse',
  'sku',
  'quantity',
  'order_value',
] as const;

const DEFAULT_ORDERS = 10_000;
const DEFAULT_START = '2026-01-05';
const DEFAULT_DAYS = 42;
/** Orders simulated to learn the mean events per order when `events` is the target. */
const PILOT_ORDERS = 2_000;

/**
 * The events of a synthetic distributor's order-to-cash log, order by order,
 * each order's events in time order. Options are checked at once; events are
 * made as they are pulled, and memory stays constant however many orders are
 * asked for: nothing but the master data is kept between orders.
 */
export function orderToCashEvents(options: OrderToCashOptions): Generator<OrderToCashEvent, void, undefined> {
  return generateEvents(resolveOrderToCashOptions(options));
}

function* generateEvents(options: ResolvedOrderToCashOptions): Generator<OrderToCashEvent, void, undefined> {
  const { seed, orders, start, end } = options;
  const rng = new Random(seed);
  const master = createMasterData(rng);
  const arrivals = new ArrivalSchedule(start, end);
  for (let i = 0; i < orders; i++) {
    const order = drawOrder(i, arrivals.at((i + rng.next()) / orders), master, rng);
    yield* orderEvents(order, end, rng);
  }
}

/**
 * Checks options and fills in defaults. An `events` target becomes an order
 * count by dividing it by the mean events per order of a short pilot run over
 * the same period (orders near the period's end stop early, so the mean
 * depends on the period).
 */
export function resolveOrderToCashOptions(options: OrderToCashOptions): ResolvedOrderToCashOptions {
  const { seed, orders, events } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const start = parseDay(options.start ?? DEFAULT_START);
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isSafeInteger(days) || days < 1) throw new RangeError(`days must be a whole number ≥ 1, got ${days}`);
  const end = start + days * DAY_MS;
  if (orders !== undefined && events !== undefined) {
    throw new RangeError('give either orders or events, not both');
  }
  if (orders !== undefined) {
    if (!Number.isSafeInteger(orders) || orders < 0) throw new RangeError(`orders must be a whole number ≥ 0, got ${orders}`);
    return { seed, orders, start, end };
  }
  if (events !== undefined) {
    if (!Number.isFinite(events) || events < 0) throw new RangeError(`events must be a number ≥ 0, got ${events}`);
    if (events === 0) return { seed, orders: 0, start, end };
    const perOrder = meanEventsPerOrder(seed, start, end);
    return { seed, orders: Math.max(1, Math.round(events / perOrder)), start, end };
  }
  return { seed, orders: DEFAULT_ORDERS, start, end };
}

/** Epoch ms of midnight UTC of a `YYYY-MM-DD` day; other forms are refused, as they may mean local time. */
function parseDay(text: string): number {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00.000Z`) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March; a round trip catches such days.
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text) throw new RangeError(`start must be a date as YYYY-MM-DD, got '${text}'`);
  return time;
}

/** Mean events per order over a pilot run with a seed of its own. */
function meanEventsPerOrder(seed: number, start: number, end: number): number {
  const pilot = generateEvents({ seed: (seed ^ 0x5eed) | 0, orders: PILOT_ORDERS, start, end });
  let events = 0;
  while (!pilot.next().done) events += 1;
  return Math.max(1, events / PILOT_ORDERS);
}

/** The CSV columns after `resource`, which are the same for every event of an order. */
function orderColumns(order: Order): string {
  const values = [
    order.channel,
    order.customer.id,
    order.customer.tier,
    order.warehouse.code,
    order.sku.id,
    String(order.quantity),
    order.value.toFixed(2),
  ];
  return `,${csvRecord(values)}`;
}

/**
 * Generates the log and writes it as CSV (header first, LF line ends, RFC 4180
 * quoting) to `path`, streaming in chunks with bounded memory; the file appears
 * only once complete. Returns what was written.
 */
export async function writeOrderToCashCsv(path: string, options: OrderToCashOptions): Promise<OrderToCashCsvSummary> {
  const events = orderToCashEvents(options); // throws on bad options before any file is opened
  const formatter = new IsoTimestampFormatter();
  const seen = new Set<Activity>();
  let count = 0;
  let cases = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let current: Order | undefined;
  let orderId = '';
  let rest = '';
  await writeTextFileAtomically(path, async (out) => {
    out.append(csvRecord(ORDER_TO_CASH_COLUMNS));
    for (const event of events) {
      if (event.order !== current) {
        current = event.order;
        orderId = csvField(current.id);
        rest = orderColumns(current);
        cases += 1;
      }
      out.append(
        `${orderId},${csvField(event.activity)},${formatter.format(event.time)},${csvField(event.resource)}${rest}`,
      );
      count += 1;
      seen.add(event.activity);
      if (event.time < first) first = event.time;
      if (event.time > last) last = event.time;
      if (out.isFull) await out.flush();
    }
  });
  return {
    events: count,
    cases,
    activities: ACTIVITIES.filter((activity) => seen.has(activity)),
    first: count === 0 ? '' : formatter.format(first),
    last: count === 0 ? '' : formatter.format(last),
  };
}
