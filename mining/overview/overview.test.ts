import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { getOverview, timelinePeriod } from './index.ts';

/** On the hand-checked fixture (test-support/fixture-log.ts): A (3 events, 5–6 Jan), B (3 events, 5 Jan), C (1 event, 5 Jan). */

let store: Store;
let remove: () => void;
beforeAll(async () => {
  const made = await tempStore('waybill-overview-');
  ({ store, remove } = made);
  await ingestFile(store, writeFixture(made.dir), { name: 'orders' });
});
afterAll(() => remove());

describe('getOverview', () => {
  it('says what the filter keeps of the log, per activity and on a timeline', async () => {
    const all = await getOverview(store, 'orders');
    expect(all).toMatchObject({ cases: 3, events: 7, totalCases: 3, totalEvents: 7, start: '2026-01-05T07:00:00.000Z', end: '2026-01-06T07:00:00.000Z' });
    expect(all.activities).toEqual([
      { name: 'Order Captured', cases: 3 },
      { name: 'Order Validated', cases: 2 },
      { name: 'Shipped', cases: 2 },
    ]);
    expect(all.attributes.map((a) => a.name)).toEqual(['amount', 'note']);
    expect(all.timeline).toEqual({ period: 'day', buckets: [{ start: '2026-01-05T00:00:00.000Z', cases: 3, kept: 3 }] });

    const shipped = await getOverview(store, 'orders', { activities: { present: ['Shipped'] } });
    expect(shipped).toMatchObject({ cases: 2, events: 6, totalCases: 3, totalEvents: 7, start: '2026-01-05T07:00:00.000Z', end: '2026-01-06T07:00:00.000Z' });
    expect(shipped.activities.map((a) => a.cases)).toEqual([2, 2, 2]);
    expect(shipped.timeline.buckets).toEqual([{ start: '2026-01-05T00:00:00.000Z', cases: 3, kept: 2 }]);

    const none = await getOverview(store, 'orders', { activities: { present: ['Shipped'], absent: ['Shipped'] } });
    expect(none).toMatchObject({ cases: 0, events: 0, start: null, end: null });
    expect(none.activities.every((a) => a.cases === 0)).toBe(true);
  });

  it('lists every period of the span, empty ones too, by the period asked for', async () => {
    const weeks = await getOverview(store, 'orders', {}, { period: 'month' });
    expect(weeks.timeline).toEqual({ period: 'month', buckets: [{ start: '2026-01-01T00:00:00.000Z', cases: 3, kept: 3 }] });
    expect(timelinePeriod('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')).toBe('day');
    expect(timelinePeriod('2026-01-01T00:00:00Z', '2026-09-01T00:00:00Z')).toBe('week');
    expect(timelinePeriod('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBe('month');
  });
});
