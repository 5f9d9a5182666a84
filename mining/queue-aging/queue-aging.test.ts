import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../datasets/distributor/index.ts';
import { ingestFile } from '../../ingest/index.ts';
import { queryRows, withConnection, type Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { distributorStore } from '../../test-support/distributor-store.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { OptionError } from '../errors.ts';
import { bucketLabels, getQueueAging } from './index.ts';

/**
 * Only Paid always ends its case, so it is the one inferred end activity: the case's
 * last event comes within 1 h of its first occurrence in 2 of its 2 cases (Shipped in
 * 2 of 4: E, F; Validated 2 of 5: B, and E's one hour before Shipped; Captured 1 of 6: C).
 * - A: Captured 01-01 00:00, Validated 01-02, Shipped 01-03, Paid 01-05.
 * - B: Captured 01-01 12:00, Validated 01-08 12:00.
 * - C: Captured 01-02.
 * - D: Captured 01-02, Validated 01-02 06:00, Shipped 01-06, Paid 01-10 (the log's last timestamp).
 * - E: Captured 01-01, Validated 01:00, Shipped 02:00.
 * - F: Captured and Validated both 01-08 00:00 (a tie, Validated last in the file), Shipped 01-09.
 */
const QUEUE_CSV = `case_id,activity,timestamp
A,Captured,2026-01-01T00:00:00Z
A,Validated,2026-01-02T00:00:00Z
A,Shipped,2026-01-03T00:00:00Z
A,Paid,2026-01-05T00:00:00Z
B,Captured,2026-01-01T12:00:00Z
B,Validated,2026-01-08T12:00:00Z
C,Captured,2026-01-02T00:00:00Z
D,Captured,2026-01-02T00:00:00Z
D,Validated,2026-01-02T06:00:00Z
D,Shipped,2026-01-06T00:00:00Z
D,Paid,2026-01-10T00:00:00Z
E,Captured,2026-01-01T00:00:00Z
E,Validated,2026-01-01T01:00:00Z
E,Shipped,2026-01-01T02:00:00Z
F,Captured,2026-01-08T00:00:00Z
F,Validated,2026-01-08T00:00:00Z
F,Shipped,2026-01-09T00:00:00Z
`;

const DAY = 86_400;
const H = 3_600;
const buckets = (...counts: number[]) => bucketLabels([DAY, 3 * DAY, 7 * DAY]).map((b, i) => ({ ...b, count: counts[i] }));

describe('getQueueAging on a hand-checked log', () => {
  let store: Store;
  let remove: () => void;
  beforeAll(async () => {
    const temp = await tempStore();
    store = temp.store;
    remove = temp.remove;
    await ingestFile(store, writeFixture(temp.dir, 'queue.csv', QUEUE_CSV), { name: 'queue' });
  });
  afterAll(() => remove());

  it('labels the default buckets', () => {
    expect(bucketLabels([DAY, 3 * DAY, 7 * DAY]).map((b) => b.label)).toEqual(['< 1 d', '1–3 d', '3–7 d', '> 7 d']);
    expect(bucketLabels([30 * 60, 12 * H, DAY, 36 * H]).map((b) => b.label)).toEqual(['< 30 min', '30–720 min', '12–24 h', '24–36 h', '> 36 h']);
  });

  it('at the log end: open cases by current step, ages in the step and of the case', async () => {
    const result = await getQueueAging(store, 'queue', {}, { sla: { Shipped: 2 * DAY, Captured: 8 * DAY }, silence: 'none' });
    expect(result).toEqual({
      log: 'queue',
      asOf: '2026-01-10T00:00:00.000Z',
      openCases: 4,
      endActivities: ['Paid'],
      endActivitiesSource: 'inferred',
      rule: {
        text:
          'A case is closed once it reaches an end activity. End activities are inferred from the log: those after whose first occurrence the case ends within 1h ' +
          'in at least 95 % of the cases they occur in. A case without one is open however long it has been quiet.',
        endShare: 0.95,
        endWithinSeconds: H,
        activities: ['Captured', 'Paid', 'Shipped', 'Validated'],
        evidence: [
          { activity: 'Paid', cases: 2, endedWithin: 2, share: 1, end: true },
          { activity: 'Shipped', cases: 4, endedWithin: 2, share: 0.5, end: false },
          { activity: 'Validated', cases: 5, endedWithin: 2, share: 0.4, end: false },
          { activity: 'Captured', cases: 6, endedWithin: 1, share: 1 / 6, end: false },
        ],
        silence: { seconds: null, source: 'off' },
        // A and D are paid; B, C, E and F are open.
        cases: { started: 6, ended: 2, silent: 0 },
      },
      overSla: 1,
      steps: [
        // E since 01-01 02:00 (8 d 22 h), F since 01-09 (1 d: on the bound, so 1–3 d).
        { activity: 'Shipped', count: 2, meanAgeSeconds: (770_400 + 86_400) / 2, maxAgeSeconds: 770_400, buckets: buckets(0, 1, 0, 1), slaSeconds: 2 * DAY, overSla: 1 },
        { activity: 'Captured', count: 1, meanAgeSeconds: 8 * DAY, maxAgeSeconds: 8 * DAY, buckets: buckets(0, 0, 0, 1), slaSeconds: 8 * DAY, overSla: 0 },
        { activity: 'Validated', count: 1, meanAgeSeconds: 1.5 * DAY, maxAgeSeconds: 1.5 * DAY, buckets: buckets(0, 1, 0, 0), slaSeconds: null, overSla: null },
      ],
      oldest: [
        { case: 'E', activity: 'Shipped', since: '2026-01-01T02:00:00.000Z', ageSeconds: 770_400, caseStart: '2026-01-01T00:00:00.000Z', caseAgeSeconds: 9 * DAY },
        { case: 'B', activity: 'Validated', since: '2026-01-08T12:00:00.000Z', ageSeconds: 1.5 * DAY, caseStart: '2026-01-01T12:00:00.000Z', caseAgeSeconds: 8.5 * DAY },
        { case: 'C', activity: 'Captured', since: '2026-01-02T00:00:00.000Z', ageSeconds: 8 * DAY, caseStart: '2026-01-02T00:00:00.000Z', caseAgeSeconds: 8 * DAY },
        { case: 'F', activity: 'Shipped', since: '2026-01-09T00:00:00.000Z', ageSeconds: DAY, caseStart: '2026-01-08T00:00:00.000Z', caseAgeSeconds: 2 * DAY },
      ],
    });
  });

  it('ranks the oldest by age in the step, and limits them', async () => {
    const result = await getQueueAging(store, 'queue', {}, { oldestBy: 'step', oldest: 3, silence: 'none' });
    expect(result.oldest.map((o) => [o.case, o.ageSeconds])).toEqual([
      ['E', 770_400],
      ['C', 8 * DAY],
      ['B', 1.5 * DAY],
    ]);
    expect((await getQueueAging(store, 'queue', {}, { oldest: 0 })).oldest).toEqual([]);
  });

  it('in the middle of the log: the last event at or before asOf is the step; F has not started', async () => {
    const result = await getQueueAging(store, 'queue', {}, { asOf: '2026-01-04', bucketBounds: [2 * DAY] });
    expect(result.asOf).toBe('2026-01-04T00:00:00.000Z');
    expect(result.openCases).toBe(5);
    const two = (below: number, above: number) => [
      { label: '< 2 d', fromSeconds: 0, toSeconds: 2 * DAY, count: below },
      { label: '> 2 d', fromSeconds: 2 * DAY, toSeconds: null, count: above },
    ];
    expect(result.steps).toEqual([
      // B captured 01-01 12:00 (2.5 d), C 01-02 (2 d).
      { activity: 'Captured', count: 2, meanAgeSeconds: 2.25 * DAY, maxAgeSeconds: 2.5 * DAY, buckets: two(0, 2), slaSeconds: null, overSla: null },
      // A shipped 01-03 (1 d), E 01-01 02:00 (2 d 22 h).
      { activity: 'Shipped', count: 2, meanAgeSeconds: (DAY + 252_000) / 2, maxAgeSeconds: 252_000, buckets: two(1, 1), slaSeconds: null, overSla: null },
      // D validated 01-02 06:00 (1 d 18 h); its Shipped comes after asOf.
      { activity: 'Validated', count: 1, meanAgeSeconds: 151_200, maxAgeSeconds: 151_200, buckets: two(1, 0), slaSeconds: null, overSla: null },
    ]);
    // A and E both started 01-01 00:00: by name.
    expect(result.oldest.map((o) => [o.case, o.activity, o.caseAgeSeconds])).toEqual([
      ['A', 'Shipped', 3 * DAY],
      ['E', 'Shipped', 3 * DAY],
      ['B', 'Captured', 2.5 * DAY],
      ['C', 'Captured', 2 * DAY],
      ['D', 'Validated', 2 * DAY],
    ]);
  });

  it('an end activity exactly at asOf closes the case; of tied events the last in the file is the step', async () => {
    const paid = await getQueueAging(store, 'queue', {}, { asOf: '2026-01-05T00:00:00Z' });
    expect(paid.oldest.map((o) => o.case)).toEqual(['E', 'B', 'C', 'D']);
    const tie = await getQueueAging(store, 'queue', {}, { asOf: '2026-01-08T00:00:00Z' });
    expect(tie.oldest.find((o) => o.case === 'F')).toEqual({
      case: 'F',
      activity: 'Validated',
      since: '2026-01-08T00:00:00.000Z',
      ageSeconds: 0,
      caseStart: '2026-01-08T00:00:00.000Z',
      caseAgeSeconds: 0,
    });
    const before = await getQueueAging(store, 'queue', {}, { asOf: '2025-12-31' });
    expect(before).toMatchObject({ openCases: 0, overSla: 0, steps: [], oldest: [] });
  });

  it('takes end activities and a case prefix from the options', async () => {
    const result = await getQueueAging(store, 'queue', {}, { endActivities: ['Paid', 'Shipped'] });
    expect(result).toMatchObject({ openCases: 2, endActivities: ['Paid', 'Shipped'], endActivitiesSource: 'option' });
    expect(result.steps.map((s) => [s.activity, s.count])).toEqual([
      ['Captured', 1],
      ['Validated', 1],
    ]);
    const none = await getQueueAging(store, 'queue', {}, { endActivities: [], casePrefix: 'A' });
    expect(none.steps.map((s) => [s.activity, s.count])).toEqual([['Paid', 1]]);
  });

  it('refuses options it cannot honour', async () => {
    await expect(getQueueAging(store, 'queue', {}, { endActivities: ['Closed'] })).rejects.toThrow(/end: "Closed" is not an activity of "queue"/);
    await expect(getQueueAging(store, 'queue', {}, { sla: { Shipped: -1 } })).rejects.toThrow(OptionError);
    await expect(getQueueAging(store, 'queue', {}, { sla: { Nope: 1 } })).rejects.toThrow(/sla: "Nope"/);
    await expect(getQueueAging(store, 'queue', {}, { asOf: 'yesterday' })).rejects.toThrow(OptionError);
    await expect(getQueueAging(store, 'queue', {}, { bucketBounds: [3 * DAY, DAY] })).rejects.toThrow(/ascending/);
    await expect(getQueueAging(store, 'queue', {}, { oldest: -1 })).rejects.toThrow(OptionError);
    await expect(getQueueAging(store, 'queue', {}, { silence: -1 })).rejects.toThrow(/silence must be a number of seconds ≥ 0, none or auto/);
    await expect(getQueueAging(store, 'queue', {}, { silence: 'soon' as 'auto' })).rejects.toThrow(OptionError);
  });

  it("by default, judges a case silent longer than the log's cases ever paused as ended", async () => {
    // Longest pause per case: A 2 d, B 7 d, D 4 d, E 1 h, F 1 d (C has one event). Their 99th
    // percentile interpolates between 4 d and 7 d: 4 d + 0.96 × 3 d = 594,432 s (6 d 21 h).
    const result = await getQueueAging(store, 'queue');
    expect(result.rule.silence).toEqual({ seconds: 594_432, source: 'log' });
    expect(result.rule.text).toContain("A case without one whose last event is more than 6d 21h old (longer than 99 % of this log's cases ever paused between two events)");
    // E (in Shipped 8 d 22 h) and C (captured 8 d ago) are silent; B (1.5 d) and F (1 d) stay open.
    expect(result.rule.cases).toEqual({ started: 6, ended: 2, silent: 2 });
    expect(result.openCases).toBe(2);
    expect(result.oldest.map((o) => o.case)).toEqual(['B', 'F']);
    // A silence of one day exactly keeps F (its age is not above it); none keeps all four.
    expect((await getQueueAging(store, 'queue', {}, { silence: DAY })).oldest.map((o) => o.case)).toEqual(['F']);
    expect((await getQueueAging(store, 'queue', {}, { silence: 'none' })).openCases).toBe(4);
    // Given end activities switch the default silence off; asking for it turns it on.
    const given = await getQueueAging(store, 'queue', {}, { endActivities: ['Paid'] });
    expect(given.rule).toMatchObject({ silence: { seconds: null, source: 'off' }, cases: { ended: 2, silent: 0 } });
    expect((await getQueueAging(store, 'queue', {}, { endActivities: ['Paid'], silence: 'auto' })).rule.cases.silent).toBe(2);
  });
});

/**
 * Outcomes followed by bookkeeping, as in BPIC 2012: Declined and Approved end their cases
 * although a 'Close task' comes after them, so it is no case's last-event rule that finds them.
 * - P1: Submitted 01-01 00:00, Declined 01:00, Close task 01:05.
 * - P2: Submitted 01-02 00:00, Declined 00:30, Close task 01:30 (exactly 1 h after Declined).
 * - P3: Submitted 01-03, Approved 01-05 00:00, Close task 00:10.
 * - P4: Submitted 01-04, Review 01-06 (open).
 * - P5: Submitted 01-01 00:00, Review 02:00, Approved 01-02 00:00.
 * - P6: Submitted 01-05 00:00, Review 01:00, Close task 01:30, Review 01-09 00:00 (open: Close task is no end).
 * Within 1 h of the first occurrence the case ends: Approved 2 of 2 (P3, P5), Declined 2 of 2,
 * Close task 3 of 4 (not P6), Review 1 of 3 (P4), Submitted 0 of 6.
 */
const TRAIL_CSV = `case_id,activity,timestamp
P1,Submitted,2026-01-01T00:00:00Z
P1,Declined,2026-01-01T01:00:00Z
P1,Close task,2026-01-01T01:05:00Z
P2,Submitted,2026-01-02T00:00:00Z
P2,Declined,2026-01-02T00:30:00Z
P2,Close task,2026-01-02T01:30:00Z
P3,Submitted,2026-01-03T00:00:00Z
P3,Approved,2026-01-05T00:00:00Z
P3,Close task,2026-01-05T00:10:00Z
P4,Submitted,2026-01-04T00:00:00Z
P4,Review,2026-01-06T00:00:00Z
P5,Submitted,2026-01-01T00:00:00Z
P5,Review,2026-01-01T02:00:00Z
P5,Approved,2026-01-02T00:00:00Z
P6,Submitted,2026-01-05T00:00:00Z
P6,Review,2026-01-05T01:00:00Z
P6,Close task,2026-01-05T01:30:00Z
P6,Review,2026-01-09T00:00:00Z
`;

describe('getQueueAging infers end activities that trailing events follow', () => {
  let store: Store;
  let remove: () => void;
  beforeAll(async () => {
    const temp = await tempStore();
    store = temp.store;
    remove = temp.remove;
    await ingestFile(store, writeFixture(temp.dir, 'trail.csv', TRAIL_CSV), { name: 'trail' });
  });
  afterAll(() => remove());

  it('infers Approved and Declined from the evidence, and closes the cases that reached them', async () => {
    const result = await getQueueAging(store, 'trail');
    expect(result).toMatchObject({ endActivities: ['Approved', 'Declined'], endActivitiesSource: 'inferred', openCases: 2 });
    expect(result.rule.evidence).toEqual([
      { activity: 'Approved', cases: 2, endedWithin: 2, share: 1, end: true },
      { activity: 'Declined', cases: 2, endedWithin: 2, share: 1, end: true },
      { activity: 'Close task', cases: 4, endedWithin: 3, share: 0.75, end: false },
      { activity: 'Review', cases: 3, endedWithin: 1, share: 1 / 3, end: false },
      { activity: 'Submitted', cases: 6, endedWithin: 0, share: 0, end: false },
    ]);
    // Longest pauses 1 h, 1 h, 22 h, 2 d, 2 d, 3 d 22.5 h: the 99th percentile is 2 d + 0.95 × 1 d 22.5 h = 331,830 s,
    // so P4, 3 d in Review, stays open.
    expect(result.rule.silence).toEqual({ seconds: 331_830, source: 'log' });
    expect(result.rule.cases).toEqual({ started: 6, ended: 4, silent: 0 });
    expect(result.oldest.map((o) => [o.case, o.activity, o.ageSeconds])).toEqual([
      ['P4', 'Review', 3 * DAY],
      ['P6', 'Review', 0],
    ]);
    // The old rule (the last event is an end activity) would have left P1, P2 and P3 waiting in Close task.
    expect(result.steps.map((s) => s.activity)).toEqual(['Review']);
    // Two days of silence judge P4 ended.
    const strict = await getQueueAging(store, 'trail', {}, { silence: 2 * DAY });
    expect(strict.rule.cases).toEqual({ started: 6, ended: 4, silent: 1 });
    expect(strict.oldest.map((o) => o.case)).toEqual(['P6']);
  });

  it('in the middle of a case: an end activity by asOf closes it, whatever follows', async () => {
    // 01-05 00:05: P3 has been approved, its Close task is still to come; P6 has just been submitted.
    const result = await getQueueAging(store, 'trail', {}, { asOf: '2026-01-05T00:05:00Z' });
    expect(result.rule.cases).toEqual({ started: 6, ended: 4, silent: 0 });
    expect(result.oldest.map((o) => [o.case, o.activity, o.ageSeconds])).toEqual([
      ['P4', 'Submitted', DAY + 300],
      ['P6', 'Submitted', 300],
    ]);
  });
});

describe('getQueueAging on the simulated distributor', () => {
  let store: Store;
  let remove: () => void;
  let truth: GroundTruth;
  beforeAll(async () => {
    ({ store, truth, remove } = await distributorStore());
  }, 60_000);
  afterAll(() => remove());

  it("open sales orders at the period end match the manifest's steps and oldest orders", async () => {
    const claim = truth.claims.openOrders;
    const result = await getQueueAging(store, 'orders', {}, { asOf: claim.asOf, casePrefix: 'SO-', oldest: claim.oldest.length });
    expect(result.asOf).toBe(claim.asOf);
    expect(result).toMatchObject({ endActivities: ['Payment Received', 'Credit Memo'], endActivitiesSource: 'distribution' });
    expect(result.openCases).toBe(claim.count);
    expect(Object.fromEntries(result.steps.map((s) => [s.activity, s.count]))).toEqual(claim.byStep);
    // The manifest's `since` and `ageSeconds` are the order's capture time and age: caseStart and caseAgeSeconds here.
    expect(result.oldest.map((o) => ({ order: o.case, activity: o.activity, since: o.caseStart, ageSeconds: o.caseAgeSeconds }))).toEqual(claim.oldest);
  });

  it('in the middle of the period, agrees with the last event per case found by a window over the events', async () => {
    const asOf = '2026-01-26T09:30:00Z';
    const result = await getQueueAging(store, 'orders', {}, { asOf, sla: { Invoiced: 7 * DAY } });
    const expected = await withConnection(store, (c) =>
      queryRows<{ activity: string; count: number; age: number; max: number; over: number }>(
        c,
        `WITH last AS (
           SELECT e.case_id, arg_max(e.activity_id, e.position) AS activity_id, max(e.ts) AS since
           FROM events e JOIN logs l ON l.log_id = e.log_id AND l.name = 'orders' WHERE e.ts <= $as_of::TIMESTAMPTZ GROUP BY e.case_id)
         SELECT a.name AS activity, count(*)::INTEGER AS count, sum(epoch($as_of::TIMESTAMPTZ) - epoch(since)) AS age,
                max(epoch($as_of::TIMESTAMPTZ) - epoch(since)) AS max,
                (count(*) FILTER (WHERE a.name = 'Invoiced' AND epoch($as_of::TIMESTAMPTZ) - epoch(since) > ${7 * DAY}))::INTEGER AS over
         FROM last JOIN logs l ON l.name = 'orders' JOIN activities a ON a.log_id = l.log_id AND a.activity_id = last.activity_id
         WHERE a.name NOT IN ('Payment Received', 'Credit Memo') GROUP BY a.name ORDER BY count DESC, a.name`,
        { as_of: asOf },
      ),
    );
    expect(result.steps.map((s) => ({ activity: s.activity, count: s.count, max: s.maxAgeSeconds, over: s.overSla ?? 0 }))).toEqual(
      expected.map(({ activity, count, max, over }) => ({ activity, count, max, over })),
    );
    result.steps.forEach((s, i) => expect(s.meanAgeSeconds * s.count).toBeCloseTo(expected[i]!.age, 3));
    expect(result.steps.some((s) => s.activity === 'Shipped' || s.activity === 'Picked')).toBe(true);
  });
});
