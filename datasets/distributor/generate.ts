import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_MS } from '../order-to-cash/calendar.ts';
import type { ChunkedTextWriter } from '../order-to-cash/csv.ts';
import { writeTextFileAtomically } from '../order-to-cash/csv.ts';
import { header, type LineSink, STREAM_FILES, type Sinks } from './columns.ts';
import { buildGroundTruth, type GroundTruth } from './ground-truth.ts';
import { DEFAULT_SCENARIO, type Scenario } from './scenario.ts';
import { Simulation, type SimulationOptions } from './sim/simulation.ts';

/** What to simulate. Give `orders` or `events`, not both; neither means 5 000 orders. */
export interface DistributorOptions {
  /** Integer seed: the same seed, options and scenario give the same files, byte for byte. */
  seed: number;
  orders?: number;
  /** Approximate number of events over the three files; the order count is derived from a pilot run. */
  events?: number;
  /** First day, `YYYY-MM-DD` (UTC). Default `2026-01-05`, a Monday. */
  start?: string;
  /** Length of the period in days. Default 42. */
  days?: number;
  scenario?: Scenario;
  /** Called now and then with the simulated fraction of the period done (0–1), for a progress display. */
  onProgress?: (fraction: number) => void;
}

export interface DistributorSummary {
  dir: string;
  files: string[];
  events: { orders: number; purchasing: number; shipments: number; total: number };
  orders: number;
}

const DEFAULT_ORDERS = 5_000;
const PILOT_ORDERS = 4_000;

/** Checks options and turns them into a simulation's inputs. */
/** The period simulated when `days` is not given: six weeks. */
export const DEFAULT_DAYS = 42;

export function resolveDistributorOptions(options: DistributorOptions): SimulationOptions {
  const { seed, orders, events } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const start = parseDay(options.start ?? '2026-01-05');
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isSafeInteger(days) || days < 1) throw new RangeError(`days must be a whole number ≥ 1, got ${days}`);
  const end = start + days * DAY_MS;
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  if (orders !== undefined && events !== undefined) throw new RangeError('give either orders or events, not both');
  if (orders !== undefined) {
    if (!Number.isSafeInteger(orders) || orders < 0) throw new RangeError(`orders must be a whole number ≥ 0, got ${orders}`);
    return { seed, orders, start, end, scenario };
  }
  if (events !== undefined) {
    if (!Number.isSafeInteger(events) || events < 0) throw new RangeError(`events must be a whole number ≥ 0, got ${events}`);
    return { seed, orders: events === 0 ? 0 : ordersForEvents(events, { seed, orders: 0, start, end, scenario }), start, end, scenario };
  }
  return { seed, orders: DEFAULT_ORDERS, start, end, scenario };
}

function parseDay(text: string): number {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00.000Z`) : Number.NaN;
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text) throw new RangeError(`start must be a date as YYYY-MM-DD, got '${text}'`);
  return time;
}

/** Counts rows instead of writing them (pilot runs). */
class Counter implements LineSink {
  rows = 0;
  append(): void {
    this.rows += 1;
  }

  appendRow(): void {
    this.rows += 1;
  }
}

/** Events of a pilot simulation of `orders` orders with a seed of its own: sales and shipments, and purchasing. */
function pilotEvents(options: SimulationOptions, orders: number): { sales: number; purchasing: number } {
  const sinks = { orders: new Counter(), purchasing: new Counter(), shipments: new Counter() };
  const sim = new Simulation({ ...options, orders, seed: (options.seed ^ 0x5eed) | 0 }, sinks);
  // The pilot never pauses, so run() does all its work before returning its promise.
  void sim.run(() => undefined);
  return { sales: sinks.orders.rows + sinks.shipments.rows, purchasing: sinks.purchasing.rows };
}

/**
 * The order count that gives about `events` events. Sales and shipment rows
 * grow in proportion to orders; purchasing grows much more slowly, as POs batch
 * many order lines and the catalogue bounds the lines a run can order. So
 * events are modelled as r·orders + p·√(orders / pilot), with the sales rate r
 * and purchasing p of a pilot run, and solved for orders.
 */
function ordersForEvents(events: number, options: SimulationOptions): number {
  const pilot = pilotEvents(options, PILOT_ORDERS);
  const rate = Math.max(1, pilot.sales / PILOT_ORDERS);
  const p = pilot.purchasing / Math.sqrt(PILOT_ORDERS);
  // r·x² + p·x − events = 0 with x = √orders.
  const x = (-p + Math.sqrt(p * p + 4 * rate * events)) / (2 * rate);
  const orders = Math.max(1, Math.round(x * x));
  if (orders >= PILOT_ORDERS / 2) return orders;
  // Small runs: scale by a pilot of the estimated size itself (cheap at this size).
  const small = pilotEvents(options, orders);
  return Math.max(1, Math.round((orders * events) / Math.max(1, small.sales + small.purchasing)));
}

/** Counts the rows it passes on to a file writer. */
class CountingSink implements LineSink {
  rows = 0;
  constructor(readonly out: ChunkedTextWriter) {}
  append(text: string): void {
    this.rows += 1;
    this.out.append(text);
  }

  appendRow(fields: readonly string[], count: number): void {
    this.rows += 1;
    this.out.appendRow(fields, count);
  }
}

/**
 * Simulates the distributor and writes `orders.csv`, `purchasing.csv`,
 * `shipments.csv` and `ground-truth.json` into `dir` (created if missing).
 * Rows stream to disk as the clock advances; each file appears atomically.
 */
export async function writeDistributorCsv(dir: string, options: DistributorOptions): Promise<DistributorSummary> {
  const resolved = resolveDistributorOptions(options);
  await mkdir(dir, { recursive: true });
  const { onProgress } = options;
  let truth: GroundTruth | undefined;
  await writeTextFileAtomically(join(dir, STREAM_FILES.orders), (ordersOut) =>
    writeTextFileAtomically(join(dir, STREAM_FILES.purchasing), (purchasingOut) =>
      writeTextFileAtomically(join(dir, STREAM_FILES.shipments), async (shipmentsOut) => {
        const sinks = { orders: new CountingSink(ordersOut), purchasing: new CountingSink(purchasingOut), shipments: new CountingSink(shipmentsOut) };
        ordersOut.append(header('orders'));
        purchasingOut.append(header('purchasing'));
        shipmentsOut.append(header('shipments'));
        const sim = new Simulation(resolved, sinks satisfies Sinks);
        const span = resolved.end - resolved.start;
        let steps = 0;
        await sim.run(() => {
          steps += 1;
          if (onProgress !== undefined && (steps & 0xffff) === 0) onProgress(Math.min(1, (sim.clock - resolved.start) / span));
          if (ordersOut.isFull || purchasingOut.isFull || shipmentsOut.isFull) {
            return Promise.all([ordersOut.flush(), purchasingOut.flush(), shipmentsOut.flush()]).then(() => undefined);
          }
          return undefined;
        });
        onProgress?.(1);
        truth = buildGroundTruth(sim, { orders: sinks.orders.rows, purchasing: sinks.purchasing.rows, shipments: sinks.shipments.rows });
      }),
    ),
  );
  const manifest = truth as GroundTruth;
  const path = join(dir, 'ground-truth.json');
  const partial = `${path}.${process.pid}.partial`;
  try {
    await writeFile(partial, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return {
    dir,
    files: [...Object.values(STREAM_FILES), 'ground-truth.json'],
    events: manifest.events,
    orders: resolved.orders,
  };
}
