import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { OptionError } from '../errors.ts';
import { getExceptionTrends } from './index.ts';
import { normalTwoSided } from './statistics.ts';

const DAY = 86_400_000;
const MONDAY = Date.parse('2026-01-05T00:00:00Z');
const week = (w: number) => new Date(MONDAY + w * 7 * DAY).toISOString();

/**
 * Weekly cohorts of orders captured on Mondays (case i at i hours past midnight, shipped a
 * day later). In week w the first `holds[w]` orders get a Credit Hold, the last `picks[w]`
 * a Short Pick; orders 0–4 of each week are from ATL, the rest from DAL.
 */
function cohorts(size: number, exceptions: Record<string, number[]>, extra: (w: number, i: number, at: (hours: number) => string) => string[] = () => []): string {
  const weeks = Object.values(exceptions)[0]!.length;
  const lines = ['case_id,activity,timestamp,warehouse,note'];
  for (let w = 0; w < weeks; w++) {
    for (let i = 0; i < size; i++) {
      const id = `W${w}-${String(i).padStart(3, '0')}`;
      const at = (hours: number) => new Date(MONDAY + w * 7 * DAY + (i / size) * 10 * 3_600_000 + hours * 3_600_000).toISOString();
      const warehouse = i < size / 2 ? 'ATL' : 'DAL';
      lines.push(`${id},Order Captured,${at(0)},${warehouse},`);
      for (const [activity, counts] of Object.entries(exceptions)) {
        const hit = activity === 'Short Pick' ? i >= size - counts[w]! : i < counts[w]!;
        if (hit) lines.push(`${id},${activity},${at(2)},,`);
      }
      lines.push(...extra(w, i, at).map((line) => `${id},${line}`));
      lines.push(`${id},Shipped,${at(24)},,`);
    }
  }
  return lines.join('\n') + '\n';
}

let store: Store;
let remove: () => void;

beforeAll(async () => {
  const temp = await tempStore();
  store = temp.store;
  remove = temp.remove;
  // Credit holds trend up (rates .1 .2 .3 .4 .6), short picks do not (.2 .3 .2 .3 .2). Order W3-000 is held twice;
  // W0-000's shipment is late (the only Shipped with note "late"), W0-001's capture carries the note too.
  const trend = cohorts(10, { 'Credit Hold': [1, 2, 3, 4, 6], 'Short Pick': [2, 3, 2, 3, 2] }, (w, i, at) => [
    ...(w === 3 && i === 0 ? [`Credit Hold,${at(3)},,`] : []),
    ...(w === 0 && i === 0 ? [`Shipped,${at(20)},,late`] : []),
    ...(w === 0 && i === 1 ? [`Order Captured,${at(1)},,late`] : []),
  ]);
  await ingestFile(store, writeFixture(temp.dir, 'trend.csv', trend), { name: 'trend' });
  // 100 orders a week for six weeks: credit holds spike in week 3 (10 10 40 10 10 10), pricing discrepancies step up in week 4 (5 5 5 20 20 20).
  const steps = cohorts(100, { 'Credit Hold': [10, 10, 40, 10, 10, 10], 'Pricing Discrepancy': [5, 5, 5, 20, 20, 20] });
  await ingestFile(store, writeFixture(temp.dir, 'steps.csv', steps), { name: 'steps' });
  // X starts on Sunday 11 January and is held on Monday 12 January; Y is Monday 12 January only.
  const span = `case_id,activity,timestamp
X,Order Captured,2026-01-11T22:00:00Z
X,Credit Hold,2026-01-12T09:00:00Z
X,Shipped,2026-01-12T15:00:00Z
Y,Order Captured,2026-01-12T10:00:00Z
Y,Shipped,2026-01-12T11:00:00Z
`;
  await ingestFile(store, writeFixture(temp.dir, 'span.csv', span), { name: 'span' });
  const weighed = 'case_id,activity,timestamp,weight\n1,a,2026-01-05T00:00:00Z,2.5\n1,b,2026-01-05T01:00:00Z,\n2,a,2026-01-05T02:00:00Z,40\n';
  await ingestFile(store, writeFixture(temp.dir, 'weighed.csv', weighed), { name: 'weighed' });
  await ingestFile(store, writeFixture(temp.dir, 'plain.csv', 'case_id,activity,timestamp\n1,a,2026-01-05T00:00:00Z\n1,b,2026-01-05T01:00:00Z\n'), { name: 'plain' });
});

