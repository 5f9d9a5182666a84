import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { discoverProcessMap, getCaseDurations, getVariants } from '../index.ts';
import { compileFilter, FilterError, parseInstant } from './index.ts';
import { filterFromParams, parseDuration, type FilterParams } from './params.ts';

// Fixture cases: A 2026-01-05T07:00Z → 2026-01-06T07:00Z; B 08:00Z → 10:00Z on the 5th; C at 12:00Z on the 5th.
let store: Store;
let remove: () => void;
beforeAll(async () => {
  let dir: string;
  ({ store, dir, remove } = await tempStore());
  await ingestFile(store, writeFixture(dir));
});
afterAll(() => remove());

async function casesKept(from: string | undefined, to: string | undefined, timeframe?: string): Promise<number> {
  return (await getCaseDurations(store, 'orders', filterFromParams({ from, to, timeframe }))).cases;
}

describe('time window filter', () => {
  it('keeps cases by how their span meets the window', async () => {
    expect(await casesKept('2026-01-05T09:00:00Z', '2026-01-05T11:00:00Z')).toBe(2); // A and B intersect
    expect(await casesKept('2026-01-05T09:00:00Z', '2026-01-05T11:00:00Z', 'contained')).toBe(0);
    expect(await casesKept('2026-01-05', '2026-01-05T23:59:59Z', 'contained')).toBe(2); // B and C
    expect(await casesKept('2026-01-05T07:30:00Z', undefined, 'started')).toBe(2); // B and C
    expect(await casesKept(undefined, '2026-01-05T12:00:00Z', 'completed')).toBe(2); // B, and C on the bound
    expect(await casesKept('2026-01-06', undefined)).toBe(1); // A ends on the 6th
    expect(await casesKept(undefined, '2026-01-05', 'completed')).toBe(2); // B and C end on the 5th; the bound takes the whole day
    expect(await casesKept('2026-01-05T12:00:00+01:00', '2026-01-05T12:00:00+01:00')).toBe(1); // the instant 11:00Z: only A spans it
  });

  it('filters every analysis the same way', async () => {
    const filter = filterFromParams({ from: '2026-01-05T11:00:00Z', timeframe: 'started' }); // only C
    const map = await discoverProcessMap(store, 'orders', filter);
    expect(map).toMatchObject({ cases: 1, events: 1, edges: [], start: [{ activity: 'Order Captured', count: 1 }] });
    expect(map.activities).toEqual([{ name: 'Order Captured', count: 1, cases: 1 }]);
    const variants = await getVariants(store, 'orders', filter);
    expect(variants).toEqual({
      log: 'orders',
      cases: 1,
      variantCount: 1,
      variants: [{ activities: ['Order Captured'], count: 1, share: 1, duration: { mean: 0, median: 0 } }],
    });
  });

  it('binds values and rejects what is not a date', () => {
    expect(() => compileFilter({ timeframe: { from: "2026-01-01'; DROP TABLE events; --" } })).toThrow(FilterError);
    expect(() => compileFilter(filterFromParams({ from: '2026-02-01', to: '2026-01-01' }))).toThrow(/after/);
    expect(() => compileFilter(filterFromParams({ from: '2026-01-01', timeframe: 'sideways' }))).toThrow(/timeframe mode "sideways" is not one of/);
    expect(() => filterFromParams({ timeframe: 'started' })).toThrow(/needs from or to/);
    const compiled = compileFilter({ timeframe: { from: '2026-01-01', mode: 'started' } });
    expect(compiled.caseWhere).not.toContain('2026');
    expect(compiled.params).toEqual({ tf_from: Date.UTC(2026, 0, 1) * 1000 });
    expect(compileFilter({})).toEqual({ caseWhere: 'TRUE', params: {}, restricts: false });
  });

  it('reads ISO dates and instants, UTC unless zoned', () => {
    expect(parseInstant('2026-01-05', 'from')).toBe(Date.UTC(2026, 0, 5) * 1000);
    expect(parseInstant('2026-01-05T08:00', 'from')).toBe(Date.UTC(2026, 0, 5, 8) * 1000);
    expect(parseInstant('2026-01-05 08:00:00+02:00', 'from')).toBe(Date.UTC(2026, 0, 5, 6) * 1000);
    expect(() => parseInstant('05/01/2026', 'from')).toThrow(/not an ISO-8601/);
    expect(() => parseInstant('2026-01-05+02:00', 'from')).toThrow(/not an ISO-8601/);
    // A date alone as an upper bound includes the whole day.
    expect(parseInstant('2026-01-05', 'to', true)).toBe(Date.UTC(2026, 0, 6) * 1000 - 1);
    expect(parseInstant('2026-01-05T00:00:00Z', 'to', true)).toBe(Date.UTC(2026, 0, 5) * 1000);
  });
});

