import type { DurationStats, ProcessMap } from '../mining/index.ts';

/** A case for a test map: its activities in order and the seconds between them (1h each unless given). */
export interface TestCase {
  activities: string[];
  gaps?: number[];
  /** How many identical cases. */
  times?: number;
}

/**
 * Builds the process map of a handful of hand-written cases, with the semantics of
 * mining's discoverProcessMap, so tests of the map's drawing need no database.
 */
export function mapOf(cases: TestCase[], log = 'test'): ProcessMap {
  const activities = new Map<string, { count: number; cases: number }>();
  const edges = new Map<string, { from: string; to: string; seconds: number[] }>();
  const start = new Map<string, number>();
  const end = new Map<string, number>();
  let caseCount = 0;
  let events = 0;
  for (const { activities: trace, gaps = [], times = 1 } of cases) {
    for (let copy = 0; copy < times; copy++) {
      caseCount++;
      events += trace.length;
      for (const name of trace) bump(activities, name).count++;
      for (const name of new Set(trace)) bump(activities, name).cases++;
      trace.forEach((from, i) => {
        const to = trace[i + 1];
        if (to === undefined) return;
        const key = `${from}\u0000${to}`;
        const edge = edges.get(key) ?? { from, to, seconds: [] };
        edge.seconds.push(gaps[i] ?? 3600);
        edges.set(key, edge);
      });
      const first = trace[0];
      const last = trace.at(-1);
      if (first !== undefined) start.set(first, (start.get(first) ?? 0) + 1);
      if (last !== undefined) end.set(last, (end.get(last) ?? 0) + 1);
    }
  }
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    log,
    cases: caseCount,
    events,
    activities: [...activities].map(([name, { count, cases }]) => ({ name, count, cases })).sort(byCount),
    edges: [...edges.values()].map(({ from, to, seconds }) => ({ from, to, count: seconds.length, duration: stats(seconds) })).sort(byCount),
    start: [...start].map(([activity, count]) => ({ activity, count })).sort(byCount),
    end: [...end].map(([activity, count]) => ({ activity, count })).sort(byCount),
  };
}

/** The 27 activity names of receipt.xes, the longest real labels the map must handle. */
export const RECEIPT_ACTIVITIES = [
  'Confirmation of receipt', 'T06 Determine necessity of stop advice', 'T02 Check confirmation of receipt', 'T04 Determine confirmation of receipt',
  'T05 Print and send confirmation of receipt', 'T10 Determine necessity to stop indication', 'T03 Adjust confirmation of receipt',
  'T07-1 Draft intern advice aspect 1', 'T11 Create document X request unlicensed', 'T12 Check document X request unlicensed',
  'T14 Determine document X request unlicensed', 'T15 Print document X request unlicensed', 'T07-2 Draft intern advice aspect 2',
  'T07-5 Draft intern advice aspect 5', 'T17 Check report Y to stop indication', 'T16 Report reasons to hold request',
  'T19 Determine report Y to stop indication', 'T20 Print report Y to stop indication', 'T08 Draft and send request for advice',
  'T07-3 Draft intern advice hold for aspect 3', 'T09-3 Process or receive external advice from party 3',
  'T09-1 Process or receive external advice from party 1', 'T07-4 Draft internal advice to hold for type 4',
  'T18 Adjust report Y to stop indicition', 'T09-4 Process or receive external advice from party 4', 'T13 Adjust document X request unlicensed',
  'T09-2 Process or receive external advice from party 2',
];

function bump(map: Map<string, { count: number; cases: number }>, name: string) {
  const entry = map.get(name) ?? { count: 0, cases: 0 };
  map.set(name, entry);
  return entry;
}

function stats(values: number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (q: number) => {
    const position = (n - 1) * q;
    const low = sorted[Math.floor(position)] ?? 0;
    const high = sorted[Math.ceil(position)] ?? 0;
    return low + (high - low) * (position - Math.floor(position));
  };
  const sum = sorted.reduce((total, value) => total + value, 0);
  const mean = sum / n;
  const stdev = n < 2 ? null : Math.sqrt(sorted.reduce((total, value) => total + (value - mean) ** 2, 0) / (n - 1));
  return { mean, median: at(0.5), min: sorted[0] ?? 0, max: sorted[n - 1] ?? 0, p90: at(0.9), sum, stdev };
}

