import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Store, withConnection } from '../store/db.ts';
import { listLogs } from '../store/logs.ts';
import { writeFixture } from '../test-support/fixture-log.ts';
import { DAY_FIRST_CSV, NO_CASE_CSV, TIED_TIMES_CSV } from '../test-support/mapping-fixtures.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { ingestFile } from './index.ts';
import { decideMapping, type MappingDecision } from './mapping.ts';
import { previewFile } from './preview.ts';

let store: Store;
let dir: string;
let remove: () => void;
beforeAll(async () => {
  ({ store, dir, remove } = await tempStore());
});
afterAll(() => remove());

const sample = (csv: string) => {
  const [header, ...rows] = csv.trim().split('\n');
  return { columns: header!.split(';'), rows: rows.map((row) => row.split(';')) };
};

describe('the mapping decision', () => {
  it('settles roles by flag, then by known name, then by the values, saying how for each', () => {
    const decision = decideMapping(sample(DAY_FIRST_CSV), {}, 'visits.csv');
    expect(decision.mapping).toEqual({ case: 'CaseID', activity: 'Activity', timestamp: 'Start Time', resource: 'User' });
    expect(decision.by).toEqual({ case: 'name', activity: 'name', timestamp: 'values', resource: 'name' });
    expect(decision.problem).toBeNull();
    expect(decision.proposal.timestamp).toMatchObject({ columns: ['Start Time'], format: { kind: 'day-first', separator: '/' } });
    expect(decision.proposal.timestamp!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(decision.proposal.case).toMatchObject({ columns: ['CaseID'], confidence: 1, reason: "'CaseID' is a name Waybill knows for the case" });

    const flagged = decideMapping(sample(DAY_FIRST_CSV), { resource: 'Activity', activity: 'User' }, 'visits.csv');
    expect(flagged.mapping).toEqual({ case: 'CaseID', activity: 'User', timestamp: 'Start Time', resource: 'Activity' });
    expect(flagged.by).toMatchObject({ activity: 'flag', resource: 'flag' });
  });

  it('refuses two equally plausible timestamps, naming both', () => {
    const decision = decideMapping(sample(TIED_TIMES_CSV), {}, 'plan.csv');
    expect(decision.mapping).toBeNull();
    expect(decision.by).toEqual({ case: 'name', activity: 'name' });
    expect(decision.problem).toMatch(/^cannot tell which column is the timestamp; columns are "Order", "Step", "Planned", "Actual"\. The timestamp could as well be "(Planned|Actual)" \(\d+ %\) or "(Planned|Actual)" \(\d+ %\)$/);
    expect(decision.problem).toContain('"Planned"');
    expect(decision.problem).toContain('"Actual"');
    // A flag settles it.
    expect(decideMapping(sample(TIED_TIMES_CSV), { timestamp: 'Actual' }, 'plan.csv').mapping).toEqual({ case: 'Order', activity: 'Step', timestamp: 'Actual' });
  });

  it('refuses a file with no plausible case, naming the columns left', () => {
    const decision = decideMapping(sample(NO_CASE_CSV), {}, 'steps.csv');
    expect(decision.mapping).toBeNull();
    expect(decision.problem).toBe('cannot tell which column is the case; columns are "Step", "When", "Who", "Line". No column looks like a case id; the columns not mapped yet are "Who", "Line"');
  });
});

describe('waybill ingest and the upload preview decide alike', () => {
  it('loads the day-first file with no flags, as the preview proposes', async () => {
    const file = writeFixture(dir, 'visits.csv', DAY_FIRST_CSV);
    const preview = await previewFile(file);
    let used: MappingDecision | undefined;
    const result = await ingestFile(store, file, { onMapping: (decision) => (used = decision) });
    expect(result).toMatchObject({ name: 'visits', events: 8, cases: 3, activities: 4, load: { quarantined: 0 } });
    const { mapping, problem, by, proposal } = preview;
    expect(used).toEqual({ mapping, problem, by, proposal });
    const first = await withConnection(store, (c) =>
      queryRows(c, `SELECT strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS last FROM events`),
    );
    expect(first).toEqual([{ first: '2026-01-13T09:30:00Z', last: '2026-02-03T12:00:00Z' }]);
  });

  it('refuses the undecidable files with the candidates and the flag, storing nothing', async () => {
    const tied = writeFixture(dir, 'plan.csv', TIED_TIMES_CSV);
    await expect(ingestFile(store, tied)).rejects.toThrow(/plan\.csv: cannot tell which column is the timestamp; .*"Planned".*"Actual".*; name it with --timestamp COLUMN$/);
    expect((await previewFile(tied)).problem).toMatch(/^cannot tell which column is the timestamp/);
    const noCase = writeFixture(dir, 'steps.csv', NO_CASE_CSV);
    await expect(ingestFile(store, noCase)).rejects.toThrow(/steps\.csv: cannot tell which column is the case; .*; name it with --case COLUMN$/);
    expect((await listLogs(store)).map((l) => l.name)).toEqual(['visits']);
  });
});