// The fixture: A = Captured → Validated → Shipped (amount 10, 86400 s); B = the same variant (amount 5, note on Shipped, 7200 s); C = Captured only (amount 7, 0 s).
describe('case conditions', () => {
  const kept = async (params: FilterParams) => (await getCaseDurations(store, 'orders', filterFromParams(params))).cases;

  it('keeps cases by attribute: equals, in, range, missing', async () => {
    expect(await kept({ where: 'amount = 10' })).toBe(1);
    expect(await kept({ where: 'amount in (5, 7)' })).toBe(2);
    expect(await kept({ where: 'amount between 6 and 10' })).toBe(2);
    expect(await kept({ where: 'amount >= 7' })).toBe(2);
    expect(await kept({ where: 'amount <= 7' })).toBe(2);
    expect(await kept({ where: 'note = "with, comma"' })).toBe(1);
    expect(await kept({ where: 'note is missing' })).toBe(1); // only C has no note on any event
    expect(await kept({ where: ['amount >= 5', 'note is missing'] })).toBe(1);
  });

  it('keeps cases by activity, variant, duration, start and end', async () => {
    expect(await kept({ has: 'Shipped' })).toBe(2);
    expect(await kept({ without: 'Shipped' })).toBe(1);
    expect(await kept({ has: ['Shipped', 'Order Validated'], without: 'Order Captured' })).toBe(0);
    expect(await kept({ variant: '1' })).toBe(2);
    expect(await kept({ variant: '2' })).toBe(1);
    expect(await kept({ variant: ['1', '2'] })).toBe(3);
    expect(await kept({ 'min-duration': '2h' })).toBe(2);
    expect(await kept({ 'min-duration': '2h', 'max-duration': '1d' })).toBe(2);
    expect(await kept({ 'max-duration': '7199' })).toBe(1);
    expect(await kept({ starts: 'Order Captured', ends: 'Shipped' })).toBe(2);
    expect(await kept({ ends: 'Order Captured' })).toBe(1);
    expect(await kept({ has: 'Never Happened' })).toBe(0);
  });

  it('keeps cases by directly- and eventually-follows pairs', async () => {
    expect(await kept({ follows: 'Order Captured -> Order Validated' })).toBe(2);
    expect(await kept({ follows: 'Order Captured -> Shipped' })).toBe(0);
    expect(await kept({ eventually: 'Order Captured -> Shipped' })).toBe(2);
    expect(await kept({ eventually: 'Shipped -> Order Captured' })).toBe(0);
    const map = await discoverProcessMap(store, 'orders', filterFromParams({ eventually: 'Order Captured -> Shipped', where: 'amount = 5' }));
    expect(map).toMatchObject({ cases: 1, events: 3 });
  });

  it('refuses what it cannot read, naming what to write', () => {
    expect(() => filterFromParams({ where: 'amount ~ 5' })).toThrow(/where: cannot read "amount ~ 5"; write NAME = VALUE/);
    expect(() => filterFromParams({ 'min-duration': 'soon' })).toThrow(/min-duration: "soon" is not a duration/);
    expect(() => filterFromParams({ follows: 'Shipped' })).toThrow(/write two activities as "A -> B"/);
    expect(() => filterFromParams({ variant: '0' })).toThrow(/not a rank/);
    expect(() => filterFromParams({ from: ['2026-01-01', '2026-02-01'] })).toThrow(/from is given 2 times/);
    expect(parseDuration('1.5h', 'x')).toBe(5400);
  });

  it('cannot be made to run SQL through names or values', async () => {
    // A value is a bound parameter: the text is compared, nothing runs.
    expect(await kept({ where: `note = "x' OR 1=1 --"` })).toBe(0);
    expect(await kept({ has: "Shipped') OR TRUE --" })).toBe(0);
    expect(await kept({ follows: "a' OR '1'='1 -> b" })).toBe(0);
    // A name must be one of the log's attributes; it never reaches the SQL otherwise.
    await expect(kept({ where: '"amount"" = 1; DROP TABLE events; --" = 1' })).rejects.toThrow(/the log has no attribute "amount\\" = 1; DROP TABLE events; --"/);
    expect(() => filterFromParams({ where: '"amount = 1' })).toThrow(/a quote is not closed/);
    await expect(kept({ where: 'amount = "1; DROP TABLE events"' })).rejects.toThrow(/amount holds numbers; value "1; DROP TABLE events" is not one/);
    expect(await kept({})).toBe(3);
  });
});
