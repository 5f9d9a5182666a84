import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { OptionError } from '../errors.ts';
import { getCaseDurationDistribution, getCaseDurations, getDurationBreakdown, getDurationTrend, getMilestoneDurations } from './index.ts';

/**
 * Seven cases, milestone A = Released, B = Picked (hours from the case start unless stated):
 * - P1 (Mon 5 Jan): Start 0, Released 1, Picked 3, End 4 — 4 h; A→B 2 h. Warehouse X.
 * - P2 (5 Jan): Start 0, Released 1, Released 2, Picked 5, Picked 6, End 7 — 7 h; A twice, B twice:
 *   first→first 4 h, last→first 3 h, first→last 5 h, last→last 4 h. Warehouse: none on Start, Y on the
 *   first Released, Z after: its value is Y.
 * - P3 (5 Jan): Start 0, Picked 1, Released 2, End 3 — 3 h; B only before A: reversed. Warehouse X.
 * - P4 (5 Jan): Start 0, Released 1, End 10 — 10 h; no B: missing. No warehouse at all: (missing).
 * - P5 (5 Jan): Start 0, Picked 1, End 2 — 2 h; no A: missing. Warehouse Y.
 * - P6 (Sunday 18 Jan 23:00): Start, Picked +0.5 h, Released +1 h, Picked +1.5 h, End +2 h — 2 h;
 *   A→B 0.5 h (the Picked before A does not count). Sunday: the week of Monday 12 Jan. Warehouse X.
 * - P7 (Tue 3 Feb): Start 0, Released 1, Picked 1 (same instant, later in the file), End 2 — 2 h; A→B 0 s,
 *   measured as zero. Warehouse Z.
 */
const CSV = `case_id,activity,timestamp,warehouse
P1,Start,2026-01-05T00:00:00Z,X
P1,Released,2026-01-05T01:00:00Z,X
P1,Picked,2026-01-05T03:00:00Z,X
P1,End,2026-01-05T04:00:00Z,X
P2,Start,2026-01-05T00:00:00Z,
P2,Released,2026-01-05T01:00:00Z,Y
P2,Released,2026-01-05T02:00:00Z,Z
P2,Picked,2026-01-05T05:00:00Z,Z
P2,Picked,2026-01-05T06:00:00Z,Z
P2,End,2026-01-05T07:00:00Z,Z
P3,Start,2026-01-05T00:00:00Z,X
P3,Picked,2026-01-05T01:00:00Z,X
P3,Released,2026-01-05T02:00:00Z,X
P3,End,2026-01-05T03:00:00Z,X
P4,Start,2026-01-05T00:00:00Z,
P4,Released,2026-01-05T01:00:00Z,
P4,End,2026-01-05T10:00:00Z,
P5,Start,2026-01-05T00:00:00Z,Y
P5,Picked,2026-01-05T01:00:00Z,Y
P5,End,2026-01-05T02:00:00Z,Y
P6,Start,2026-01-18T23:00:00Z,X
P6,Picked,2026-01-18T23:30:00Z,X
P6,Released,2026-01-19T00:00:00Z,X
P6,Picked,2026-01-19T00:30:00Z,X
P6,End,2026-01-19T01:00:00Z,X
P7,Start,2026-02-03T00:00:00Z,Z
P7,Released,2026-02-03T01:00:00Z,Z
P7,Picked,2026-02-03T01:00:00Z,Z
P7,End,2026-02-03T02:00:00Z,Z
`;

const H = 3600;

/** Rounds every number to 1e-6 s: interpolated percentiles carry float noise (29520.000000000004). */
function rounded<T>(value: T): T {
  if (typeof value === 'number') return (Math.round(value * 1e6) / 1e6) as T;
  if (Array.isArray(value)) return value.map(rounded) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
  return value;
}
const LOG = 'flow';
const AB = { from: 'Released', to: 'Picked' } as const;

let store: Store;
let remove: () => void;
beforeAll(async () => {
  let dir: string;
  ({ store, dir, remove } = await tempStore());
  await ingestFile(store, writeFixture(dir, 'flow.csv', CSV), { name: LOG });
});
afterAll(() => remove());

