import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDistributorCsv } from '../../datasets/distributor/index.ts';
import { quoteIdent, quoteLiteral } from '../../store/sql.ts';
import { memoryDuckDB } from '../../test-support/memory-duckdb.ts';
import { combinedSql, type MappingSample, proposeMapping } from './propose-mapping.ts';

/** An inline comma-separated fixture (no quoting needed): header line, then rows; an empty field is a blank. */
function sample(text: string): MappingSample {
  const [header, ...lines] = text.trim().split('\n').map((l) => l.trim());
  return { columns: header!.split(','), rows: lines.map((l) => l.split(',').map((v) => (v === '' ? null : v))) };
}

let connection: DuckDBConnection;
let close: () => void;
beforeAll(async () => {
  ({ connection, close } = await memoryDuckDB());
});
afterAll(() => close());

/** The header and first rows of a CSV file, every value as text, read the way ingest reads files. */
async function head(path: string, rows = 500): Promise<MappingSample> {
  const reader = await connection.runAndReadAll(`SELECT * FROM read_csv(${quoteLiteral(path)}, all_varchar = true, header = true) LIMIT ${rows}`);
  return { columns: reader.columnNames(), rows: reader.getRowsJson().map((r) => r.map((v) => (v === null ? null : String(v)))) };
}

