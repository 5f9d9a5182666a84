/**
 * `npm run bench`: generates an order-to-cash log of about 1M events (BENCH_EVENTS
 * overrides), then times in one run CSV ingest, process map, variants and case
 * durations through Waybill's functions and the same steps as plain DuckDB SQL
 * (the floor). Query times are warm: the median of several runs after one warm-up.
 * It also times CSV ingest at 1M and 10M events against plain read_csv, and the
 * distributor simulation at 1M and 10M events, each in a child process with its peak memory.
 * KPIs and reconciliation need the linked streams: they are timed on the simulated
 * distributor of about 1M events (BENCH_EVENTS) ingested as one linked log.
 * Writes bench/results/<date>.json and prints a table with the ratios to the floor.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeDistributorCsv } from '../datasets/distributor/index.ts';
import { writeOrderToCashCsv } from '../datasets/order-to-cash/index.ts';
import { ingestFile } from '../ingest/index.ts';
import {
  discoverProcessMap,
  getBottlenecks,
  getCaseDurations,
  getDurationBreakdown,
  getDurationTrend,
  getExceptionTrends,
  getKpis,
  getMilestoneDurations,
  getQueueAging,
  getVariants,
} from '../mining/index.ts';
import { openStore } from '../store/db.ts';
import { quoteLiteral } from '../store/sql.ts';
import {
  FLOOR_ATTRIBUTE_FILTERED_MAP,
  FLOOR_BOTTLENECKS,
  FLOOR_BREAKDOWN,
  FLOOR_CASE_DURATIONS,
  FLOOR_EXCEPTIONS,
  FLOOR_INGEST,
  FLOOR_MILESTONE,
  FLOOR_PROCESS_MAP,
  FLOOR_QUEUE_AGING,
  FLOOR_TREND,
  FLOOR_VARIANTS,
} from './floor.ts';
import { runAll, time, warm } from './timing.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', 'data');
const RESULTS = join(ROOT, 'bench', 'results');
const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SEED = 42;
// The distributor simulation's speed and memory at these sizes (BENCH_GENERATE=1000000 for one size).
const GENERATE_SIZES = (process.env.BENCH_GENERATE ?? '1000000,10000000').split(',').filter(Boolean).map(Number);
// CSV ingest at scale, Waybill against the floor (BENCH_INGEST=1000000 for one size).
const INGEST_SIZES = (process.env.BENCH_INGEST ?? '1000000,10000000').split(',').filter(Boolean).map(Number);

interface IngestRun {
  targetEvents: number;
  events: number;
  waybill: { ms: number; eventsPerSecond: number; peakRssMiB: number };
  floor: { ms: number; eventsPerSecond: number; peakRssMiB: number };
}

/** Loads a generated order-to-cash CSV of about `targetEvents` events through Waybill and as the floor, each in a child process. */
async function benchIngest(targetEvents: number): Promise<IngestRun> {
  const csv = join(DATA, `orders-${targetEvents}.csv`);
  if (!existsSync(csv)) await writeOrderToCashCsv(csv, { seed: SEED, events: targetEvents });
  const child = (how: 'waybill' | 'floor') => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'ingest.ts'), how, csv, join(DATA, `ingest-${how}.duckdb`)], { cwd: ROOT, encoding: 'utf8' });
    const { events, ms, peakRssMiB } = JSON.parse(output.trim().split('\n').at(-1)!) as { events: number; ms: number; peakRssMiB: number };
    return { events, run: { ms, eventsPerSecond: Math.round(events / (ms / 1000)), peakRssMiB } };
  };
  const waybill = child('waybill');
  const floor = child('floor');
  return { targetEvents, events: waybill.events, waybill: waybill.run, floor: floor.run };
}

interface GenerateRun {
  targetEvents: number;
  events: number;
  ms: number;
  eventsPerSecond: number;
  peakRssMiB: number;
}

/** Runs the generator in a child process, so its peak memory is its own. */
function benchGenerate(targetEvents: number): GenerateRun {
  const dir = join(DATA, `distributor-${targetEvents}`);
  const output = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'generate.ts'), dir, String(targetEvents)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  rmSync(dir, { recursive: true, force: true });
  const { events, ms, peakRssMiB } = JSON.parse(output.trim().split('\n').at(-1)!) as { events: number; ms: number; peakRssMiB: number };
  return { targetEvents, events, ms, eventsPerSecond: Math.round(events / (ms / 1000)), peakRssMiB };
}

interface LinkedRun {
  events: number;
  ingestMs: number;
  kpis: { waybillMs: number; floorMs: number };
  reconciliation: { waybillMs: number; floorMs: number };
}

/** KPIs and reconciliation on the simulated distributor loaded as one linked log, in a child process (see linked.ts). */
async function benchLinked(targetEvents: number): Promise<LinkedRun> {
  const dir = join(DATA, `distributor-linked-${targetEvents}`);
  if (!existsSync(join(dir, 'ground-truth.json'))) await writeDistributorCsv(dir, { seed: SEED, events: targetEvents });
  const output = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'linked.ts'), dir, DATA], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1)!) as LinkedRun;
}

