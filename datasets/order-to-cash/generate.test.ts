import { createHash } from 'node:crypto';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ORDER_TO_CASH_COLUMNS,
  type OrderToCashCsvSummary,
  orderToCashEvents,
  type OrderToCashOptions,
  WAREHOUSE_SPECS,
  writeOrderToCashCsv,
} from './index.ts';

interface Row {
  order: string;
  activity: string;
  time: number;
  channel: string;
  tier: string;
  warehouse: string;
}

interface Written {
  path: string;
  text: string;
  rows: Row[];
  summary: OrderToCashCsvSummary;
}

let dir = '';
let written = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waybill-order-to-cash-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a log into the temp folder and reads it back. Generated values never need quoting, so a split parses them. */
async function write(options: OrderToCashOptions): Promise<Written> {
  written += 1;
  const path = join(dir, `log-${written}.csv`);
  const summary = await writeOrderToCashCsv(path, options);
  const text = await readFile(path, 'utf8');
  const rows = text
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [order = '', activity = '', timestamp = '', , channel = '', , tier = '', warehouse = ''] = line.split(',');
      return { order, activity, time: Date.parse(timestamp), channel, tier, warehouse };
    });
  return { path, text, rows, summary };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rows grouped by order, in file order (the file keeps an order's rows together). */
function byOrder(rows: readonly Row[]): Map<string, Row[]> {
  const orders = new Map<string, Row[]>();
  for (const row of rows) {
    const events = orders.get(row.order);
    if (events === undefined) orders.set(row.order, [row]);
    else events.push(row);
  }
  return orders;
}

/** Waiting times in seconds of each directly-follows pair `a -> b` (consecutive events of an order). */
function handoffs(orders: Map<string, Row[]>): Map<string, number[]> {
  const waits = new Map<string, number[]>();
  for (const events of orders.values()) {
    for (let i = 1; i < events.length; i++) {
      const from = events[i - 1] as Row;
      const to = events[i] as Row;
      const key = `${from.activity} -> ${to.activity}`;
      const list = waits.get(key) ?? [];
      list.push((to.time - from.time) / 1000);
      waits.set(key, list);
    }
  }
  return waits;
}

describe('writeOrderToCashCsv', () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', async () => {
    const a = await write({ seed: 7, events: 5000 });
    const b = await write({ seed: 7, events: 5000 });
    const c = await write({ seed: 8, events: 5000 });
    expect(sha256(a.text)).toBe(sha256(b.text));
    expect(a.summary).toEqual(b.summary);
    expect(sha256(c.text)).not.toBe(sha256(a.text));
  });

  it('writes a well-formed log: header, 11 columns, orders grouped and in time order', async () => {
    const { text, rows, summary } = await write({ seed: 11, orders: 800, start: '2026-03-02', days: 21 });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(ORDER_TO_CASH_COLUMNS.join(','));
    expect(text).not.toContain('"');
    expect(text.endsWith('\n')).toBe(true);
    const malformed = lines.slice(1).filter((line) => {
      const fields = line.split(',');
      return (
        fields.length !== 11 ||
        fields.some((field) => field === '') ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(fields[2] ?? '') ||
        !/^\d+$/.test(fields[9] ?? '') ||
        !/^\d+\.\d{2}$/.test(fields[10] ?? '')
      );
    });
    expect(lines.length).toBeGreaterThan(800);
    expect(malformed).toEqual([]);

    // Each order's rows are contiguous: the order id changes exactly once per order.
    const changes = rows.filter((row, i) => i === 0 || row.order !== rows[i - 1]?.order).length;
    const orders = byOrder(rows);
    expect(orders.size).toBe(800);
    expect(changes).toBe(orders.size);

    const unordered = [...orders].filter(
      ([, events]) =>
        events[0]?.activity !== 'Order Captured' ||
        events.some((event, i) => i > 0 && event.time < (events[i - 1] as Row).time),
    );
    expect(unordered).toEqual([]);

    const start = Date.parse('2026-03-02T00:00:00Z');
    const times = rows.map((row) => row.time);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(start);
    expect(Math.max(...times)).toBeLessThan(start + 21 * 86_400_000);
    expect(summary).toEqual({
      events: rows.length,
      cases: 800,
      activities: summary.activities,
      first: new Date(Math.min(...times)).toISOString(),
      last: new Date(Math.max(...times)).toISOString(),
    });
    expect(new Set(summary.activities)).toEqual(new Set(rows.map((row) => row.activity)));
    expect(summary.activities.length).toBeGreaterThanOrEqual(12);
  });

  it('comes within 10 % of an events target', async () => {
    const { summary, rows } = await write({ seed: 3, events: 10_000 });
    expect(rows).toHaveLength(summary.events);
    expect(summary.events).toBeGreaterThanOrEqual(9_000);
    expect(summary.events).toBeLessThanOrEqual(11_000);
    // About ten events an order, so 100k orders make about a million events.
    expect(summary.events / summary.cases).toBeGreaterThan(8.5);
    expect(summary.events / summary.cases).toBeLessThan(11.5);
  });

  it('yields through orderToCashEvents exactly what it writes', async () => {
    const { rows } = await write({ seed: 5, orders: 300 });
    const events = [...orderToCashEvents({ seed: 5, orders: 300 })];
    expect(events.map((e) => `${e.order.id} ${e.activity} ${e.time}`)).toEqual(
      rows.map((row) => `${row.order} ${row.activity} ${row.time}`),
    );
  });

  it('refuses bad options before creating any file', async () => {
    const path = join(dir, 'refused.csv');
    const bad: OrderToCashOptions[] = [
      { seed: 1.5 },
      { seed: 1, orders: 10, events: 100 },
      { seed: 1, orders: -1 },
      { seed: 1, start: '2026-01-05T10:00' },
      { seed: 1, start: '2026-02-30' },
      { seed: 1, days: 0 },
    ];
    for (const options of bad) {
      await expect(writeOrderToCashCsv(path, options)).rejects.toThrow(RangeError);
    }
    await expect(access(path)).rejects.toThrow();
  });

  it('rejects when the folder does not exist, leaving no partial file', async () => {
    const missing = join(dir, 'no-such-folder');
    await expect(writeOrderToCashCsv(join(missing, 'log.csv'), { seed: 1, orders: 10 })).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).some((name) => name.includes('partial'))).toBe(false);
  });
});

