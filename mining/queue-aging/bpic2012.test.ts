import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import { queryRow, queryRows, withConnection, type Row, type Store } from '../../store/db.ts';
import { REAL_LOGS_DIR, realLog } from '../../test-support/real-logs.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { getQueueAging } from './index.ts';

/**
 * BPIC 2012 (loan applications, Oct 2011 – Mar 2012) is a historical log: almost every
 * application got its decision — approved (A_APPROVED, A_REGISTERED, A_ACTIVATED, the
 * offer's O_ACCEPTED), declined (A_DECLINED, O_DECLINED) or cancelled (A_CANCELLED) —
 * but a work item is closed seconds after it, so no activity is the last event of
 * most of its cases (PM4Py's end activities: A_DECLINED ends 3,429 of its 7,635 cases).
 */
const OUTCOMES = ['A_DECLINED', 'O_DECLINED', 'A_CANCELLED', 'O_ACCEPTED', 'A_ACTIVATED', 'A_APPROVED', 'A_REGISTERED'];
const DAY = 86_400;

let store: Store;
let remove: () => void;
beforeAll(async () => {
  ({ store, remove } = await tempStore());
  await ingestFile(store, realLog('bpic2012.xes.gz'), { name: 'bpic2012' });
}, 180_000);
afterAll(() => remove());

/** Runs SQL on the stored log's events with plain windows, as a check written independently of the analysis. */
const sql = <T extends Row>(text: string, params: Record<string, string | number> = {}) =>
  withConnection(store, (c) =>
    queryRows<T>(
      c,
      `WITH ev AS (
         SELECT e.case_id, a.name AS activity, e.ts FROM events e
         JOIN logs l ON l.log_id = e.log_id AND l.name = 'bpic2012' JOIN activities a ON a.log_id = e.log_id AND a.activity_id = e.activity_id)
       ${text}`,
      params,
    ),
  );