interface Row {
  step: string;
  waybillMs: number;
  floorMs: number;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  const csv = join(DATA, `orders-${TARGET_EVENTS}.csv`);
  let generateMs: number | null = null;
  let generated: { events: number; cases: number } | null = null;
  if (!existsSync(csv)) {
    console.log(`Generating about ${TARGET_EVENTS.toLocaleString('en-US')} events…`);
    const run = await time(() => writeOrderToCashCsv(csv, { seed: SEED, events: TARGET_EVENTS }));
    generateMs = run.ms;
    generated = run.result;
  }
  const bytes = statSync(csv).size;

  // Waybill: ingest into a fresh store, then the analyses on it.
  const dbPath = join(DATA, 'bench.duckdb');
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  const store = await openStore(dbPath);
  console.log('Ingesting through Waybill…');
  const ingest = await time(() => ingestFile(store, csv, { name: 'bench' }));
  const { events, cases, activities, variants } = ingest.result;
  console.log('Timing Waybill analyses…');
  const processMapMs = await warm(() => discoverProcessMap(store, 'bench'));
  const variantsMs = await warm(() => getVariants(store, 'bench'));
  const caseDurationsMs = await warm(() => getCaseDurations(store, 'bench'));
  const filteredMs = await warm(() => discoverProcessMap(store, 'bench', { timeframe: { from: '2026-01-19', to: '2026-02-01', mode: 'started' } }));
  // The operational analyses, warm; the same questions as plain SQL on the raw table follow below.
  const EXCEPTION_TYPES = { 'Pricing discrepancy': ['Pricing Discrepancy'], 'Credit hold': ['Credit Hold'], 'Inventory shortage': ['Inventory Shortage'] };
  const MILESTONE = { from: 'Order Captured', to: 'Shipped' };
  const aging = await getQueueAging(store, 'bench');
  const operations = {
    queueAging: await warm(() => getQueueAging(store, 'bench')),
    bottlenecks: await warm(() => getBottlenecks(store, 'bench')),
    exceptionTrends: await warm(() =>
      getExceptionTrends(store, 'bench', {}, { exceptions: Object.entries(EXCEPTION_TYPES).map(([type, activities]) => ({ type, activities })), drivers: [] }),
    ),
    attributeFilteredMap: await warm(() => discoverProcessMap(store, 'bench', { attributes: [{ name: 'channel', op: 'equals', value: 'EDI' }] })),
    milestone: await warm(() => getMilestoneDurations(store, 'bench', {}, MILESTONE)),
    breakdown: await warm(() => getDurationBreakdown(store, 'bench', {}, { by: 'warehouse' })),
    trend: await warm(() => getDurationTrend(store, 'bench', {}, { period: 'week' })),
    kpis: await warm(() => getKpis(store, 'bench')),
    halfActivitiesMap: await warm(() => discoverProcessMap(store, 'bench', {}, { activities: 0.5, paths: 0.3 })),
  };

