import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../datasets/distributor/index.ts';
import { queryRows, withConnection, type Row, type Store } from '../../store/db.ts';
import { quoteLiteral } from '../../store/sql.ts';
import { distributorStore } from '../../test-support/distributor-store.ts';
import { getCaseDurationDistribution, getDurationBreakdown, getDurationTrend, getMilestoneDurations } from './index.ts';

/**
 * The generator's slow warehouse, found by the cycle-time analyses on orders.csv and
 * checked against SQL written straight on the CSV (positions from timestamp, then file order).
 */
const RELEASE_TO_PICK = { from: 'Released to Warehouse', to: 'Picked' } as const;

let dir = '';
let store: Store;
let truth: GroundTruth;
let removeStore: () => void;

/** Plain SQL on the generated CSV (a table `o` of its rows with each row's position in its case). */
async function onCsv<T extends Row>(sql: string): Promise<T[]> {
  return withConnection(store, async (connection) => {
    await connection.run(`CREATE TEMP TABLE IF NOT EXISTS o AS
      SELECT *, epoch_ms(timestamp::TIMESTAMP) AS ms,
             row_number() OVER (PARTITION BY case_id ORDER BY epoch_ms(timestamp::TIMESTAMP), rn) AS pos
      FROM (SELECT *, row_number() OVER () AS rn FROM read_csv(${quoteLiteral(join(dir, 'orders.csv'))}, header = true, sample_size = -1))`);
    return queryRows<T>(connection, sql);
  });
}

/** Per case, the first release, the first pick after it, and the case's first warehouse: plain SQL. */
const MILESTONES_SQL = `
  WITH rel AS (SELECT case_id, min(pos) AS pos FROM o WHERE activity = 'Released to Warehouse' GROUP BY ALL),
       pick AS (SELECT rel.case_id, min(o.pos) AS pos FROM rel JOIN o ON o.case_id = rel.case_id AND o.activity = 'Picked' AND o.pos > rel.pos GROUP BY ALL),
       wh AS (SELECT case_id, arg_min(warehouse, pos) AS warehouse FROM o WHERE warehouse IS NOT NULL GROUP BY ALL)
  SELECT r.case_id, w.warehouse, (p.ms - r.ms) / 1000.0 AS seconds
  FROM rel JOIN o r USING (case_id, pos) JOIN pick ON pick.case_id = r.case_id JOIN o p ON p.case_id = pick.case_id AND p.pos = pick.pos
  LEFT JOIN wh w ON w.case_id = r.case_id`;

beforeAll(async () => {
  ({ store, dir, truth, remove: removeStore } = await distributorStore());
}, 60_000);

afterAll(() => removeStore?.());

