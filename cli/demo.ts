import { convertToOcel, convertToParquet, DEFAULT_DAYS, type DistributorSummary, LINKING_KEYS, loadScenario, STREAM_FILES, writeDistributorCsv } from '../datasets/distributor/index.ts';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProgress } from './progress.ts';

/** The demo `npm start` loads on first run: the simulated distributor's three streams, one log each… */
export const DEMO_LOGS = [
  { name: 'order-to-cash', file: STREAM_FILES.orders },
  { name: 'procure-to-stock', file: STREAM_FILES.purchasing },
  { name: 'shipments', file: STREAM_FILES.shipments },
] as const;

/** …and the three linked by their business keys as one object-centric log, analysed by case notions such as `distributor@order`. */
export const DEMO_LINKED = { name: 'distributor', files: Object.values(STREAM_FILES), objects: LINKING_KEYS } as const;
export const DEMO_OPTIONS = { seed: 7, orders: 3000, start: '2026-01-05', days: 42, format: 'csv' } as const satisfies GenerateOptions;

/**
 * Simulates the demo distributor into `dir` unless a finished simulation with the
 * same options is there already (so a start after an interrupted load does not
 * simulate again); `simulated.json` is written last, as the mark of a whole one.
 */
export async function simulateDemo(dir: string): Promise<void> {
  const finished = join(dir, 'simulated.json');
  const options = JSON.stringify(DEMO_OPTIONS);
  if (existsSync(finished) && readFileSync(finished, 'utf8') === options) return;
  console.log(`Simulating the demo distributor (${DEMO_OPTIONS.orders.toLocaleString('en-US')} orders over ${DEMO_OPTIONS.days} days)…`);
  rmSync(finished, { force: true });
  await generateDistributor(dir, DEMO_OPTIONS);
  writeFileSync(finished, options);
}

export interface GenerateOptions {
  seed: number;
  orders?: number;
  events?: number;
  start?: string;
  days?: number;
  /** `parquet` and `ocel2-json` replace the CSV files (ground-truth.json stays). */
  format: 'csv' | 'parquet' | 'ocel2-json';
  /** Path of a JSON scenario overriding the defaults. */
  scenario?: string;
}

/**
 * `waybill generate`: simulates the distributor into `dir` (three linked CSV
 * streams and ground-truth.json) with a progress bar of simulated days on
 * stderr; `parquet` converts the CSV files afterwards, `ocel2-json` turns them
 * into one OCEL 2.0 JSON log (`ocel.json`).
 */
export async function generateDistributor(dir: string, options: GenerateOptions): Promise<DistributorSummary> {
  const scenario = options.scenario === undefined ? undefined : await loadScenario(options.scenario);
  const days = options.days ?? DEFAULT_DAYS;
  const progress = startProgress('generate', days, 'simulated days');
  let summary: DistributorSummary;
  try {
    summary = await writeDistributorCsv(dir, {
      seed: options.seed,
      ...(options.orders === undefined ? {} : { orders: options.orders }),
      ...(options.events === undefined ? {} : { events: options.events }),
      ...(options.start === undefined ? {} : { start: options.start }),
      days,
      ...(scenario === undefined ? {} : { scenario }),
      onProgress: (fraction) => progress.update(fraction * days),
    });
  } finally {
    progress.stop();
  }
  if (options.format === 'csv') return summary;
  const files = options.format === 'parquet' ? await convertToParquet(dir) : await convertToOcel(dir);
  return { ...summary, files: [...files, 'ground-truth.json'] };
}