describe('getCaseDurationDistribution', () => {
  it('adds percentiles to the case durations, with the same statistics and histogram', async () => {
    // Durations (h): 2, 2, 2, 3, 4, 7, 10. Percentiles interpolate at rank (n − 1) · p = 6p.
    const distribution = await getCaseDurationDistribution(store, LOG, {}, { bins: 4 });
    expect(rounded(distribution)).toEqual({
      log: LOG,
      cases: 7,
      seconds: { min: 2 * H, median: 3 * H, mean: rounded(108000 / 7), max: 10 * H, p90: 29520 },
      percentiles: { p10: 2 * H, p25: 2 * H, p50: 3 * H, p75: 19800, p90: 29520, p95: 32760, p99: 35352 },
      histogram: [
        { from: 2 * H, to: 4 * H, count: 4 },
        { from: 4 * H, to: 6 * H, count: 1 },
        { from: 6 * H, to: 8 * H, count: 1 },
        { from: 8 * H, to: 10 * H, count: 1 },
      ],
    });
    expect(distribution).toMatchObject(await getCaseDurations(store, LOG, {}, { bins: 4 }));
    expect(await getCaseDurationDistribution(store, LOG)).toMatchObject(await getCaseDurations(store, LOG));
  });

  it('has null statistics and no histogram when the filter keeps no case', async () => {
    const none = await getCaseDurationDistribution(store, LOG, { timeframe: { from: '2027-01-01', mode: 'started' } });
    expect(none).toEqual({
      log: LOG,
      cases: 0,
      seconds: { min: null, median: null, mean: null, max: null, p90: null },
      percentiles: { p10: null, p25: null, p50: null, p75: null, p90: null, p95: null, p99: null },
      histogram: [],
    });
  });
});

describe('getMilestoneDurations', () => {
  it('measures the first A to the first B after it; missing and reversed cases are counted, not zero', async () => {
    // Measured: P7 0, P6 1800, P1 7200, P2 14400; rank (n − 1) · p = 3p.
    expect(await getMilestoneDurations(store, LOG, {}, { ...AB, bins: 2 })).toEqual({
      log: LOG,
      measure: { kind: 'milestone', from: 'Released', to: 'Picked', fromOccurrence: 'first', toOccurrence: 'first' },
      cases: 7,
      measured: 4,
      missing: 2, // P4 (no Picked), P5 (no Released)
      reversed: 1, // P3
      seconds: { min: 0, p25: 1350, median: 4500, mean: 5850, p75: 9000, p90: 12240, max: 4 * H },
      histogram: [
        { from: 0, to: 2 * H, count: 2 },
        { from: 2 * H, to: 4 * H, count: 2 },
      ],
    });
  });

  it('takes the first or last occurrence of each milestone as asked', async () => {
    const p2 = async (fromOccurrence: 'first' | 'last', toOccurrence: 'first' | 'last') => {
      const result = await getMilestoneDurations(store, LOG, {}, { ...AB, fromOccurrence, toOccurrence });
      expect(result).toMatchObject({ measured: 4, missing: 2, reversed: 1 });
      return result.seconds.max; // P2's is the longest whichever occurrences
    };
    expect(await p2('first', 'first')).toBe(4 * H);
    expect(await p2('last', 'first')).toBe(3 * H);
    expect(await p2('first', 'last')).toBe(5 * H);
    expect(await p2('last', 'last')).toBe(4 * H);
  });

  it('measures an activity to its own next occurrence', async () => {
    // Only P2 releases twice; a single Released has no other to reach: missing.
    expect(await getMilestoneDurations(store, LOG, {}, { from: 'Released', to: 'Released' })).toMatchObject({
      cases: 7,
      measured: 1,
      missing: 6,
      reversed: 0,
      seconds: { min: H, median: H, max: H },
    });
  });

  it('applies the filter and refuses unknown activities or occurrences', async () => {
    const late = await getMilestoneDurations(store, LOG, { timeframe: { from: '2026-01-12', mode: 'started' } }, AB);
    expect(late).toMatchObject({ cases: 2, measured: 2, missing: 0, reversed: 0, seconds: { min: 0, max: 1800, mean: 900 } });
    await expect(getMilestoneDurations(store, LOG, {}, { from: 'Released', to: 'Shipped' })).rejects.toThrow(OptionError);
    await expect(getMilestoneDurations(store, LOG, {}, { from: 'Released', to: 'Shipped' })).rejects.toThrow(/no activity "Shipped"/);
    await expect(getMilestoneDurations(store, LOG, {}, { ...AB, fromOccurrence: 'middle' as 'first' })).rejects.toThrow(/fromOccurrence must be first or last/);
    await expect(getMilestoneDurations(store, LOG, {}, { ...AB, bins: 0 })).rejects.toThrow(OptionError);
  });
});

