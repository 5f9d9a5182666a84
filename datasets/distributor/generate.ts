import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_MS } from '../order-to-cash/calendar.ts';
import { STREAM_FILES, type StreamName } from './columns.ts';
import { buildGroundTruth, type GroundTruth } from './ground-truth.ts';
import { DEFAULT_SCENARIO, type Scenario } from './scenario.ts';
import { countBranchRows } from './sim/branch-job.ts';
import { BRANCH_COUNT, writeBranches } from './sim/branches.ts';
import type { SimulationOptions } from './sim/simulation.ts';

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
  /** Simulate the branches side by side in worker threads; default: for runs of 20 000 orders or more. The files are the same either way. */
  threads?: boolean;
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
const GROUND_TRUTH_FILE = 'ground-truth.json';

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

/** Events of a pilot simulation of `orders` orders with a seed of its own: sales and shipments, and purchasing. */
function pilotEvents(options: SimulationOptions, orders: number): { sales: number; purchasing: number } {
  const pilot = { ...options, orders, seed: (options.seed ^ 0x5eed) | 0 };
  let sales = 0;
  let purchasing = 0;
  for (let branch = 0; branch < BRANCH_COUNT; branch++) {
    const rows = countBranchRows(pilot, branch);
    sales += rows.orders + rows.shipments;
    purchasing += rows.purchasing;
  }
  return { sales, purchasing };
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

/** Runs of at least this many orders simulate their branches in worker threads by default. */
const THREADED_MIN_ORDERS = 20_000;

/**
 * Simulates the distributor and writes `orders.csv`, `purchasing.csv`,
 * `shipments.csv` and `ground-truth.json` into `dir` (created if missing).
 * Rows stream to disk as the clock advances; the files appear only once all
 * are complete, and a failed run leaves none of its own behind.
 */
export async function writeDistributorCsv(dir: string, options: DistributorOptions): Promise<DistributorSummary> {
  const resolved = resolveDistributorOptions(options);
  await mkdir(dir, { recursive: true });
  const threads = options.threads ?? resolved.orders >= THREADED_MIN_ORDERS;
  const partial = (file: string): string => join(dir, `${file}.${process.pid}.partial`);
  const partials = { orders: partial(STREAM_FILES.orders), purchasing: partial(STREAM_FILES.purchasing), shipments: partial(STREAM_FILES.shipments) };
  const truthPartial = partial(GROUND_TRUTH_FILE);
  let manifest: GroundTruth;
  try {
    const run = await writeBranches(resolved, partials, threads, options.onProgress);
    options.onProgress?.(1);
    manifest = buildGroundTruth(resolved, run.truth, run.ledger, run.rows);
    await writeFile(truthPartial, `${JSON.stringify(manifest, null, 2)}\n`);
    for (const stream of Object.keys(STREAM_FILES) as StreamName[]) await rename(partials[stream], join(dir, STREAM_FILES[stream]));
    await rename(truthPartial, join(dir, GROUND_TRUTH_FILE));
  } catch (error) {
    await Promise.all([...Object.values(partials), truthPartial].map((path) => rm(path, { force: true })));
    throw error;
  }
  return {
    dir,
    files: [...Object.values(STREAM_FILES), GROUND_TRUTH_FILE],
    events: manifest.events,
    orders: resolved.orders,
  };
}