describe('proposeMapping on hand-checkable fixtures', () => {
  it('combines object_type and action into the activity, reads day-first times and finds the clerk', () => {
    const proposal = proposeMapping(sample(`
      ticket_id,object_type,action,event_time,clerk
      T-1,order,created,01/04/2026 08:00,anna
      T-1,order,approved,01/04/2026 09:00,ben
      T-1,invoice,created,02/04/2026 10:00,anna
      T-1,invoice,approved,13/04/2026 11:00,carl
      T-2,order,created,03/04/2026 08:00,ben
      T-2,order,approved,03/04/2026 12:00,carl
      T-2,invoice,created,04/04/2026 08:30,anna
      T-2,invoice,approved,20/04/2026 16:00,ben
      T-3,order,created,05/04/2026 07:00,carl
      T-3,order,approved,05/04/2026 07:30,anna
      T-3,invoice,created,06/04/2026 09:00,ben
      T-3,invoice,approved,21/04/2026 10:00,carl
    `));
    expect(proposal.case).toMatchObject({ columns: ['ticket_id'] });
    expect(proposal.activity!.columns).toEqual(['object_type', 'action']);
    expect(proposal.activity!.reason).toMatch(/^'object_type' with 'action' combined/);
    expect(proposal.activity!.reason).toContain("100% of a case's events have distinct values");
    // The single 'action' repeats within cases (created twice), so it is only an alternative.
    expect(proposal.alternatives.activity[0]).toMatchObject({ columns: ['action'] });
    expect(proposal.alternatives.activity[0]!.reason).toContain("50% of a case's events have distinct values");
    expect(proposal.timestamp).toMatchObject({ columns: ['event_time'], format: { kind: 'day-first', separator: '/' } });
    expect(proposal.timestamp!.reason).toContain('day-first: "13/04/2026 11:00" has a first part above 12');
    expect(proposal.startTimestamp).toBeNull();
    expect(proposal.resource).toMatchObject({ columns: ['clerk'] });
    expect(proposal.attributes).toEqual([]);
  });

  it('proposes start and complete timestamps from month-first times when start ≤ end on every row', () => {
    const proposal = proposeMapping(sample(`
      case_id,activity,start_time,end_time,user,weight_kg
      C1,Pick,04/01/2026 8:00 AM,04/01/2026 8:30 AM,amy,12.5
      C1,Pack,04/01/2026 9:00 AM,04/01/2026 9:10 AM,bob,12.5
      C1,Ship,04/13/2026 1:00 PM,04/13/2026 3:00 PM,cat,12.5
      C2,Pick,04/02/2026 8:00 AM,04/02/2026 8:20 AM,bob,3
      C2,Pack,04/02/2026 8:30 AM,04/02/2026 8:40 AM,amy,3
      C2,Ship,04/14/2026 9:00 AM,04/14/2026 11:00 AM,cat,3
    `));
    expect(proposal.case).toMatchObject({ columns: ['case_id'] });
    expect(proposal.activity).toMatchObject({ columns: ['activity'] });
    expect(proposal.timestamp).toMatchObject({ columns: ['end_time'], format: { kind: 'month-first' } });
    expect(proposal.startTimestamp).toMatchObject({ columns: ['start_time'], format: { kind: 'month-first' } });
    expect(proposal.startTimestamp!.reason).toContain("start 'start_time' ≤ end 'end_time' on 6 of 6 sample rows where both are set");
    expect(proposal.resource).toMatchObject({ columns: ['user'] });
    expect(proposal.attributes).toEqual([{ column: 'weight_kg', type: 'DOUBLE', timestampFormat: null, reason: 'all 6 values are numbers' }]);
  });

  it('does not pair start and end when starts come after ends', () => {
    const proposal = proposeMapping(sample(`
      case_id,activity,start_time,end_time
      C1,a,2026-04-01 10:00,2026-04-01 09:00
      C1,b,2026-04-02 10:00,2026-04-02 09:00
    `));
    expect(proposal.startTimestamp).toBeNull();
    expect(proposal.timestamp!.columns).toEqual(['end_time']);
  });

  it('reads epoch seconds under a time name, and a lifecycle column by its values', () => {
    const proposal = proposeMapping(sample(`
      order_no,step,ts,event_type,qty
      1001,Receive,1767225600,start,5
      1001,Receive,1767229200,complete,5
      1001,Put away,1767232800,start,5
      1001,Put away,1767236400,complete,5
      1002,Receive,1767240000,start,7
      1002,Receive,1767243600,complete,7
    `));
    expect(proposal.case).toMatchObject({ columns: ['order_no'] });
    expect(proposal.activity).toMatchObject({ columns: ['step'] });
    expect(proposal.timestamp).toMatchObject({ columns: ['ts'], format: { kind: 'epoch-seconds' } });
    expect(proposal.lifecycle).toMatchObject({ columns: ['event_type'], confidence: 0.8 });
    expect(proposal.attributes.map((a) => [a.column, a.type])).toEqual([['qty', 'BIGINT']]);
  });

  it('reads epoch milliseconds and Excel serials, and ISO with and without a zone', () => {
    const ms = proposeMapping(sample(`
      case_id,activity,event_time
      A,x,1767225600000
      A,y,1767225600500
      B,x,1767225601000
      B,y,1767225602000
    `));
    expect(ms.timestamp).toMatchObject({ columns: ['event_time'], format: { kind: 'epoch-milliseconds' } });
    const excel = proposeMapping(sample(`
      case_id,activity,date
      A,x,45292.5
      A,y,45292.75
      B,x,45293.25
      B,y,45294
    `));
    expect(excel.timestamp).toMatchObject({ columns: ['date'], format: { kind: 'excel-serial' } });
    const iso = proposeMapping(sample(`
      case_id,activity,timestamp,created_at
      A,x,2026-04-01T10:00:00+02:00,2026-03-01
      A,y,2026-04-01T11:00:00Z,2026-03-01
      B,x,2026-04-02T10:00:00.250+0200,2026-03-02
      B,y,2026-04-02T12:00:00-05:00,2026-03-02
    `));
    expect(iso.timestamp).toMatchObject({ columns: ['timestamp'], format: { kind: 'iso', zone: 'offset' } });
    // created_at is the same within each case: a case attribute, typed as a timestamp.
    expect(iso.attributes).toEqual([expect.objectContaining({ column: 'created_at', type: 'TIMESTAMP', timestampFormat: expect.objectContaining({ kind: 'iso', zone: 'naive' }) })]);
  });

  it('refuses a case id that is unique per row and says why', () => {
    const proposal = proposeMapping(sample(`
      case_id,customer_no,activity,timestamp
      E1,K-7,Order,2026-04-01 10:00
      E2,K-7,Ship,2026-04-02 10:00
      E3,K-8,Order,2026-04-01 11:00
      E4,K-8,Ship,2026-04-03 09:00
      E5,K-9,Order,2026-04-04 09:00
      E6,K-9,Ship,2026-04-05 09:00
    `));
    expect(proposal.case!.columns).toEqual(['customer_no']);
    const rejected = proposal.alternatives.case.find((a) => a.columns[0] === 'case_id');
    expect(rejected!.reason).toBe("'case_id' is a usual case id name; unique per row: each of the 6 sample rows has its own value, so every case would hold a single event — not a good case id");
    expect(rejected!.confidence).toBeLessThanOrEqual(0.2);
  });

  it('combines two identifier columns into a case id when neither alone is plausible', () => {
    // Document numbers restart in each plant, so only plant and number together tell cases apart.
    const rows = ['P1', 'P2'].flatMap((plant) => ['1', '2', '3'].flatMap((doc) => ['Open', 'Check', 'Close'].map((step, k) => `${plant},${doc},${step},2026-04-0${k + 1} 10:00`)));
    const proposal = proposeMapping(sample(['plant_id,doc_no,activity,timestamp', ...rows].join('\n')));
    expect(proposal.case!.columns).toEqual(['plant_id', 'doc_no']);
    expect(proposal.case!.reason).toContain("'plant_id' with 'doc_no' combined");
    expect(proposal.activity!.columns).toEqual(['activity']);
  });

  it('takes types from the whole file when given, lowering a timestamp column whose late values do not read', () => {
    const fixture = sample(`
      case_id,activity,timestamp
      A,x,2026-04-01 10:00
      A,y,2026-04-01 11:00
      B,x,2026-04-02 10:00
      B,y,2026-04-02 11:00
    `);
    const plain = proposeMapping(fixture);
    const withTypes = proposeMapping(fixture, [{
      column: 'timestamp', type: 'VARCHAR', timestampFormat: null, rows: 1000, values: 1000, confidence: 0.6,
      reason: "1 of 1,000 values is not a timestamp (ISO 8601) (first at row 999: 'soon')",
      checks: [{ type: 'TIMESTAMP', format: plain.timestamp!.format, failures: 1, firstFailure: { row: 999, value: 'soon' } }],
    }]);
    expect(withTypes.timestamp!.columns).toEqual(['timestamp']);
    expect(withTypes.timestamp!.confidence).toBeLessThan(plain.timestamp!.confidence);
    expect(withTypes.timestamp!.reason).toContain("but 1 of 1,000 values do not read (first at row 999: 'soon')");
  });
});