describe('getDurationBreakdown', () => {
  it('breaks case durations down by the first value of an attribute, slowest median first, then (missing)', async () => {
    // X: P1 4 h, P3 3 h, P6 2 h; Y: P2 7 h (its first value), P5 2 h; Z: P7 2 h; none: P4 10 h.
    expect(await getDurationBreakdown(store, LOG, {}, { by: 'warehouse' })).toEqual({
      log: LOG,
      by: 'warehouse',
      sort: 'median',
      measure: { kind: 'case' },
      cases: 7,
      valueCount: 3,
      buckets: [
        { kind: 'value', value: 'Y', label: 'Y', values: 1, cases: 2, median: 16200, mean: 16200, p90: 23400 },
        { kind: 'value', value: 'X', label: 'X', values: 1, cases: 3, median: 3 * H, mean: 3 * H, p90: 13680 },
        { kind: 'value', value: 'Z', label: 'Z', values: 1, cases: 1, median: 2 * H, mean: 2 * H, p90: 2 * H },
        { kind: 'missing', value: null, label: '(missing)', values: 0, cases: 1, median: 10 * H, mean: 10 * H, p90: 10 * H },
      ],
    });
  });

  it('merges the values past the limit into (other)', async () => {
    // (other) = X and Z: 2, 2, 3, 4 h.
    const { buckets } = await getDurationBreakdown(store, LOG, {}, { by: 'warehouse', limit: 1 });
    expect(buckets).toEqual([
      { kind: 'value', value: 'Y', label: 'Y', values: 1, cases: 2, median: 16200, mean: 16200, p90: 23400 },
      { kind: 'missing', value: null, label: '(missing)', values: 0, cases: 1, median: 10 * H, mean: 10 * H, p90: 10 * H },
      { kind: 'other', value: null, label: '(other)', values: 2, cases: 4, median: 9000, mean: 9900, p90: 13320 },
    ]);
  });

  it('breaks a milestone duration down, counting only measured cases', async () => {
    // Measured: P2 (Y) 4 h; P1 (X) 2 h, P6 (X) 0.5 h; P7 (Z) 0 s. P4, the one without a warehouse, is not measured.
    expect(await getDurationBreakdown(store, LOG, {}, { by: 'warehouse', measure: AB })).toMatchObject({
      measure: { kind: 'milestone', from: 'Released', to: 'Picked', fromOccurrence: 'first', toOccurrence: 'first' },
      cases: 4,
      buckets: [
        { value: 'Y', cases: 1, median: 4 * H, mean: 4 * H, p90: 4 * H },
        { value: 'X', cases: 2, median: 4500, mean: 4500, p90: 6660 },
        { value: 'Z', cases: 1, median: 0, mean: 0, p90: 0 },
      ],
    });
  });

  it('ranks by another statistic when asked', async () => {
    const byCases = await getDurationBreakdown(store, LOG, {}, { by: 'warehouse', sort: 'cases' });
    expect(byCases.buckets.map((b) => [b.label, b.cases])).toEqual([['X', 3], ['Y', 2], ['Z', 1], ['(missing)', 1]]);
    // Milestone p90: Y 4 h, X 6660 s, Z 0; mean ranks the same.
    for (const sort of ['mean', 'p90'] as const) {
      const { buckets } = await getDurationBreakdown(store, LOG, {}, { by: 'warehouse', measure: AB, sort, limit: 2 });
      expect(buckets.map((b) => b.label)).toEqual(['Y', 'X', '(other)']);
    }
  });

  it('refuses an unknown attribute, a bad limit or sort', async () => {
    await expect(getDurationBreakdown(store, LOG, {}, { by: 'warehouse', sort: 'max' as 'mean' })).rejects.toThrow(/sort must be one of median, mean, p90, cases/);
    await expect(getDurationBreakdown(store, LOG, {}, { by: 'nope' })).rejects.toThrow(/no attribute "nope"; its attributes are "warehouse"/);
    await expect(getDurationBreakdown(store, LOG, {}, { by: 'warehouse', limit: 0 })).rejects.toThrow(OptionError);
  });
});

