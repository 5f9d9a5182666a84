import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, withConnection, type Store } from '../store/db.ts';
import { listLogs } from '../store/logs.ts';
import { FIXTURE_CSV, writeFixture } from '../test-support/fixture-log.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { defaultLogName, ingestFile, IngestError } from './index.ts';

let store: Store;
let dir: string;
let remove: () => void;
beforeEach(async () => {
  ({ store, dir, remove } = await tempStore());
});
afterEach(() => remove());

async function tables(): Promise<string[]> {
  return withConnection(store, async (c) => (await queryRows<{ name: string }>(c, `SELECT table_name AS name FROM duckdb_tables() ORDER BY 1`)).map((r) => r.name));
}

async function expectNothingLoaded(tablesBefore: string[]): Promise<void> {
  expect(await listLogs(store)).toEqual([]);
  expect(await tables()).toEqual(tablesBefore);
  const counts = await withConnection(store, (c) =>
    queryRows(c, `SELECT (SELECT count(*) FROM events)::INTEGER AS events, (SELECT count(*) FROM cases)::INTEGER AS cases, (SELECT count(*) FROM activities)::INTEGER AS activities`),
  );
  expect(counts).toEqual([{ events: 0, cases: 0, activities: 0 }]);
}

describe('CSV ingest', () => {
  it('recognizes the columns, orders events, keeps offsets and types attributes', async () => {
    const summary = await ingestFile(store, writeFixture(dir));
    expect(summary).toEqual({
      name: 'orders',
      events: 7,
      cases: 3,
      activities: 3,
      variants: 2,
      load: { loadId: 1, mode: 'create', rowsRead: 7, eventsAdded: 7, duplicatesSkipped: 0, quarantined: 0, unchanged: false },
    });
    const events = await withConnection(store, (c) =>
      queryRows(
        c,
        `SELECT cs.name AS "case", e.position, a.name AS activity, strftime(e.ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, e.utc_offset_minutes AS "offset",
                e.resource, e.next_seconds AS next
         FROM events e JOIN cases cs USING (log_id, case_id) JOIN activities a USING (log_id, activity_id)
         ORDER BY e.case_id, e.position`,
      ),
    );
    expect(events).toEqual([
      { case: 'A', position: 1, activity: 'Order Captured', ts: '2026-01-05T07:00:00Z', offset: 60, resource: 'ann', next: 5400 },
      { case: 'A', position: 2, activity: 'Order Validated', ts: '2026-01-05T08:30:00Z', offset: 60, resource: 'bob', next: 81000 },
      { case: 'A', position: 3, activity: 'Shipped', ts: '2026-01-06T07:00:00Z', offset: 0, resource: 'cat', next: null },
      { case: 'B', position: 1, activity: 'Order Captured', ts: '2026-01-05T08:00:00Z', offset: 0, resource: 'ann', next: 0 },
      { case: 'B', position: 2, activity: 'Order Validated', ts: '2026-01-05T08:00:00Z', offset: 0, resource: 'bob', next: 7200 },
      { case: 'B', position: 3, activity: 'Shipped', ts: '2026-01-05T10:00:00Z', offset: 0, resource: 'cat', next: null },
      { case: 'C', position: 1, activity: 'Order Captured', ts: '2026-01-05T12:00:00Z', offset: null, resource: 'ann', next: null },
    ]);
    const [log] = await listLogs(store);
    expect(log!.attributes).toEqual([
      { name: 'amount', type: 'BIGINT' },
      { name: 'note', type: 'VARCHAR' },
    ]);
    expect(log!.firstTimestamp).toBe('2026-01-05T07:00:00.000Z');
    expect(log!.lastTimestamp).toBe('2026-01-06T07:00:00.000Z');
    const notes = await withConnection(store, (c) =>
      queryRows(c, `SELECT waybill_event_no AS event, amount, note FROM attributes_1 WHERE note IS NOT NULL ORDER BY 1`),
    );
    expect(notes).toEqual([
      { event: 0, amount: 10, note: 'first' },
      { event: 5, amount: 5, note: 'with, comma' },
    ]);
  });

  it('keeps the offset however the source writes it', async () => {
    const csv = 'case_id,activity,timestamp\nA,a,2026-01-05T08:00:00+01\nA,b,2026-01-05 08:00:00.5-0530\nA,c,2026-01-06\nA,d,2026-01-06T09:00:00Z\n';
    await ingestFile(store, writeFixture(dir, 'zones.csv', csv));
    const rows = await withConnection(store, (c) =>
      queryRows(c, `SELECT utc_offset_minutes AS o, strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS ts FROM events ORDER BY position`),
    );
    expect(rows).toEqual([
      { o: 60, ts: '2026-01-05T07:00:00.000Z' },
      { o: -330, ts: '2026-01-05T13:30:00.500Z' },
      { o: null, ts: '2026-01-06T00:00:00.000Z' },
      { o: 0, ts: '2026-01-06T09:00:00.000Z' },
    ]);
  });

  it('takes explicit column flags over recognized names, and reads gzip', async () => {
    const csv = 'ticket,step,when,who\nT1,open,2026-02-01T10:00:00Z,x\nT1,close,2026-02-01T11:00:00Z,y\n';
    const file = join(dir, 'tickets.csv.gz');
    writeFileSync(file, gzipSync(csv));
    const summary = await ingestFile(store, file, { mapping: { case: 'ticket', activity: 'step', timestamp: 'when', resource: 'who' } });
    expect(summary).toMatchObject({ name: 'tickets', events: 2, cases: 1, activities: 2 });
  });

  it('names the columns it could not find', async () => {
    const file = writeFixture(dir, 'odd.csv', 'a,b,c\n1,2,3\n');
    await expect(ingestFile(store, file)).rejects.toThrow(/cannot tell which column is the case, activity, timestamp; columns are "a", "b", "c"/);
  });

  it('rejects an unreadable timestamp with file, line, column and value, and loads nothing', async () => {
    const before = await tables();
    const bad = FIXTURE_CSV.replace('2026-01-05T08:00:00Z,bob', '2026-13-45T08:00:00Z,bob');
    const file = writeFixture(dir, 'bad.csv', bad);
    const error = await ingestFile(store, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).line).toBe(6);
    expect((error as IngestError).column).toBe('timestamp');
    expect((error as Error).message).toBe(`${file}, line 6, column "timestamp": cannot read the timestamp. Nothing was loaded (pass --on-bad-rows quarantine to load the good rows and keep these aside). (value "2026-13-45T08:00:00Z")`);
    await expectNothingLoaded(before);
  });

  it('lists several bad rows, counting them all', async () => {
    const file = writeFixture(dir, 'gaps.csv', 'case_id,activity,timestamp\nA,,2026-01-01T00:00:00Z\n,x,2026-01-01T00:00:00Z\nB,y,\n" \t",z,2026-01-01T00:00:00Z\nC,!,2026-01-01T00:00:00Z\n');
    await expect(ingestFile(store, file)).rejects.toThrow(
      /line 2, column "activity": activity is missing; 4 bad rows in all, also line 3 \(case_id: case is missing\), line 4 \(timestamp: timestamp is missing\), line 5 \(case_id: case is missing\)\. Nothing/,
    );
  });

  it('rejects a row with too many columns, naming the file and line', async () => {
    const before = await tables();
    const file = writeFixture(dir, 'ragged.csv', `${FIXTURE_CSV}D,Shipped,2026-01-07T00:00:00Z,ann,1,x,extra\n`);
    const error = (await ingestFile(store, file).catch((e: unknown) => e)) as IngestError;
    expect(error).toBeInstanceOf(IngestError);
    expect(error.message).toContain(file);
    expect(error.line).toBe(9);
    await expectNothingLoaded(before);
  });

  it('keeps a type guessed from early rows from breaking on a late value', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `C${i},a,2026-01-01T00:00:00Z,${i}`);
    rows.push('Z,a,2026-01-01T00:00:00Z,not-a-number');
    const file = writeFixture(dir, 'late.csv', `case_id,activity,timestamp,code\n${rows.join('\n')}\n`);
    const summary = await ingestFile(store, file);
    expect(summary.events).toBe(30_001);
    const [log] = await listLogs(store);
    expect(log!.attributes).toEqual([{ name: 'code', type: 'VARCHAR' }]);
  });

  it('loads the same file twice as a no-op, refuses other content under the same name, and replaces on request', async () => {
    const file = writeFixture(dir);
    await ingestFile(store, file);
    const again = await ingestFile(store, file);
    expect(again).toMatchObject({ events: 7, load: { unchanged: true, eventsAdded: 0 } });
    const shorter = writeFixture(dir, 'orders.csv', FIXTURE_CSV.split('\n').slice(0, 4).join('\n'));
    await expect(ingestFile(store, shorter)).rejects.toThrow(/a log named "orders" exists; pass --append/);
    await ingestFile(store, shorter, { mode: 'replace' });
    const logs = await listLogs(store);
    expect(logs.map((l) => [l.name, l.events])).toEqual([['orders', 3]]);
    expect((await tables()).filter((t) => t.startsWith('attributes_'))).toHaveLength(1);
  });

  it('lets no source column shadow the source order or Waybill\'s own names', async () => {
    // Tied timestamps keep file order even when the file has columns named rowid or event_no.
    const csv = 'rowid,event_no,case_id,activity,timestamp\n9,9,A,x,2026-01-01T00:00:00Z\n1,1,A,y,2026-01-01T00:00:00Z\n';
    await ingestFile(store, writeFixture(dir, 'shadow.csv', csv));
    const variants = await withConnection(store, (c) => queryRows(c, `SELECT a.name FROM events e JOIN activities a USING (log_id, activity_id) ORDER BY position`));
    expect(variants).toEqual([{ name: 'x' }, { name: 'y' }]);
    const [log] = await listLogs(store);
    expect(log!.attributes.map((a) => a.name)).toEqual(['rowid', 'event_no']);
  });

  it('rejects columns whose names differ only in case, and an empty file', async () => {
    await expect(ingestFile(store, writeFixture(dir, 'dup.csv', 'case_id,activity,timestamp,Amount,amount\nA,x,2026-01-01T00:00:00Z,1,2\n'))).rejects.toThrow(
      /line 1, column "amount": the header names this column twice \(as "Amount" too\); rename one/,
    );
    await expect(ingestFile(store, writeFixture(dir, 'header-only.csv', 'case_id,activity,timestamp\n'))).rejects.toThrow(/holds no events/);
    await expect(ingestFile(store, writeFixture(dir, 'empty.csv', ''))).rejects.toThrow(/the file is empty/);
    expect(await listLogs(store)).toEqual([]);
  });

  it('names the physical line even after blank lines and quoted line breaks', async () => {
    const csv = 'case_id,activity,timestamp,note\n\nA,x,2026-01-01T00:00:00Z,"two\nlines"\n\nA,y,yesterday,\n';
    const error = (await ingestFile(store, writeFixture(dir, 'lines.csv', csv)).catch((e: unknown) => e)) as IngestError;
    expect(error.line).toBe(6);
    expect(error.message).toContain('line 6, column "timestamp": cannot read the timestamp');
  });

  it('derives default names from file names', () => {
    expect(defaultLogName('/x/y/Receipt.XES.gz')).toBe('Receipt');
    expect(defaultLogName('orders.2026.csv')).toBe('orders.2026');
  });
});