describe('proposeMapping on real and generated logs', () => {
  it('maps the running example (PM4Py CSV) by its XES names', async () => {
    const proposal = proposeMapping(await head('/work/shared/datasets/real/running-example.csv'));
    expect(proposal.case!.columns).toEqual(['case:concept:name']);
    expect(proposal.activity!.columns).toEqual(['concept:name']);
    expect(proposal.timestamp).toMatchObject({ columns: ['time:timestamp'], format: { kind: 'iso', zone: 'offset' } });
    expect(proposal.resource!.columns).toEqual(['org:resource']);
    expect(proposal.lifecycle).toBeNull();
    // The duplicate 'Activity' column is the runner-up activity.
    expect(proposal.alternatives.activity[0]!.columns).toEqual(['Activity']);
    expect(proposal.attributes.find((a) => a.column === 'Costs')).toMatchObject({ type: 'BIGINT' });
  });

  it('maps the BPI receipt log, leaving case-level times and the per-event instance id as attributes', async () => {
    const proposal = proposeMapping(await head('/work/shared/datasets/real/receipt.csv'));
    expect(proposal.case!.columns).toEqual(['case:concept:name']);
    expect(proposal.activity!.columns).toEqual(['concept:name']);
    expect(proposal.timestamp!.columns).toEqual(['time:timestamp']);
    expect(proposal.resource!.columns).toEqual(['org:resource']);
    expect(proposal.lifecycle!.columns).toEqual(['lifecycle:transition']);
    const types = Object.fromEntries(proposal.attributes.map((a) => [a.column, a.type]));
    expect(types).toMatchObject({ 'case:deadline': 'TIMESTAMP', 'case:startdate': 'TIMESTAMP', 'concept:instance': 'VARCHAR', 'case:channel': 'VARCHAR' });
  });

  it('maps a generated distributor orders.csv to case_id, activity, timestamp and resource', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-infer-'));
    try {
      await writeDistributorCsv(dir, { seed: 1, orders: 300 });
      const proposal = proposeMapping(await head(join(dir, 'orders.csv')));
      expect(proposal.case!.columns).toEqual(['case_id']);
      expect(proposal.activity!.columns).toEqual(['activity']);
      expect(proposal.timestamp!.columns).toEqual(['timestamp']);
      expect(proposal.resource!.columns).toEqual(['resource']);
      expect(proposal.alternatives.case[0]!.columns).toEqual(['order_id']);
      expect(proposal.attributes.find((a) => a.column === 'unit_price')).toMatchObject({ type: 'DOUBLE' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('combinedSql', () => {
  it('joins columns with the separator, keeping a missing part as empty and NULL only when all are missing', async () => {
    const expression = combinedSql([quoteIdent('object type'), quoteIdent('action')]);
    const reader = await connection.runAndReadAll(`SELECT ${expression} AS v FROM (VALUES (1, 'order', 'created'), (2, NULL, 'sent'), (3, NULL, NULL), (4, 'it''s', 'ok')) AS t(i, "object type", "action") ORDER BY i`);
    expect(reader.getRowObjectsJson().map((r) => r.v)).toEqual(['order · created', ' · sent', null, "it's · ok"]);
    expect(combinedSql(['a'])).toBe('a');
    expect(combinedSql(['a', 'b'], '/')).toContain("concat_ws('/'");
    expect(() => combinedSql([])).toThrow(/at least one column/);
  });
});
