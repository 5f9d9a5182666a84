import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../ingest/index.ts';
import { REAL_LOGS_DIR, realLog } from '../test-support/real-logs.ts';
import { tempStore } from '../test-support/temp-store.ts';
import type { Store } from '../store/db.ts';
import { discoverProcessMap, getCaseDurations, getVariants } from './index.ts';

/**
 * Every real log in ../shared/datasets/real, ingested and mined, must give the
 * numbers PM4Py 2.7.14 gives (expected/<log>.json): counts exactly, durations within
 * 1e-6 relative. For XES files whose UTC offsets PM4Py drops, the corrected values
 * (`utc_offsets_honored`) are the reference.
 */
// Every case-based log in the folder (the OCEL logs are object-centric: another issue's).
const LOGS = readdirSync(REAL_LOGS_DIR)
  .filter((file) => /\.(xes|xes\.gz|csv)$/.test(file) && !file.startsWith('ocel'))
  .sort()
  .map((file) => ({ file, expected: `${file.replace(/\.gz$/, '').replace(/\.xes$/, '').replace(/\.csv$/, '_csv')}.json` }));

interface PerformanceEdge {
  from: string;
  to: string;
  mean: number;
  median: number;
  min: number;
  max: number;
  sum: number;
  stdev: number | null;
}
interface CaseDurationSeconds {
  min: number;
  median: number;
  mean: number;
  max: number;
}
interface Expected {
  pm4py: {
    events: number;
    cases: number;
    activities: number;
    activity_names: string[];
    start_activities: Record<string, number>;
    end_activities: Record<string, number>;
    dfg: { from: string; to: string; count: number }[];
    performance_dfg_seconds: PerformanceEdge[];
    variant_count: number;
    top_variants: { count: number; activities: string[] }[];
    case_duration_seconds: CaseDurationSeconds;
  };
  utc_offsets_honored?: {
    equal_to_pm4py: Record<string, boolean>;
    performance_dfg_seconds?: PerformanceEdge[];
    case_duration_seconds?: CaseDurationSeconds;
  };
}

function expectClose(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  const tolerance = Math.max(Math.abs(expected) * 1e-6, 1e-9);
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs PM4Py ${expected}`).toBeLessThanOrEqual(tolerance);
}

let store: Store;
let remove: () => void;
beforeAll(async () => {
  ({ store, remove } = await tempStore());
});
afterAll(() => remove());

it('finds the eight reference logs', () => {
  expect(LOGS.map((log) => log.file)).toEqual([
    'bpic2012.xes.gz',
    'bpic2020_RequestForPayment.xes.gz',
    'helpdesk.xes.gz',
    'receipt.csv',
    'receipt.xes',
    'running-example.csv',
    'running-example.xes',
    'sepsis_1t_per_variant.xes.gz',
  ]);
});

describe.each(LOGS)('$file matches PM4Py', ({ file, expected: expectedFile }) => {
  const expected = JSON.parse(readFileSync(realLog(`expected/${expectedFile}`), 'utf8')) as Expected;
  const reference = expected.pm4py;
  const honored = expected.utc_offsets_honored;
  const performance = honored?.performance_dfg_seconds ?? reference.performance_dfg_seconds;
  const caseDurations = honored?.case_duration_seconds ?? reference.case_duration_seconds;
  const name = file.replaceAll('.', '_');

  beforeAll(async () => {
    await ingestFile(store, realLog(file), { name });
  });

  it('has the same events, cases, activities, start and end activities', async () => {
    const map = await discoverProcessMap(store, name);
    expect(map.events).toBe(reference.events);
    expect(map.cases).toBe(reference.cases);
    expect(map.activities.map((a) => a.name).sort()).toEqual([...reference.activity_names].sort());
    expect(Object.fromEntries(map.start.map((s) => [s.activity, s.count]))).toEqual(reference.start_activities);
    expect(Object.fromEntries(map.end.map((s) => [s.activity, s.count]))).toEqual(reference.end_activities);
  });

  it('has every DFG edge with the same count and duration statistics', async () => {
    const map = await discoverProcessMap(store, name);
    const key = (e: { from: string; to: string }) => `${e.from} → ${e.to}`;
    expect(map.edges.map((e) => [key(e), e.count]).sort()).toEqual(reference.dfg.map((e) => [key(e), e.count]).sort());
    const byKey = new Map(map.edges.map((e) => [key(e), e.duration]));
    expect(performance).toHaveLength(reference.dfg.length);
    for (const edge of performance) {
      const ours = byKey.get(key(edge));
      expect(ours, key(edge)).toBeDefined();
      for (const stat of ['mean', 'median', 'min', 'max', 'sum', 'stdev'] as const) expectClose(ours![stat], edge[stat], `${key(edge)} ${stat}`);
    }
  });

  it('has the same variants, most frequent first', async () => {
    const variants = await getVariants(store, name, {}, { limit: reference.top_variants.length });
    expect(variants.variantCount).toBe(reference.variant_count);
    expect(variants.cases).toBe(reference.cases);
    expect(variants.variants.map((v) => ({ count: v.count, activities: v.activities }))).toEqual(
      reference.top_variants.map((v) => ({ count: v.count, activities: v.activities })),
    );
  });

  it('has the same case durations', async () => {
    const durations = await getCaseDurations(store, name);
    expect(durations.cases).toBe(reference.cases);
    for (const stat of ['min', 'median', 'mean', 'max'] as const) expectClose(durations.seconds[stat], caseDurations[stat], `case duration ${stat}`);
    expect(durations.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(reference.cases);
  });
});