describe('XES ingest', () => {
  const xes = (events: string) => `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <string key="concept:name" value="log-level, ignored"/>
  <trace>
    <string key="concept:name" value="T1"/>
    <string key="customer" value="ACME"/>
${events}
  </trace>
</log>
`;

  it('reads typed event attributes and trace attributes as case:<key>', async () => {
    const file = join(dir, 'small.xes');
    writeFileSync(
      file,
      xes(`    <event>
      <string key="concept:name" value="Order Captured"/>
      <date key="time:timestamp" value="2026-03-29T01:30:00.000+01:00"/>
      <int key="lines" value="3"/>
      <float key="value" value="12.5"/>
      <boolean key="rush" value="true"/>
      <list key="tags"><values><string key="t" value="ignored"/></values></list>
    </event>
    <event>
      <string key="concept:name" value="Shipped"/>
      <string key="org:resource" value="cat"/>
      <string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2026-03-29T03:30:00.000+02:00"/>
    </event>`),
    );
    expect(await ingestFile(store, file)).toMatchObject({ events: 2, cases: 1, activities: 2 });
    const [log] = await listLogs(store);
    expect(log!.attributes).toEqual([
      { name: 'case:customer', type: 'VARCHAR' },
      { name: 'lines', type: 'BIGINT' },
      { name: 'value', type: 'DOUBLE' },
      { name: 'rush', type: 'BOOLEAN' },
    ]);
    // Across the daylight-saving change: 01:30+01:00 → 03:30+02:00 is one hour, not two.
    const [edge] = await withConnection(store, (c) => queryRows(c, `SELECT next_seconds, utc_offset_minutes AS o FROM events WHERE position = 1`));
    expect(edge).toEqual({ next_seconds: 3600, o: 60 });
  });

  it('rejects an event without a timestamp, naming its line', async () => {
    const before = await tables();
    const file = join(dir, 'missing.xes');
    writeFileSync(file, xes(`    <event>\n      <string key="concept:name" value="A"/>\n    </event>\n    <event>\n      <string key="concept:name" value="B"/>\n      <date key="time:timestamp" value="2026-01-01T00:00:00Z"/>\n    </event>`));
    await expect(ingestFile(store, file)).rejects.toThrow(`${file}, line 7, column "time:timestamp": timestamp is missing`);
    await expectNothingLoaded(before);
  });

  it('rejects malformed XML with the line of the fault', async () => {
    const file = join(dir, 'broken.xes');
    writeFileSync(file, '<log>\n<trace>\n<event>\n<string key="concept:name" value="A">\n</event>\n</trace>\n</log>\n');
    await expect(ingestFile(store, file)).rejects.toThrow(/broken\.xes, line 5: not well-formed XML/);
  });

  it('rejects an unreadable typed attribute', async () => {
    const file = join(dir, 'typed.xes');
    writeFileSync(file, xes(`    <event>\n      <string key="concept:name" value="A"/>\n      <date key="time:timestamp" value="2026-01-01T00:00:00Z"/>\n      <int key="lines" value="three"/>\n    </event>`));
    await expect(ingestFile(store, file)).rejects.toThrow(`${file}, line 7, column "lines": cannot read as bigint. Nothing was loaded. (value "three")`);
  });
});
