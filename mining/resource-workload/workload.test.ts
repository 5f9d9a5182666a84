import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { getResourceWorkload } from './index.ts';

/** Resource workload on the hand-checked fixture (test-support/fixture-log.ts): ann captured A, B and C; bob validated A and B; cat shipped A and B. */

let store: Store;
let remove: () => void;
beforeAll(async () => {
  const made = await tempStore('waybill-workload-');
  ({ store, remove } = made);
  await ingestFile(store, writeFixture(made.dir), { name: 'orders' });
});
afterAll(() => remove());

describe('getResourceWorkload', () => {
  it('counts each resource’s events and cases, busiest first, per week', async () => {
    const result = await getResourceWorkload(store, 'orders');
    expect(result).toMatchObject({ log: 'orders', period: 'week', resourceCount: 3, unassignedEvents: 0, totalEvents: 7 });
    expect(result.resources.map(({ resource, events, cases }) => [resource, events, cases])).toEqual([
      ['ann', 3, 3],
      ['bob', 2, 2],
      ['cat', 2, 2],
    ]);
    expect(result.resources[0]!.share).toBeCloseTo(3 / 7, 12);
    // All seven events fall in the week of Monday 2026-01-05.
    expect(result.periods).toEqual([{ start: '2026-01-05T00:00:00.000Z', events: 7, cases: 3 }]);
    expect(result.resources[2]!.series).toEqual([{ start: '2026-01-05T00:00:00.000Z', events: 2, cases: 2 }]);
  });

  it('honours the filter and the limit', async () => {
    const shipped = await getResourceWorkload(store, 'orders', { startActivities: ['Order Captured'], endActivities: ['Shipped'] }, { limit: 1, period: 'month' });
    expect(shipped).toMatchObject({ period: 'month', resourceCount: 3, totalEvents: 6 });
    expect(shipped.resources).toHaveLength(1);
    expect(shipped.periods[0]!.start).toBe('2026-01-01T00:00:00.000Z');
    await expect(getResourceWorkload(store, 'orders', {}, { limit: 0 })).rejects.toThrow(/limit must be a whole number from 1/);
  });

  it('puts events in ISO weeks from Monday and calendar months (UTC), at their edges too, a case counted once per period', async () => {
    const csv = [
      'case_id,activity,timestamp,resource',
      'X,a,2025-12-31T23:59:59Z,ann',
      'X,b,2026-01-04T23:59:59Z,ann',
      'X,c,2026-01-05T00:00:00Z,ann',
      'Y,a,2026-01-05T10:00:00Z,bob',
      'Y,b,2026-01-31T23:59:59Z,ann',
      'Y,c,2026-02-01T00:00:00Z,bob',
    ].join('\n');
    const made = await tempStore('waybill-workload-edges-');
    try {
      await ingestFile(made.store, writeFixture(made.dir, 'edges.csv', `${csv}\n`), { name: 'edges' });
      const weeks = await getResourceWorkload(made.store, 'edges');
      expect(weeks.periods).toEqual([
        { start: '2025-12-29T00:00:00.000Z', events: 2, cases: 1 },
        { start: '2026-01-05T00:00:00.000Z', events: 2, cases: 2 },
        { start: '2026-01-26T00:00:00.000Z', events: 2, cases: 1 },
      ]);
      expect(weeks.resources.find((r) => r.resource === 'ann')).toMatchObject({ events: 4, cases: 2 });
      const months = await getResourceWorkload(made.store, 'edges', {}, { period: 'month' });
      expect(months.periods).toEqual([
        { start: '2025-12-01T00:00:00.000Z', events: 1, cases: 1 },
        { start: '2026-01-01T00:00:00.000Z', events: 4, cases: 2 },
        { start: '2026-02-01T00:00:00.000Z', events: 1, cases: 1 },
      ]);
      expect(months.resources.find((r) => r.resource === 'bob')!.series).toEqual([
        { start: '2026-01-01T00:00:00.000Z', events: 1, cases: 1 },
        { start: '2026-02-01T00:00:00.000Z', events: 1, cases: 1 },
      ]);
    } finally {
      made.remove();
    }
  });
});