describe('planted facts', () => {
  let rows: Row[] = [];
  let orders = new Map<string, Row[]>();

  beforeAll(async () => {
    ({ rows } = await write({ seed: 2026, events: 60_000 }));
    orders = byOrder(rows);
  });

  it('makes credit hold → release the slowest handoff by median', () => {
    const medians = [...handoffs(orders)].map(([pair, waits]) => [pair, median(waits)] as const);
    medians.sort((a, b) => b[1] - a[1]);
    expect(medians[0]?.[0]).toBe('Credit Hold -> Credit Released');
    // Clearly the slowest: at least twice the runner-up.
    expect(medians[0]?.[1]).toBeGreaterThan(2 * (medians[1]?.[1] ?? Number.POSITIVE_INFINITY));
  });

  it('makes the slow warehouse pick slower than the others', () => {
    const slow = [...WAREHOUSE_SPECS].sort((a, b) => b.pickMedianHours - a.pickMedianHours)[0]?.code;
    const waits = new Map<string, number[]>();
    for (const events of orders.values()) {
      for (let i = 1; i < events.length; i++) {
        const to = events[i] as Row;
        if (to.activity !== 'Picked') continue;
        const list = waits.get(to.warehouse) ?? [];
        list.push(to.time - (events[i - 1] as Row).time);
        waits.set(to.warehouse, list);
      }
    }
    expect(waits.size).toBe(WAREHOUSE_SPECS.length);
    const slowMedian = median(waits.get(slow ?? '') ?? []);
    for (const [warehouse, list] of waits) {
      if (warehouse !== slow) expect(slowMedian).toBeGreaterThan(1.5 * median(list));
    }
  });

  it('re-validates some EDI orders after a pricing discrepancy, and only EDI orders', () => {
    let revalidated = 0;
    for (const events of orders.values()) {
      const validations = events.filter((e) => e.activity === 'Order Validated').length;
      if (validations < 2) continue;
      revalidated += 1;
      expect(validations).toBe(2);
      expect(events[0]?.channel).toBe('EDI');
      const activities = events.map((e) => e.activity);
      const discrepancy = activities.indexOf('Pricing Discrepancy');
      expect(activities[discrepancy + 1]).toBe('Order Validated');
      expect(activities.indexOf('Order Validated')).toBeLessThan(discrepancy);
    }
    expect(revalidated).toBeGreaterThan(20);
  });

  it('puts tier C on credit hold more often than tier A', () => {
    const holdRate = (tier: string): number => {
      const ofTier = [...orders.values()].filter((events) => events[0]?.tier === tier);
      return ofTier.filter((events) => events.some((e) => e.activity === 'Credit Hold')).length / ofTier.length;
    };
    expect(holdRate('C')).toBeGreaterThan(3 * holdRate('A'));
  });

  it('leaves some orders open at the end of the period, and closes most', () => {
    const closed = [...orders.values()].filter((events) => events.at(-1)?.activity === 'Payment Received').length;
    expect(closed).toBeLessThan(orders.size);
    expect(closed).toBeGreaterThan(0.6 * orders.size);
  });
});