afterAll(() => remove?.());

describe('exception trends on hand-checked fixtures', () => {
  it('finds a clear trend in one type and none in another, with counts, rates and drivers', async () => {
    const result = await getExceptionTrends(store, 'trend', {}, {
      exceptions: [
        { type: 'Credit hold', activities: ['Credit Hold'] },
        { type: 'Short pick', activities: ['Short Pick'] },
        { type: 'Late shipment', activities: ['Shipped'], attribute: { name: 'note', values: ['late'] } },
      ],
      drivers: ['warehouse'],
    });
    expect(result).toMatchObject({ log: 'trend', period: 'week', periodBy: 'case-start', cases: 50 });
    const [holds, picks, late] = result.types;

    expect(holds!.type).toBe('Credit hold');
    expect(holds!.total).toBe(17);
    expect(holds!.cases).toBe(16);
    expect(holds!.rate).toBeCloseTo(0.32, 12);
    expect(holds!.series).toEqual([
      { start: week(0), count: 1, cases: 1, rate: 0.1, population: 10, complete: true },
      { start: week(1), count: 2, cases: 2, rate: 0.2, population: 10, complete: true },
      { start: week(2), count: 3, cases: 3, rate: 0.3, population: 10, complete: true },
      { start: week(3), count: 5, cases: 4, rate: 0.4, population: 10, complete: true },
      { start: week(4), count: 6, cases: 6, rate: 0.6, population: 10, complete: true },
    ]);
    // Slope .12 a week, SSE .004: t = .12 / √(.004 / 3 / 10) with 3 degrees of freedom, p by the closed form.
    const t = 0.12 / Math.sqrt(0.004 / 3 / 10);
    const u = t / Math.sqrt(3);
    expect(holds!.trend.slope).toBeCloseTo(0.12, 12);
    expect(holds!.trend.pValue).toBeCloseTo(1 - (2 / Math.PI) * (Math.atan(u) + u / (1 + u * u)), 10);
    expect(holds!.trend).toMatchObject({ significant: true, periods: 5 });
    // Best split before week 3 (6/30 against 10/20), but two splits tried and ten cases a week: no step, and no outlier.
    expect(holds!.step).toMatchObject({ start: week(3), before: { population: 30, cases: 6, rate: 0.2 }, after: { population: 20, cases: 10, rate: 0.5 }, significant: false });
    expect(holds!.step!.z).toBeCloseTo(0.3 / Math.sqrt(0.32 * 0.68 * (1 / 30 + 1 / 20)), 12);
    expect(holds!.changes).toEqual([]);
    // ATL (orders 0–4) holds 15 of its 25 orders: rate .6, lift .6/.32, excess 15 − 25·.32 = 7; DAL holds fewer than its share.
    const z = (0.6 - 0.04) / Math.sqrt(0.32 * 0.68 * (2 / 25));
    expect(holds!.drivers).toEqual([
      {
        attribute: 'warehouse',
        values: [{ value: 'ATL', cases: 25, exceptionCases: 15, rate: 0.6, lift: expect.closeTo(1.875, 12), excess: expect.closeTo(7, 12), pValue: expect.closeTo(normalTwoSided(z), 14), significant: true }],
      },
    ]);

    expect(picks!).toMatchObject({ type: 'Short pick', total: 12, cases: 12 });
    expect(picks!.series.map((p) => p.rate)).toEqual([0.2, 0.3, 0.2, 0.3, 0.2]);
    expect(picks!.trend.slope).toBeCloseTo(0, 12);
    expect(picks!.trend.pValue).toBeCloseTo(1, 10);
    expect(picks!.trend.significant).toBe(false);
    // Splits before weeks 2 and 3 are equally far apart (5/20 against 7/30 and the reverse): the earlier is kept.
    expect(picks!.step).toMatchObject({ start: week(2), before: { cases: 5, population: 20 }, after: { cases: 7, population: 30 }, pValue: 1, significant: false });
    expect(picks!.changes).toEqual([]);
    expect(picks!.drivers[0]!.values).toMatchObject([{ value: 'DAL', cases: 25, exceptionCases: 12, rate: 0.48, lift: expect.closeTo(2, 12) }]);

    // Both conditions must hold: W0-001's late note is on a capture, not a shipment.
    expect(late!).toMatchObject({ type: 'Late shipment', total: 1, cases: 1, rate: 0.02 });
    expect(late!.series[0]).toEqual({ start: week(0), count: 1, cases: 1, rate: 0.1, population: 10, complete: true });
  });

  it('flags a step change in its week and a lone spike as an outlier, not a step', async () => {
    const result = await getExceptionTrends(store, 'steps', {}, {
      exceptions: [
        { type: 'Credit hold', activities: ['Credit Hold'] },
        { type: 'Pricing discrepancy', activities: ['Pricing Discrepancy'] },
      ],
      drivers: [],
    });
    const [holds, pricing] = result.types;
    // Week 3 holds 40 of 100 against 50 of 500 in the other weeks: pooled .15, z = .3 / √(.1275 · (1/100 + 1/500)).
    expect(holds!.changes).toEqual([
      { start: week(2), kind: 'spike', rate: 0.4, baseline: 0.1, z: expect.closeTo(0.3 / Math.sqrt(0.1275 * (1 / 100 + 1 / 500)), 12), pValue: expect.any(Number) },
    ]);
    // The best split (20+40 of 300 against 30 of 300, before week 4) vanishes without week 3: no step.
    expect(holds!.step).toMatchObject({ start: week(3), before: { cases: 60, population: 300 }, after: { cases: 30, population: 300 }, pValue: 1, significant: false });
    expect(holds!.drivers).toEqual([]);

    // 15 of 300 before week 4, 60 of 300 from it: pooled .125, z = .15 / √(.125 · .875 · 2/300); no period stands out within its side.
    expect(pricing!.step).toMatchObject({ start: week(3), before: { population: 300, cases: 15, rate: 0.05 }, after: { population: 300, cases: 60, rate: 0.2 }, significant: true });
    expect(pricing!.step!.z).toBeCloseTo(0.15 / Math.sqrt(0.125 * 0.875 * (2 / 300)), 12);
    expect(pricing!.step!.pValue).toBeLessThan(1e-4);
    expect(pricing!.changes).toEqual([{ start: week(3), kind: 'step-up', rate: 0.2, baseline: 0.05, z: pricing!.step!.z, pValue: pricing!.step!.pValue }]);
  });

  it('places exceptions by case start or by the event, by week or by month', async () => {
    const exceptions = [{ type: 'Credit hold', activities: ['Credit Hold'] }];
    const byStart = await getExceptionTrends(store, 'span', {}, { exceptions });
    // Y started on 12 January, later than X took to get its hold (the settling time) before the log's end: too young to judge.
    expect(byStart.types[0]!.series).toEqual([
      { start: '2026-01-05T00:00:00.000Z', count: 1, cases: 1, rate: 1, population: 1, complete: true },
      { start: '2026-01-12T00:00:00.000Z', count: 0, cases: 0, rate: 0, population: 1, complete: false },
    ]);
    expect(byStart.types[0]!.trend.periods).toBe(1);
    // By the event: X is in progress in both weeks, its hold falls in the second.
    const byEvent = await getExceptionTrends(store, 'span', {}, { exceptions, periodBy: 'event' });
    // The log ends inside the second week: not over yet, so not judged.
    expect(byEvent.types[0]!.series).toEqual([
      { start: '2026-01-05T00:00:00.000Z', count: 0, cases: 0, rate: 0, population: 1, complete: true },
      { start: '2026-01-12T00:00:00.000Z', count: 1, cases: 1, rate: 0.5, population: 2, complete: false },
    ]);
    expect(byEvent.types[0]!.settleSeconds).toBe(0);
    expect(byEvent.types[0]!.trend).toMatchObject({ slope: null, pValue: null, significant: false, periods: 1 });
    expect(byEvent.types[0]!.step).toBeNull();
    const monthly = await getExceptionTrends(store, 'span', {}, { exceptions, period: 'month' });
    expect(monthly.types[0]!.series).toEqual([{ start: '2026-01-01T00:00:00.000Z', count: 1, cases: 1, rate: 0.5, population: 2, complete: false }]);
    // The filter narrows the cases: only those starting on 12 January.
    const filtered = await getExceptionTrends(store, 'span', { timeframe: { from: '2026-01-12', mode: 'started' } }, { exceptions });
    expect(filtered.cases).toBe(1);
    expect(filtered.types[0]).toMatchObject({ total: 0, cases: 0, series: [{ start: '2026-01-12T00:00:00.000Z', population: 1, rate: 0 }] });
  });

  it('says what to pass when a log has no known exceptions, and rejects unknown names', async () => {
    await expect(getExceptionTrends(store, 'plain')).rejects.toThrow(OptionError);
    await expect(getExceptionTrends(store, 'plain')).rejects.toThrow(/has none of the distribution exception activities .*say which of its activities are exceptions/);
    await expect(getExceptionTrends(store, 'plain', {}, { exceptions: [{ type: 'X', activities: ['Nope'] }] })).rejects.toThrow(/no activity "Nope"; its activities are "a", "b"/);
    await expect(getExceptionTrends(store, 'trend', {}, { exceptions: [{ type: 'X', attribute: { name: 'colour', values: ['red'] } }] })).rejects.toThrow(/no attribute "colour"/);
    await expect(getExceptionTrends(store, 'trend', {}, { exceptions: [{ type: 'X', activities: ['Shipped'] }], drivers: ['carrier'] })).rejects.toThrow(/driver: .*no attribute "carrier"/);
    await expect(getExceptionTrends(store, 'trend', {}, { exceptions: [{ type: 'X' }] })).rejects.toThrow(/give its activities, an attribute condition, or both/);
    await expect(getExceptionTrends(store, 'trend', {}, { period: 'day' as 'week' })).rejects.toThrow(/period must be week or month/);
    await expect(getExceptionTrends(store, 'trend', {}, { top: 0 })).rejects.toThrow(/top must be a whole number/);
  });

  it('types attribute values to the column as the filter does (one shared rule): numbers compare as numbers, a non-number is refused', async () => {
    const heavy = (values: (string | number)[]) => getExceptionTrends(store, 'weighed', {}, { exceptions: [{ type: 'Heavy', attribute: { name: 'weight', values } }] });
    expect((await heavy(['2.50', 40])).types[0]).toMatchObject({ total: 2, cases: 2 });
    // A whole number beyond BIGINT's range matches nothing rather than failing in the driver.
    expect((await heavy([1e23])).types[0]).toMatchObject({ total: 0, cases: 0 });
    await expect(heavy(['heavy'])).rejects.toThrow(new OptionError('exception "Heavy": weight holds numbers; value "heavy" is not one'));
  });

  it('defaults to the distribution exceptions the log has, and binds hostile values', async () => {
    const result = await getExceptionTrends(store, 'trend');
    expect(result.definitions.exceptions).toEqual([
      { type: 'Credit hold', activities: ['Credit Hold'] },
      { type: 'Short pick', activities: ['Short Pick'] },
    ]);
    expect(result.definitions.drivers).toEqual(['warehouse']);
    const hostile = await getExceptionTrends(store, 'trend', {}, { exceptions: [{ type: "x'); DROP TABLE events; --", attribute: { name: 'note', values: ["late' OR 1=1 --"] } }] });
    expect(hostile.types[0]).toMatchObject({ total: 0, cases: 0 });
    expect((await getExceptionTrends(store, 'trend')).types[0]!.total).toBe(17);
  });
});
