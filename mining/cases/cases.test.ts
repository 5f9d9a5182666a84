import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, ingestLinkedFiles, parseObjectKeys } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { casesCsv, getCaseColumns, getCases } from './index.ts';
import { getCaseTimeline } from './timeline.ts';

/** On the hand-checked fixture (test-support/fixture-log.ts): A 86,400 s, B 7,200 s (both Captured → Validated → Shipped, variant 1), C 0 s (variant 2). */

let store: Store;
let remove: () => void;
beforeAll(async () => {
  const made = await tempStore('waybill-cases-');
  ({ store, remove } = made);
  await ingestFile(store, writeFixture(made.dir), { name: 'orders' });
  // An order whose events touch two lines: the line is an object of its own, with its own case notion.
  const linked = 'case_id,activity,timestamp,order_id,line_id\nO1,Create,2026-01-05T08:00:00Z,O1,\nO1,Pick,2026-01-05T09:00:00Z,O1,L1\nO1,Pick,2026-01-05T09:30:00Z,O1,L2\nO1,Ship,2026-01-05T10:00:00Z,O1,L1\n';
  await ingestLinkedFiles(store, [writeFixture(made.dir, 'linked.csv', linked)], { name: 'linked', objects: parseObjectKeys(['order=order_id', 'line=line_id']) });
});
afterAll(() => remove());

describe('getCases', () => {
  it('lists each case with its times, duration, events, variant and first attribute values', async () => {
    const list = await getCases(store, 'orders');
    expect(list).toMatchObject({ log: 'orders', cases: 3, attributes: ['amount', 'note'], sort: 'start', order: 'asc', offset: 0 });
    expect(list.rows).toEqual([
      { case: 'A', start: '2026-01-05T07:00:00.000Z', end: '2026-01-06T07:00:00.000Z', durationSeconds: 86400, events: 3, variant: 1, attributes: { amount: '10', note: 'first' } },
      { case: 'B', start: '2026-01-05T08:00:00.000Z', end: '2026-01-05T10:00:00.000Z', durationSeconds: 7200, events: 3, variant: 1, attributes: { amount: '5', note: 'with, comma' } },
      { case: 'C', start: '2026-01-05T12:00:00.000Z', end: '2026-01-05T12:00:00.000Z', durationSeconds: 0, events: 1, variant: 2, attributes: { amount: '7', note: null } },
    ]);
  });

  it('sorts, pages and filters, and refuses an order it does not know', async () => {
    const longest = await getCases(store, 'orders', {}, { sort: 'duration', order: 'desc', limit: 2 });
    expect(longest.rows.map((r) => r.case)).toEqual(['A', 'B']);
    expect((await getCases(store, 'orders', {}, { sort: 'duration', order: 'desc', limit: 2, offset: 2 })).rows.map((r) => r.case)).toEqual(['C']);
    expect((await getCases(store, 'orders', {}, { sort: 'case', order: 'desc' })).rows.map((r) => r.case)).toEqual(['C', 'B', 'A']);
    const shipped = await getCases(store, 'orders', { activities: { present: ['Shipped'] } });
    expect([shipped.cases, shipped.rows.map((r) => r.case)]).toEqual([2, ['A', 'B']]);
    await expect(getCases(store, 'orders', {}, { sort: 'colour' as 'case' })).rejects.toThrow(/sort is one of start, end, duration, events, variant, case/);
    await expect(getCases(store, 'orders', {}, { limit: 0 })).rejects.toThrow(/limit must be a whole number from 1 to 10000/);
  });

  it('gives every filtered case as columns, in start order', async () => {
    const columns = await getCaseColumns(store, 'orders', { endActivities: ['Shipped'] });
    expect(columns).toMatchObject({ case: ['A', 'B'], start: [Date.UTC(2026, 0, 5, 7), Date.UTC(2026, 0, 5, 8)], duration: [86400, 7200], events: [3, 3], variant: [1, 1] });
    expect(columns.attributes).toEqual({ amount: ['10', '5'], note: ['first', 'with, comma'] });
  });
});

describe('getCaseTimeline', () => {
  it('shows a case’s events in order with gaps, resources and attribute values', async () => {
    const b = await getCaseTimeline(store, 'orders', 'B');
    expect(b).toMatchObject({ log: 'orders', case: 'B', start: '2026-01-05T08:00:00.000Z', end: '2026-01-05T10:00:00.000Z', durationSeconds: 7200, variant: 1, objects: [] });
    expect(b.events).toEqual([
      { activity: 'Order Captured', timestamp: '2026-01-05T08:00:00.000Z', gapSeconds: null, resource: 'ann', lifecycle: null, attributes: { amount: '5', note: null } },
      { activity: 'Order Validated', timestamp: '2026-01-05T08:00:00.000Z', gapSeconds: 0, resource: 'bob', lifecycle: null, attributes: { amount: '5', note: null } },
      { activity: 'Shipped', timestamp: '2026-01-05T10:00:00.000Z', gapSeconds: 7200, resource: 'cat', lifecycle: null, attributes: { amount: '5', note: 'with, comma' } },
    ]);
    await expect(getCaseTimeline(store, 'orders', 'Z')).rejects.toThrow(/the log "orders" has no case "Z"/);
  });

  it('names the other objects a case of a linked log touches, each with the case notion of its own events', async () => {
    const order = await getCaseTimeline(store, 'linked@order', 'O1');
    expect(order.events.map((e) => e.activity)).toEqual(['Create', 'Pick', 'Pick', 'Ship']);
    expect(order.objects).toEqual([
      { type: 'line', id: 'L1', events: 2, notion: 'linked@line' },
      { type: 'line', id: 'L2', events: 1, notion: 'linked@line' },
    ]);
    const line = await getCaseTimeline(store, 'linked@line', 'L1');
    expect(line.events.map((e) => e.activity)).toEqual(['Pick', 'Ship']);
    expect(line.objects).toEqual([{ type: 'order', id: 'O1', events: 2, notion: 'linked@order' }]);
  });
});

describe('casesCsv', () => {
  it('writes one row per case, neutralizing text a spreadsheet would run as a formula', async () => {
    const columns = await getCaseColumns(store, 'orders', { endActivities: ['Shipped'] });
    expect(casesCsv(columns).split('\r\n')).toEqual([
      'case,start,end,duration_seconds,events,variant,amount,note',
      'A,2026-01-05T07:00:00.000Z,2026-01-06T07:00:00.000Z,86400,3,1,10,first',
      'B,2026-01-05T08:00:00.000Z,2026-01-05T10:00:00.000Z,7200,3,1,5,"with, comma"',
      '',
    ]);
    const hostile = casesCsv({ ...columns, case: ['=HYPERLINK("http://evil")', 'B'] });
    expect(hostile.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil""\)",/);
  });
});
