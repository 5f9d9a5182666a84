import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { discoverProcessMap, getCaseDurations, getVariants } from '../index.ts';
import { parseInstant } from '../columns.ts';
import { FilterError } from '../errors.ts';
import { type AttributeCondition, compileFilter } from './index.ts';
import { conditionText, filterFromParams, parseCondition, parseDuration, type FilterParams } from './params.ts';

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
      offset: 0,
      variants: [{ rank: 2, activities: ['Order Captured'], count: 1, share: 1, cumulativeShare: 1, duration: { mean: 0, median: 0 } }],
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

  it('refuses absurd numbers and durations before any query runs', () => {
    for (const text of ['1e23', '-1', 'NaN', '2.0', '9007199254740993', '100000000000000000000000']) {
      expect(() => filterFromParams({ variant: text }), text).toThrow(new RegExp(`variant: "${text}" is not a rank`));
    }
    expect(filterFromParams({ variant: '9007199254740991' }).variants).toEqual([9007199254740991]);
    // A variant rank handed in as a number is checked too: past 2^53 it would be bound as a BIGINT it cannot be.
    expect(() => compileFilter({ variants: [1e23] })).toThrow(FilterError);
    for (const name of ['min-duration', 'max-duration'] as const) {
      expect(() => filterFromParams({ [name]: '1e23' })).toThrow(new RegExp(`${name}: "1e23" is not a duration`));
      expect(() => filterFromParams({ [name]: '9007199254740993' })).toThrow(new RegExp(`${name}: "9007199254740993" is longer than 100 years; write at most 36525d`));
      expect(() => filterFromParams({ [name]: '-1' })).toThrow(/is not a duration/);
    }
    expect(parseDuration('36525d', 'x')).toBe(36_525 * 86_400);
    expect(() => parseInstant('2026-02-30', 'from')).toThrow(/from: "2026-02-30" is not a valid date/);
    expect(() => parseInstant('2026-13-01', 'from')).toThrow(/not a valid date/);
  });

  it('checks a value against its attribute\'s type, so that DuckDB never fails converting it', () => {
    const target = {
      logId: 1,
      attributes: [
        { name: 'shipped_on', type: 'DATE' },
        { name: 'seen', type: 'TIMESTAMP WITH TIME ZONE' },
        { name: 'urgent', type: 'BOOLEAN' },
        { name: 'amount', type: 'BIGINT' },
        { name: 'at', type: 'TIME' },
      ],
    };
    const compile = (where: string) => compileFilter(filterFromParams({ where }), target);
    expect(() => compile('shipped_on = notadate')).toThrow(/shipped_on holds dates; value "notadate" is not one: write an ISO-8601 date such as 2026-01-31/);
    expect(() => compile('shipped_on = 2026-02-30')).toThrow(/shipped_on holds dates; value "2026-02-30" is not one/);
    expect(() => compile('shipped_on between 2026-01-01 and later')).toThrow(/shipped_on holds dates; bound "later" is not one/);
    expect(() => compile('seen in (2026-01-01T08:00:00Z, soon)')).toThrow(/seen holds times; value "soon" is not one/);
    expect(() => compile('urgent = maybe')).toThrow(/urgent holds true or false; value "maybe" is neither/);
    expect(compile('urgent = yes').params).toMatchObject({ f0: true });
    expect(compile('shipped_on = 2026-01-31').params).toMatchObject({ f0: '2026-01-31' });
    // A number out of any integer column's range is compared as DOUBLE (bound as text): it matches nothing rather than failing.
    expect(compile('amount = 1e23')).toMatchObject({ params: { f0: '1e+23' } });
    expect(compile('amount = 1e23').caseWhere).toContain('$f0::DOUBLE');
    // A type the filter has no reading for is compared as text.
    expect(compile('at = nope').caseWhere).toContain('CAST(x."at" AS VARCHAR) = $f0');
  });

  it('matches typed attributes in the store, and a huge number matches nothing', async () => {
    const { store: typedStore, dir, remove: removeTyped } = await tempStore();
    try {
      await ingestFile(typedStore, writeFixture(dir, 'typed.csv', 'case_id,activity,timestamp,shipped_on,amount,urgent,at\nA,x,2026-01-01T00:00:00Z,2026-01-02,5,true,08:00:00\nA,y,2026-01-02T00:00:00Z,2026-01-02,5,true,09:00:00\nB,x,2026-01-01T00:00:00Z,2026-01-04,9,false,10:00:00\n'));
      const cases = async (where: string) => (await getVariants(typedStore, 'typed', filterFromParams({ where }))).cases;
      expect(await cases('shipped_on = 2026-01-02')).toBe(1);
      expect(await cases('shipped_on >= 2026-01-03')).toBe(1);
      expect(await cases('urgent = false')).toBe(1);
      expect(await cases('amount = 1e23')).toBe(0);
      expect(await cases('amount >= 100000000000000000000000')).toBe(0);
      expect(await cases('at = 08:00:00')).toBe(1);
      expect(await cases('at = nope')).toBe(0);
    } finally {
      removeTyped();
    }
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

describe('conditionText', () => {
  it('writes each condition so parseCondition reads back the same, quoting what the syntax would split', () => {
    const conditions: AttributeCondition[] = [
      { name: 'warehouse', op: 'equals', value: 'ATL' },
      { name: 'ship to', op: 'equals', value: 'Smith, "Jr" (east)' },
      { name: 'tier', op: 'in', values: ['gold', 'in', 'a=b', ''] },
      { name: 'amount', op: 'range', min: '10', max: '99.5' },
      { name: 'amount', op: 'range', min: '-3' },
      { name: 'amount', op: 'range', max: '1e3' },
      { name: 'note', op: 'missing' },
      { name: 'is', op: 'equals', value: 'missing' },
    ];
    for (const condition of conditions) expect(parseCondition(conditionText(condition)), conditionText(condition)).toEqual(condition);
    expect(conditionText({ name: 'ship to', op: 'equals', value: 'a "b"' })).toBe('"ship to" = "a ""b"""');
  });
});

describe('repeats', () => {
  it('keeps the cases in which an activity occurs more than once', async () => {
    const made = await tempStore('waybill-repeats-');
    try {
      const csv = 'case_id,activity,timestamp\nR,a,2026-01-01T00:00:00Z\nR,b,2026-01-01T01:00:00Z\nR,a,2026-01-01T02:00:00Z\nS,a,2026-01-01T00:00:00Z\nS,b,2026-01-01T01:00:00Z\nT,b,2026-01-01T00:00:00Z\nT,b,2026-01-01T01:00:00Z\n';
      await ingestFile(made.store, writeFixture(made.dir, 'rework.csv', csv), { name: 'rework' });
      const cases = async (params: FilterParams) => (await getCaseDurations(made.store, 'rework', filterFromParams(params))).cases;
      expect(await cases({ repeats: 'a' })).toBe(1);
      expect(await cases({ repeats: 'b' })).toBe(1);
      expect(await cases({ repeats: ['a', 'b'] })).toBe(0);
      expect(await cases({ has: 'a', without: 'b' })).toBe(0);
      expect(await cases({ repeats: 'nothing of the kind' })).toBe(0);
      // has-any: one of them is enough (has needs them all); unknown names match nothing but do not fail.
      const csvC = 'case_id,activity,timestamp\nU,c,2026-01-01T00:00:00Z\n';
      await ingestFile(made.store, writeFixture(made.dir, 'more.csv', csvC), { name: 'rework', mode: 'append' });
      expect(await cases({ 'has-any': ['a', 'c'] })).toBe(3);
      expect(await cases({ 'has-any': 'c' })).toBe(1);
      expect(await cases({ 'has-any': ['c', 'no such activity'] })).toBe(1);
      expect(await cases({ has: ['a', 'c'] })).toBe(0);
      expect(await cases({ 'has-any': ['a', 'c'], without: 'b' })).toBe(1);
    } finally {
      made.remove();
    }
  });
});
