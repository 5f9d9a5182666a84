import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { discoverProcessMap, getCaseDurations, getVariants } from '../index.ts';
import { compileFilter, FilterError, parseInstant } from './index.ts';
import { filterFromParams } from './params.ts';

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