const O2C_MAIN = ['Order Captured', 'Order Validated', 'Credit Check', 'Inventory Allocated', 'Released to Warehouse', 'Picked', 'Packed', 'Shipped', 'Invoiced', 'Payment Received'];

/**
 * A small order-to-cash log shaped like the demo: a main flow (40 cases), a credit hold
 * that waits three days (6), a pricing re-validation loop (5), an inventory shortage (4),
 * and orders not yet paid (8).
 */
export const ORDER_TO_CASH = mapOf(
  [
    { activities: O2C_MAIN, times: 40 },
    { activities: [...O2C_MAIN.slice(0, 3), 'Credit Hold', 'Credit Released', ...O2C_MAIN.slice(3)], gaps: [3600, 3600, 600, 3 * 86400], times: 6 },
    { activities: [...O2C_MAIN.slice(0, 2), 'Pricing Discrepancy', ...O2C_MAIN.slice(1)], gaps: [3600, 7200, 4 * 3600], times: 5 },
    { activities: [...O2C_MAIN.slice(0, 3), 'Inventory Shortage', ...O2C_MAIN.slice(3)], gaps: [3600, 3600, 300, 22 * 3600], times: 4 },
    { activities: O2C_MAIN.slice(0, -1), times: 8 },
  ],
  'order-to-cash',
);

/**
 * A dense 50-activity log shaped like the BPI Challenge 2020 travel-permit log (whose
 * map has about 50 activities and hundreds of paths): 3,000 cases that mostly move
 * on to the next step but often skip ahead, go back for rework or jump anywhere. Each
 * activity has eight successors, so the map has about 330 transitions and 55 start
 * and end arcs. Deterministic (a seeded generator), so tests and screenshots repeat.
 */
export function denseCases(seed = 7, caseCount = 3000, activityCount = 50): TestCase[] {
  const random = mulberry32(seed);
  const objects = ['Permit', 'Declaration', 'Request for Payment', 'Travel Request', 'Prepaid Travel Cost', 'Purchase Order', 'Invoice', 'Goods Receipt', 'Vendor Record', 'Clearing'];
  const steps = ['SUBMITTED by EMPLOYEE', 'APPROVED by ADMINISTRATION', 'APPROVED by BUDGET OWNER', 'FINAL_APPROVED by SUPERVISOR', 'REJECTED by MISSING', 'RETURNED to EMPLOYEE'];
  const names = Array.from({ length: Math.min(activityCount, objects.length * steps.length) }, (_, i) => `${objects[i % objects.length]} ${steps[Math.floor(i / objects.length)]}`);
  const last = names.length - 1;
  // Successor 0 is the next step; 1–4 skip up to ten ahead; 5–7 go anywhere (rework, jumps).
  const successors = names.map((_, i) => Array.from({ length: 8 }, (_, k) => (k === 0 ? Math.min(last, i + 1) : k < 5 ? Math.min(last, i + 1 + Math.floor(random() * 10)) : Math.floor(random() * names.length))));
  return Array.from({ length: caseCount }, () => {
    let at = Math.floor(random() * random() * 6);
    const trace = [at];
    while (trace.length < 60) {
      if (random() < 0.04 && trace.length > 3) break;
      // Geometric choice: the next step most often, the jumps rarely.
      at = successors[at]?.[Math.min(7, Math.floor(-Math.log(1 - random()) * 2.2))] ?? last;
      trace.push(at);
      if (at === last && random() < 0.8) break;
    }
    return { activities: trace.map((i) => names[i] as string), gaps: trace.map(() => Math.round(600 + random() * random() * 5 * 86400)) };
  });
}

/** A small seeded pseudo-random generator (mulberry32): the same numbers on every run. */
function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