describe('cycle times on the distributor', () => {
  it('ranks the slow warehouse first by mean and p90 release-to-pick time, every statistic as SQL on the CSV gives it', async () => {
    const claim = truth.claims.slowWarehousePicking;
    const expected = await onCsv<{ warehouse: string; cases: number; median: number; mean: number; p90: number }>(`
      SELECT warehouse, count(*)::INTEGER AS cases, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90
      FROM (${MILESTONES_SQL}) GROUP BY ALL`);
    expect(expected).toHaveLength(3);
    const order = (stat: 'median' | 'mean' | 'p90') => [...expected].sort((a, b) => b[stat] - a[stat]).map((e) => e.warehouse);
    for (const sort of ['median', 'mean', 'p90'] as const) {
      const breakdown = await getDurationBreakdown(store, 'orders', {}, { by: 'warehouse', measure: RELEASE_TO_PICK, sort });
      expect(breakdown.buckets.map((b) => b.label), sort).toEqual(order(sort));
      for (const bucket of breakdown.buckets) {
        const want = expected.find((e) => e.warehouse === bucket.value)!;
        expect(bucket.cases).toBe(want.cases);
        for (const stat of ['median', 'mean', 'p90'] as const) expect(bucket[stat]).toBeCloseTo(want[stat], 6);
      }
      if (sort !== 'median') {
        // The planted effect: the slow warehouse leads, its mean at least the stated ratio of every other's.
        const [slow, ...others] = breakdown.buckets;
        expect(slow!.value).toBe(claim.warehouse);
        for (const other of others) expect(slow!.mean).toBeGreaterThanOrEqual(claim.minRatioToOthers * other.mean);
      }
    }
    // The slowness is overnight waits for lines released after the single shift: a tail, not the typical case.
    // Its median first pick is not the highest (RNO's is, with seed 2026), while its p90 is several times the others'.
    const byMedian = await getDurationBreakdown(store, 'orders', {}, { by: 'warehouse', measure: RELEASE_TO_PICK });
    expect(byMedian.buckets[0]!.value).not.toBe(claim.warehouse);
  });

  it('counts the measured, missing and reversed cases of the milestone as SQL does', async () => {
    const milestone = await getMilestoneDurations(store, 'orders', {}, RELEASE_TO_PICK);
    const [want] = await onCsv<{ cases: number; measured: number; with_both: number; median: number; p25: number; p75: number; max: number }>(`
      WITH m AS (${MILESTONES_SQL}),
           both_ AS (SELECT DISTINCT case_id FROM o WHERE activity = 'Released to Warehouse'
                     INTERSECT SELECT DISTINCT case_id FROM o WHERE activity = 'Picked')
      SELECT (SELECT count(DISTINCT case_id) FROM o)::INTEGER AS cases, (SELECT count(*) FROM m)::INTEGER AS measured,
             (SELECT count(*) FROM both_)::INTEGER AS with_both,
             (SELECT median(seconds) FROM m) AS median, (SELECT quantile_cont(seconds, 0.25) FROM m) AS p25,
             (SELECT quantile_cont(seconds, 0.75) FROM m) AS p75, (SELECT max(seconds) FROM m) AS max`);
    expect(milestone).toMatchObject({ cases: want!.cases, measured: want!.measured, missing: want!.cases - want!.with_both, reversed: want!.with_both - want!.measured });
    expect(milestone.measured).toBeGreaterThan(5000);
    for (const stat of ['median', 'p25', 'p75', 'max'] as const) expect(milestone.seconds[stat]).toBeCloseTo(want![stat], 6);
    expect(milestone.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(milestone.measured);
  });

  it('gives case-duration percentiles and weekly trends that SQL on the CSV confirms', async () => {
    const durations = await onCsv<{ case_id: string; start: number; seconds: number }>(
      `SELECT case_id, min(ms) AS start, (max(ms) - min(ms)) / 1000.0 AS seconds FROM o GROUP BY ALL`,
    );
    const [p] = await onCsv<{ p10: number; p99: number }>(`
      SELECT quantile_cont(seconds, 0.1) AS p10, quantile_cont(seconds, 0.99) AS p99
      FROM (SELECT (max(ms) - min(ms)) / 1000.0 AS seconds FROM o GROUP BY case_id)`);
    const distribution = await getCaseDurationDistribution(store, 'orders');
    expect(distribution.cases).toBe(durations.length);
    expect(distribution.percentiles.p10).toBeCloseTo(p!.p10, 6);
    expect(distribution.percentiles.p99).toBeCloseTo(p!.p99, 6);

    // Weeks of plain (zone-less) timestamps: ISO weeks, Monday first.
    const weeks = await onCsv<{ start: string; cases: number; median: number }>(`
      SELECT strftime(date_trunc('week', make_timestamp(start_ms * 1000)), '%Y-%m-%dT%H:%M:%S.%gZ') AS start, count(*)::INTEGER AS cases, median(seconds) AS median
      FROM (SELECT min(ms) AS start_ms, (max(ms) - min(ms)) / 1000.0 AS seconds FROM o GROUP BY case_id) GROUP BY ALL ORDER BY start`);
    const trend = await getDurationTrend(store, 'orders', {}, { period: 'week' });
    expect(trend.series.filter((s) => s.cases > 0).map((s) => [s.start, s.cases])).toEqual(weeks.map((w) => [w.start, w.cases]));
    trend.series.filter((s) => s.cases > 0).forEach((s, i) => expect(s.median).toBeCloseTo(weeks[i]!.median, 6));
    expect(trend.series[0]!.start).toMatch(/^2026-01-05T/); // a Monday
  });
});