  // The floor: plain DuckDB, read_csv into a table, queries on it.
  const floorPath = join(DATA, 'floor.duckdb');
  rmSync(floorPath, { force: true });
  rmSync(`${floorPath}.wal`, { force: true });
  const floor = await DuckDBInstance.create(floorPath, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const connection = await floor.connect();
  console.log('Timing the plain-SQL floor…');
  const floorIngestMs = (await time(() => connection.run(FLOOR_INGEST(quoteLiteral(csv))))).ms;
  const floorProcessMapMs = await warm(() => runAll(connection, FLOOR_PROCESS_MAP));
  const floorVariantsMs = await warm(() => runAll(connection, FLOOR_VARIANTS));
  const floorCaseDurationsMs = await warm(() => runAll(connection, FLOOR_CASE_DURATIONS));
  const floorOperations = {
    queueAging: await warm(() => runAll(connection, FLOOR_QUEUE_AGING(aging.endActivities))),
    bottlenecks: await warm(() => runAll(connection, FLOOR_BOTTLENECKS)),
    exceptionTrends: await warm(() => runAll(connection, FLOOR_EXCEPTIONS(EXCEPTION_TYPES))),
    attributeFilteredMap: await warm(() => runAll(connection, FLOOR_ATTRIBUTE_FILTERED_MAP)),
    milestone: await warm(() => runAll(connection, FLOOR_MILESTONE(MILESTONE.from, MILESTONE.to))),
    breakdown: await warm(() => runAll(connection, FLOOR_BREAKDOWN)),
    trend: await warm(() => runAll(connection, FLOOR_TREND)),
  };
  connection.closeSync();
  floor.closeSync();

  console.log(`Timing KPIs and reconciliation on the distributor linked from three streams, about ${TARGET_EVENTS.toLocaleString('en-US')} events…`);
  const linked = await benchLinked(TARGET_EVENTS);

  const ingestRuns: IngestRun[] = [];
  for (const size of INGEST_SIZES) {
    console.log(`Ingesting about ${size.toLocaleString('en-US')} events, Waybill and the floor, each in its own process…`);
    ingestRuns.push(await benchIngest(size));
  }

  const distributorRuns = GENERATE_SIZES.map((size) => {
    console.log(`Simulating the distributor: about ${size.toLocaleString('en-US')} events…`);
    return benchGenerate(size);
  });

  const rows: Row[] = [
    { step: 'CSV ingest', waybillMs: ingest.ms, floorMs: floorIngestMs },
    { step: 'process map (warm)', waybillMs: processMapMs, floorMs: floorProcessMapMs },
    { step: 'variants (warm)', waybillMs: variantsMs, floorMs: floorVariantsMs },
    { step: 'case durations (warm)', waybillMs: caseDurationsMs, floorMs: floorCaseDurationsMs },
    { step: 'queue aging (warm)', waybillMs: operations.queueAging, floorMs: floorOperations.queueAging },
    { step: 'bottlenecks (warm)', waybillMs: operations.bottlenecks, floorMs: floorOperations.bottlenecks },
    { step: 'exception trends (warm)', waybillMs: operations.exceptionTrends, floorMs: floorOperations.exceptionTrends },
    { step: 'map, attribute filter (warm)', waybillMs: operations.attributeFilteredMap, floorMs: floorOperations.attributeFilteredMap },
    { step: 'milestone durations (warm)', waybillMs: operations.milestone, floorMs: floorOperations.milestone },
    { step: 'duration breakdown (warm)', waybillMs: operations.breakdown, floorMs: floorOperations.breakdown },
    { step: 'duration trend (warm)', waybillMs: operations.trend, floorMs: floorOperations.trend },
    { step: 'KPIs, linked log (warm)', waybillMs: linked.kpis.waybillMs, floorMs: linked.kpis.floorMs },
    { step: 'reconciliation (warm)', waybillMs: linked.reconciliation.waybillMs, floorMs: linked.reconciliation.floorMs },
    {
      step: 'map + variants + durations',
      waybillMs: processMapMs + variantsMs + caseDurationsMs,
      floorMs: floorProcessMapMs + floorVariantsMs + floorCaseDurationsMs,
    },
  ];
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    log: { events, cases, activities, variants, csvBytes: bytes, generateMs, generated },
    ingestEventsPerSecond: Math.round(events / (ingest.ms / 1000)),
    floorIngestEventsPerSecond: Math.round(events / (floorIngestMs / 1000)),
    filteredProcessMapMs: filteredMs,
    operations,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    linked: { events: linked.events, ingestMs: linked.ingestMs },
    ingestAtScale: ingestRuns,
    distributorGenerate: distributorRuns,
    steps: rows.map((r) => ({ ...r, ratioToFloor: r.waybillMs / r.floorMs })),
  };
  const file = join(RESULTS, `${result.date.slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  const pad = (s: string, n: number) => s.padEnd(n);
  const ms = (v: number) => `${v.toFixed(v < 100 ? 1 : 0)} ms`.padStart(10);
  console.log(`\n${events.toLocaleString('en-US')} events, ${cases.toLocaleString('en-US')} cases, ${activities} activities, ${variants.toLocaleString('en-US')} variants`);
  if (generateMs !== null) console.log(`generated in ${(generateMs / 1000).toFixed(2)} s`);
  console.log(`${pad('step', 30)}${'waybill'.padStart(10)}${'floor'.padStart(10)}   ratio`);
  for (const r of result.steps) console.log(`${pad(r.step, 30)}${ms(r.waybillMs)}${ms(r.floorMs)}   ${r.ratioToFloor.toFixed(2)}×`);
  console.log(`ingest: ${result.ingestEventsPerSecond.toLocaleString('en-US')} events/s (floor read_csv ${result.floorIngestEventsPerSecond.toLocaleString('en-US')} events/s)`);
  console.log(`process map with a two-week filter: ${filteredMs.toFixed(1)} ms; peak RSS ${result.peakRssMiB} MiB`);
  console.log(`linked distributor: ${linked.events.toLocaleString('en-US')} events, linked ingest of the three CSVs ${(linked.ingestMs / 1000).toFixed(1)} s`);
  console.log(`KPIs on the single-stream log ${operations.kpis.toFixed(1)} ms; process map with half the activities and 30 % of paths ${operations.halfActivitiesMap.toFixed(1)} ms (warm; no floor)`);
  for (const r of ingestRuns) {
    console.log(
      `CSV ingest ${r.events.toLocaleString('en-US')} events: Waybill ${(r.waybill.ms / 1000).toFixed(1)} s = ${r.waybill.eventsPerSecond.toLocaleString('en-US')} events/s, ` +
        `peak RSS ${r.waybill.peakRssMiB} MiB; floor ${(r.floor.ms / 1000).toFixed(1)} s = ${r.floor.eventsPerSecond.toLocaleString('en-US')} events/s, peak RSS ${r.floor.peakRssMiB} MiB`,
    );
  }
  for (const g of distributorRuns) {
    console.log(
      `distributor simulation: ${g.events.toLocaleString('en-US')} events in ${(g.ms / 1000).toFixed(1)} s = ` +
        `${g.eventsPerSecond.toLocaleString('en-US')} events/s, peak RSS ${g.peakRssMiB} MiB`,
    );
  }
  console.log(`written to ${file}`);
}

await main();
