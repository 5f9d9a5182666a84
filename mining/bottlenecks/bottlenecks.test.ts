import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../datasets/distributor/index.ts';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { distributorStore } from '../../test-support/distributor-store.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { OptionError } from '../errors.ts';
import { getBottlenecks } from './index.ts';

/**
 * Waits in seconds, by handoff:
 * - A→B: X 3600, Y 1800, Z 7200 → median 3600, total 10800, mean 4200;
 * - B→C: X 9000, Z 2400, 4800 → median 4800, total 14400, mean 5400;
 * - C→B: X 1800, Z 1200, 6000 → median 1800, total 5400, mean 3000;
 * - B→D: X 21600, Y 7200, Z 0 (a tie, B first in the file) → median 7200, total 21600, mean 9600;
 * - A→D: W 18000 → median = total = mean 18000.
 * Rework: B twice in X (01:00 → 04:00) and three times in Z (02:00 → 06:00); C twice in Z (02:40 → 04:20).
 */
const BOTTLENECK_CSV = `case_id,activity,timestamp
X,A,2026-01-05T00:00:00Z
X,B,2026-01-05T01:00:00Z
X,C,2026-01-05T03:30:00Z
X,B,2026-01-05T04:00:00Z
X,D,2026-01-05T10:00:00Z
Y,A,2026-01-05T00:00:00Z
Y,B,2026-01-05T00:30:00Z
Y,D,2026-01-05T02:30:00Z
Z,A,2026-01-05T00:00:00Z
Z,B,2026-01-05T02:00:00Z
Z,C,2026-01-05T02:40:00Z
Z,B,2026-01-05T03:00:00Z
Z,C,2026-01-05T04:20:00Z
Z,B,2026-01-05T06:00:00Z
Z,D,2026-01-05T06:00:00Z
W,A,2026-01-06T00:00:00Z
W,D,2026-01-06T05:00:00Z
`;

describe('getBottlenecks on a hand-checked log', () => {
  let store: Store;
  let remove: () => void;
  beforeAll(async () => {
    const temp = await tempStore();
    store = temp.store;
    remove = temp.remove;
    await ingestFile(store, writeFixture(temp.dir, 'loops.csv', BOTTLENECK_CSV), { name: 'loops' });
  });
  afterAll(() => remove());

  it('ranks handoffs and activities by total waiting time (count × median), with both ranks', async () => {
    expect(await getBottlenecks(store, 'loops')).toEqual({
      log: 'loops',
      rankBy: 'total',
      handoffCount: 5,
      handoffs: [
        { from: 'B', to: 'D', count: 3, medianSeconds: 7200, totalSeconds: 21600, meanSeconds: 9600, rankTotal: 1, rankMedian: 2 },
        { from: 'A', to: 'D', count: 1, medianSeconds: 18000, totalSeconds: 18000, meanSeconds: 18000, rankTotal: 2, rankMedian: 1 },
        { from: 'B', to: 'C', count: 3, medianSeconds: 4800, totalSeconds: 14400, meanSeconds: 5400, rankTotal: 3, rankMedian: 3 },
        { from: 'A', to: 'B', count: 3, medianSeconds: 3600, totalSeconds: 10800, meanSeconds: 4200, rankTotal: 4, rankMedian: 4 },
        { from: 'C', to: 'B', count: 3, medianSeconds: 1800, totalSeconds: 5400, meanSeconds: 3000, rankTotal: 5, rankMedian: 5 },
      ],
      // Waits before D: 21600, 7200, 0, 18000; before B: 3600, 1800, 7200, 1800, 1200, 6000 (median of 1800 and 3600).
      activities: [
        { activity: 'D', count: 4, medianSeconds: 12600, totalSeconds: 50400, meanSeconds: 11700, rankTotal: 1, rankMedian: 1 },
        { activity: 'B', count: 6, medianSeconds: 2700, totalSeconds: 16200, meanSeconds: 3600, rankTotal: 2, rankMedian: 3 },
        { activity: 'C', count: 3, medianSeconds: 4800, totalSeconds: 14400, meanSeconds: 5400, rankTotal: 3, rankMedian: 2 },
      ],
      rework: [
        { activity: 'B', cases: 2, repeats: 3, secondsLost: 10800 + 14400, meanSecondsLost: 12600 },
        { activity: 'C', cases: 1, repeats: 1, secondsLost: 6000, meanSecondsLost: 6000 },
      ],
    });
  });

  it('ranks by median, and limits each list', async () => {
    const result = await getBottlenecks(store, 'loops', {}, { rankBy: 'median', limit: 2 });
    expect(result.handoffCount).toBe(5);
    expect(result.handoffs.map((h) => [h.from, h.to, h.rankMedian])).toEqual([
      ['A', 'D', 1],
      ['B', 'D', 2],
    ]);
    expect(result.activities.map((a) => a.activity)).toEqual(['D', 'C']);
    expect(result.rework.map((r) => r.activity)).toEqual(['B', 'C']);
  });

  it('looks only at the filtered cases', async () => {
    const result = await getBottlenecks(store, 'loops', { timeframe: { from: '2026-01-06' } });
    expect(result.handoffs.map((h) => [h.from, h.to, h.count])).toEqual([['A', 'D', 1]]);
    expect(result.rework).toEqual([]);
  });

  it('refuses options it cannot honour', async () => {
    await expect(getBottlenecks(store, 'loops', {}, { rankBy: 'mean' as 'median' })).rejects.toThrow(OptionError);
    await expect(getBottlenecks(store, 'loops', {}, { limit: 0 })).rejects.toThrow(OptionError);
  });
});

describe('getBottlenecks on the simulated distributor', () => {
  let store: Store;
  let remove: () => void;
  let truth: GroundTruth;
  beforeAll(async () => {
    ({ store, truth, remove } = await distributorStore());
  }, 60_000);
  afterAll(() => remove());

  it('the planted credit-review queue is the worst handoff by median', async () => {
    const claim = truth.claims.creditReviewBottleneck;
    const result = await getBottlenecks(store, 'orders', {}, { rankBy: 'median' });
    expect(result.handoffs[0]).toMatchObject({ from: claim.worstEdgeByMedian.from, to: claim.worstEdgeByMedian.to, rankMedian: 1 });
    expect(result.handoffs[0]!.medianSeconds).toBeGreaterThan(result.handoffs[1]!.medianSeconds);
  });

  it("EDI re-validation shows as rework of 'Order Validated' in exactly the planted orders", async () => {
    const result = await getBottlenecks(store, 'orders', {}, { limit: 100 });
    const validated = result.rework.find((r) => r.activity === 'Order Validated');
    expect(validated).toMatchObject({ cases: truth.claims.ediRevalidation.orders, repeats: truth.claims.ediRevalidation.orders });
    expect(validated!.secondsLost).toBeGreaterThan(0);
  });

});