describe('getDurationTrend', () => {
  it('gives count, median, mean and p90 per week of case start, weeks from Monday, empty weeks included', async () => {
    // Week of 5 Jan: 2, 3, 4, 7, 10 h. Week of 12 Jan: P6, started on Sunday the 18th. Week of 2 Feb: P7.
    expect(await getDurationTrend(store, LOG, {}, { period: 'week' })).toEqual({
      log: LOG,
      period: 'week',
      measure: { kind: 'case' },
      cases: 7,
      series: [
        { start: '2026-01-05T00:00:00.000Z', cases: 5, median: 4 * H, mean: 18720, p90: 31680 },
        { start: '2026-01-12T00:00:00.000Z', cases: 1, median: 2 * H, mean: 2 * H, p90: 2 * H },
        { start: '2026-01-19T00:00:00.000Z', cases: 0, median: null, mean: null, p90: null },
        { start: '2026-01-26T00:00:00.000Z', cases: 0, median: null, mean: null, p90: null },
        { start: '2026-02-02T00:00:00.000Z', cases: 1, median: 2 * H, mean: 2 * H, p90: 2 * H },
      ],
    });
  });

  it('gives months, and milestone durations by case start', async () => {
    expect((await getDurationTrend(store, LOG, {}, { period: 'month' })).series).toEqual([
      { start: '2026-01-01T00:00:00.000Z', cases: 6, median: 12600, mean: 16800, p90: 30600 },
      { start: '2026-02-01T00:00:00.000Z', cases: 1, median: 2 * H, mean: 2 * H, p90: 2 * H },
    ]);
    // P6's milestone falls on Monday the 19th, but the case started on Sunday the 18th: the week of 12 Jan.
    const milestone = await getDurationTrend(store, LOG, {}, { measure: AB });
    expect(milestone.cases).toBe(4);
    expect(milestone.series.map((s) => [s.start.slice(0, 10), s.cases, s.median])).toEqual([
      ['2026-01-05', 2, 3 * H],
      ['2026-01-12', 1, 1800],
      ['2026-01-19', 0, null],
      ['2026-01-26', 0, null],
      ['2026-02-02', 1, 0],
    ]);
    expect(milestone.series[0]).toMatchObject({ mean: 3 * H, p90: 13680 });
  });

  it('is empty when no case is measured, and refuses an unknown period', async () => {
    expect(await getDurationTrend(store, LOG, { timeframe: { from: '2027-01-01', mode: 'started' } })).toMatchObject({ cases: 0, series: [] });
    await expect(getDurationTrend(store, LOG, {}, { period: 'day' as 'week' })).rejects.toThrow(/period must be week or month/);
  });
});

describe('hostile names', () => {
  it('treats SQL in activity and attribute names as names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-hostile-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const csv = 'case_id,activity,timestamp,"wh""; DROP TABLE events; --"\nQ,Go\' OR 1=1 --,2026-01-05T00:00:00Z,North\nQ,Stop,2026-01-05T01:00:00Z,South\n';
    await ingestFile(store, writeFixture(dir, 'hostile.csv', csv), { name: 'hostile' });
    const by = 'wh"; DROP TABLE events; --';
    expect((await getDurationBreakdown(store, 'hostile', {}, { by, measure: { from: "Go' OR 1=1 --", to: 'Stop' } })).buckets).toEqual([
      { kind: 'value', value: 'North', label: 'North', values: 1, cases: 1, median: H, mean: H, p90: H },
    ]);
    await expect(getDurationBreakdown(store, 'hostile', {}, { by: 'x" FROM events; --' })).rejects.toThrow(OptionError);
    await expect(getMilestoneDurations(store, 'hostile', {}, { from: "' OR 1=1 --", to: 'Stop' })).rejects.toThrow(OptionError);
    await expect(getDurationTrend(store, 'hostile', {}, { measure: 'everything' as 'case' })).rejects.toThrow(/measure must be "case" or a milestone/);
    expect((await getCaseDurations(store, LOG)).cases).toBe(7); // the events are all still there
  });
});