describe('queue aging of BPIC 2012', () => {
  it('infers the applications’ outcomes as end activities, with their evidence', async () => {
    const result = await getQueueAging(store, 'bpic2012');
    expect(result.endActivitiesSource).toBe('inferred');
    expect(result.endActivities).toEqual(OUTCOMES);
    expect(result.rule.evidence!.slice(0, 8)).toEqual([
      { activity: 'A_DECLINED', cases: 7635, endedWithin: 7635, share: 1, end: true },
      { activity: 'O_DECLINED', cases: 802, endedWithin: 802, share: 1, end: true },
      { activity: 'A_CANCELLED', cases: 2807, endedWithin: 2804, share: 2804 / 2807, end: true },
      { activity: 'O_ACCEPTED', cases: 2243, endedWithin: 2237, share: 2237 / 2243, end: true },
      { activity: 'A_ACTIVATED', cases: 2246, endedWithin: 2238, share: 2238 / 2246, end: true },
      { activity: 'A_APPROVED', cases: 2246, endedWithin: 2238, share: 2238 / 2246, end: true },
      { activity: 'A_REGISTERED', cases: 2246, endedWithin: 2238, share: 2238 / 2246, end: true },
      // The next best falls far short: a contract change ends 5 of its 7 cases.
      { activity: 'W_Wijzigen contractgegevens', cases: 7, endedWithin: 5, share: 5 / 7, end: false },
    ]);
    // The evidence, recomputed with windows over the events: first occurrence against the case's last event.
    const expected = await sql<{ activity: string; cases: number; ended: number }>(
      `, firsts AS (SELECT case_id, activity, min(ts) AS first_ts, max(max(ts)) OVER (PARTITION BY case_id) AS end_ts FROM ev GROUP BY case_id, activity)
       SELECT activity, count(*)::INTEGER AS cases, (count(*) FILTER (WHERE epoch(end_ts) - epoch(first_ts) <= 3600))::INTEGER AS ended
       FROM firsts GROUP BY activity`,
    );
    expect(result.rule.evidence!.map((e) => [e.activity, e.cases, e.endedWithin]).sort()).toEqual(expected.map((e) => [e.activity, e.cases, e.ended]).sort());
    // Why the last-event rule called every application open: PM4Py's own end-activity counts.
    const pm4py = JSON.parse(readFileSync(join(REAL_LOGS_DIR, 'expected', 'bpic2012.json'), 'utf8')) as { pm4py: { end_activities: Record<string, number> } };
    expect(pm4py.pm4py.end_activities['A_DECLINED']).toBe(3429);
    expect(pm4py.pm4py.end_activities['A_APPROVED']).toBeUndefined();
  });

  it('leaves open only the applications without a decision: 399 of 13,087 (3 %)', async () => {
    const result = await getQueueAging(store, 'bpic2012');
    expect(result.rule.cases).toEqual({ started: 13_087, ended: 12_688, silent: 0 });
    expect(result.openCases).toBe(399);
    // Approved, declined or cancelled: the three outcomes of an application, counted on the events.
    const [decided] = await sql<{ n: number }>(
      `SELECT count(DISTINCT case_id)::INTEGER AS n FROM ev WHERE activity IN ('A_APPROVED', 'A_DECLINED', 'A_CANCELLED')`,
    );
    expect(decided!.n).toBe(12_688);
    // They wait for the customer (offers, incomplete files) or for validation.
    expect(result.steps.map((s) => [s.activity, s.count])).toEqual([
      ['W_Nabellen offertes', 271],
      ['W_Completeren aanvraag', 76],
      ['W_Nabellen incomplete dossiers', 45],
      ['W_Valideren aanvraag', 7],
    ]);
    // Silence: the 99th percentile of the cases' longest pause, 23 days, longer than any of them has been quiet.
    const [pause] = await sql<{ p99: number }>(
      `, gaps AS (SELECT case_id, epoch(ts) - epoch(lag(ts) OVER (PARTITION BY case_id ORDER BY ts)) AS gap FROM ev)
       SELECT quantile_cont(longest, 0.99) AS p99 FROM (SELECT max(gap) AS longest FROM gaps GROUP BY case_id)`,
    );
    expect(result.rule.silence.source).toBe('log');
    expect(result.rule.silence.seconds).toBeCloseTo(pause!.p99, 3);
    expect(result.rule.silence.seconds! / DAY).toBeGreaterThan(22.9);
    expect(Math.max(...result.steps.map((s) => s.maxAgeSeconds))).toBeLessThan(result.rule.silence.seconds!);
  });

  it('takes the silence and the end activities from the options', async () => {
    // A week of silence judges ended the undecided applications quiet for longer than that.
    const week = await getQueueAging(store, 'bpic2012', {}, { silence: 7 * DAY });
    const quiet = await withConnection(store, (c) =>
      queryRow<{ n: number }>(
        c,
        `SELECT count(*)::INTEGER AS n FROM cases c JOIN logs l ON l.log_id = c.log_id AND l.name = 'bpic2012'
         WHERE NOT EXISTS (SELECT 1 FROM events e JOIN activities a ON a.log_id = e.log_id AND a.activity_id = e.activity_id
                           WHERE e.log_id = c.log_id AND e.case_id = c.case_id AND a.name IN ('A_APPROVED', 'A_DECLINED', 'A_CANCELLED'))
           AND epoch(l.last_ts) - epoch(c.end_ts) > $week`,
        { week: 7 * DAY },
      ),
    );
    expect(quiet!.n).toBeGreaterThan(0);
    expect(week.rule.cases).toEqual({ started: 13_087, ended: 12_688, silent: quiet!.n });
    expect(week.openCases).toBe(399 - quiet!.n);
    // Only the declines given: the approved and cancelled applications are open, silence off.
    const declined = await getQueueAging(store, 'bpic2012', {}, { endActivities: ['A_DECLINED'] });
    expect(declined).toMatchObject({ endActivitiesSource: 'option', openCases: 13_087 - 7_635, rule: { silence: { source: 'off' } } });
    expect(declined.rule.evidence!.find((e) => e.activity === 'A_DECLINED')).toMatchObject({ end: true });
  });
});
