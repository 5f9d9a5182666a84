import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverProcessMap } from '../mining/index.ts';
import { queryRows, withConnection, type Store } from '../store/db.ts';
import { writeFixture } from '../test-support/fixture-log.ts';
import { memoryDuckDB } from '../test-support/memory-duckdb.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { IngestError } from './errors.ts';
import { ingestFile } from './index.ts';
import { browserMessage } from './upload.ts';

let store: Store;
let dir: string;
let remove: () => void;
beforeEach(async () => {
  ({ store, dir, remove } = await tempStore());
});
afterEach(() => remove());

/** Every stored event as case, activity and instant, with the note attribute when the log has one. */
async function rows(name: string): Promise<Record<string, unknown>[]> {
  return withConnection(store, async (c) => {
    const [log] = await queryRows<{ id: number }>(c, `SELECT log_id AS id FROM logs WHERE name = $name`, { name });
    return queryRows(
      c,
      `SELECT cs.name AS "case", a.name AS activity, strftime(e.ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, x.* EXCLUDE (waybill_event_no)
       FROM events e JOIN cases cs USING (log_id, case_id) JOIN activities a USING (log_id, activity_id)
       JOIN attributes_${log!.id} x ON x.waybill_event_no = e.event_no WHERE e.log_id = $log ORDER BY e.event_no`,
      { log: log!.id },
    );
  });
}

const cp1252 = (text: string) => Buffer.from([...text].map((ch) => ({ '€': 0x80, '“': 0x93, '”': 0x94 })[ch] ?? ch.charCodeAt(0)));

describe('CSV dialects and encodings', () => {
  it('reads UTF-8 with a byte-order mark, semicolons, tabs and .tsv/.txt names', async () => {
    writeFileSync(join(dir, 'bom.csv'), `\uFEFFcase_id;activity;timestamp;note\nA;x;2026-01-01T00:00:00Z;größer\n`);
    writeFileSync(join(dir, 'tabs.tsv'), 'case_id\tactivity\ttimestamp\tnote\nA\tx\t2026-01-01T00:00:00Z\t"a\tb"\n');
    writeFileSync(join(dir, 'export.txt'), 'case_id|activity|timestamp|note\nA|x|2026-01-01T00:00:00Z|pipe\n');
    for (const file of ['bom.csv', 'tabs.tsv', 'export.txt']) await ingestFile(store, join(dir, file));
    expect(await rows('bom')).toEqual([{ case: 'A', activity: 'x', ts: '2026-01-01T00:00:00Z', note: 'größer' }]);
    expect(await rows('tabs')).toEqual([{ case: 'A', activity: 'x', ts: '2026-01-01T00:00:00Z', note: 'a\tb' }]);
    expect(await rows('export')).toEqual([{ case: 'A', activity: 'x', ts: '2026-01-01T00:00:00Z', note: 'pipe' }]);
  });

  it('reads Windows-1252, also when the first megabyte looked like UTF-8, and UTF-16 with a BOM', async () => {
    writeFileSync(join(dir, 'legacy.csv'), cp1252('case_id,activity,timestamp,note\nA,Bestellung geprüft,2026-01-01T00:00:00Z,“5 €”\n'));
    await ingestFile(store, join(dir, 'legacy.csv'));
    expect(await rows('legacy')).toEqual([{ case: 'A', activity: 'Bestellung geprüft', ts: '2026-01-01T00:00:00Z', note: '“5 €”' }]);

    const plain = Array.from({ length: 40_000 }, (_, i) => `C${i},x,2026-01-01T00:00:00Z,plain`).join('\n');
    writeFileSync(join(dir, 'late.csv'), Buffer.concat([Buffer.from(`case_id,activity,timestamp,note\n${plain}\n`), cp1252('Z,x,2026-01-02T00:00:00Z,€ late\n')]));
    const late = await ingestFile(store, join(dir, 'late.csv'));
    expect(late.events).toBe(40_001);
    expect((await rows('late')).at(-1)).toEqual({ case: 'Z', activity: 'x', ts: '2026-01-02T00:00:00Z', note: '€ late' });

    // Excel's "Unicode text": UTF-16LE with a byte-order mark, tab-separated.
    writeFileSync(join(dir, 'excel.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('case_id\tactivity\ttimestamp\tnote\nA\tx\t2026-01-01T00:00:00Z\tÅ\n', 'utf16le')]));
    await ingestFile(store, join(dir, 'excel.txt'));
    expect(await rows('excel')).toEqual([{ case: 'A', activity: 'x', ts: '2026-01-01T00:00:00Z', note: 'Å' }]);
  });

  it('names the line of a bad row in a file it had to convert', async () => {
    writeFileSync(join(dir, 'bad.csv'), cp1252('case_id,activity,timestamp,note\nA,x,2026-01-01T00:00:00Z,€\nA,y,not a time,€\n'));
    await expect(ingestFile(store, join(dir, 'bad.csv'))).rejects.toThrow(/bad\.csv, line 3, column "timestamp": cannot read the timestamp/);
  });

  it('sees when the first line is data, not a header, and names the columns column1 …', async () => {
    const file = writeFixture(dir, 'nohead.csv', 'A,x,2026-01-01T00:00:00Z,ann\nA,y,2026-01-01T01:00:00Z,bob\n');
    await expect(ingestFile(store, file)).rejects.toThrow(/columns are "column1", "column2", "column3", "column4"/);
    const summary = await ingestFile(store, file, { mapping: { case: 'column1', activity: 'column2', timestamp: 'column3', resource: 'column4' } });
    expect(summary).toMatchObject({ events: 2, cases: 1, activities: 2 });
  });
});

describe('timestamp formats', () => {
  const ts = async (name: string) => (await rows(name)).map((r) => r.ts);

  it('reads day-first and month-first dates, told apart by the data, wherever the telling value is', async () => {
    // Only the last row has a day above 12: the sample drawn from the whole column still sees day-first dates.
    const ambiguous = Array.from({ length: 3_000 }, (_, i) => `C${i},x,0${1 + (i % 9)}/01/2026 08:00`);
    writeFileSync(join(dir, 'days.csv'), `case_id,activity,timestamp\n${[...ambiguous, ...Array.from({ length: 200 }, (_, i) => `D${i},x,23/04/2026 17:45`)].join('\n')}\n`);
    await ingestFile(store, join(dir, 'days.csv'));
    expect((await ts('days'))[0]).toBe('2026-01-01T08:00:00Z');
    expect((await ts('days')).at(-1)).toBe('2026-04-23T17:45:00Z');
    writeFileSync(join(dir, 'months.csv'), 'case_id,activity,timestamp\nA,x,04/23/2026 5:45 PM\nA,y,12/31/2026 11:00 AM\n');
    await ingestFile(store, join(dir, 'months.csv'));
    expect(await ts('months')).toEqual(['2026-04-23T17:45:00Z', '2026-12-31T11:00:00Z']);
  });

  it('reads epoch seconds, epoch milliseconds and Excel serial days', async () => {
    writeFileSync(join(dir, 'seconds.csv'), 'case_id,activity,timestamp\nA,x,1767225600\nA,y,1767229200\n');
    writeFileSync(join(dir, 'millis.csv'), 'case_id,activity,timestamp\nA,x,1767225600000\nA,y,1767225600500\n');
    writeFileSync(join(dir, 'excel.csv'), 'case_id,activity,timestamp\nA,x,46023.5\nA,y,46023.75\n');
    for (const f of ['seconds', 'millis', 'excel']) await ingestFile(store, join(dir, `${f}.csv`));
    expect(await ts('seconds')).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z']);
    expect(await ts('millis')).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z']);
    expect(await ts('excel')).toEqual(['2026-01-01T12:00:00Z', '2026-01-01T18:00:00Z']);
  });

  it('reads naive times in the time zone given, and keeps stated offsets', async () => {
    writeFileSync(join(dir, 'ny.csv'), 'case_id,activity,timestamp\nA,x,2026-01-15 09:00:00\nA,y,2026-07-15 09:00:00\nA,z,2026-07-15 09:00:00+02:00\n');
    await ingestFile(store, join(dir, 'ny.csv'), { timeZone: 'America/New_York' });
    // Winter is UTC−5, summer UTC−4; the third value states its own offset.
    expect(await ts('ny')).toEqual(['2026-01-15T14:00:00Z', '2026-07-15T13:00:00Z', '2026-07-15T07:00:00Z']);
    // An unknown zone is the user's mistake, told in full to the upload page too (no underlying error withheld).
    const refused = await ingestFile(store, join(dir, 'ny.csv'), { name: 'nowhere', timeZone: 'Mars/Olympus', shownAs: 'ny.csv' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IngestError);
    expect(browserMessage(refused)).toBe('ny.csv: unknown time zone "Mars/Olympus": use an IANA name such as "Europe/Berlin" or "America/New_York"');
  });
});

describe('combined columns', () => {
  it('makes a case of several columns and an activity of several, by flag or by a+b', async () => {
    const file = writeFixture(dir, 'lines.csv', 'order_no,line_no,object,action,at\nSO1,1,line,picked,2026-01-01T08:00:00Z\nSO1,1,line,packed,2026-01-01T09:00:00Z\nSO1,2,line,picked,2026-01-01T08:30:00Z\n');
    const result = await ingestFile(store, file, { mapping: { case: ['order_no', 'line_no'], activity: 'object+action', timestamp: 'at' } });
    expect(result).toMatchObject({ events: 3, cases: 2, activities: 2 });
    expect((await rows('lines')).map((r) => [r.case, r.activity])).toEqual([
      ['SO1 · 1', 'line · picked'],
      ['SO1 · 1', 'line · packed'],
      ['SO1 · 2', 'line · picked'],
    ]);
    await expect(ingestFile(store, file, { name: 'bad', mapping: { case: 'order_no+nope', activity: 'action', timestamp: 'at' } })).rejects.toThrow(/the case column "nope" is not one of the file's; .*name it with --case COLUMN/);
    await expect(ingestFile(store, file, { name: 'bad', mapping: { case: 'order_no', activity: 'action', timestamp: 'at+line_no' } })).rejects.toThrow(/the timestamp is one column; .*name it with --timestamp COLUMN/);
  });
});

describe('Parquet', () => {
  it('loads a Parquet file (also gzipped) to the same log as its CSV', async () => {
    const csv = writeFixture(dir);
    const parquet = join(dir, 'orders.parquet');
    const { connection: duck, close } = await memoryDuckDB();
    await duck.run(`COPY (SELECT * FROM read_csv('${csv}', header = true, types = {'timestamp': 'VARCHAR'})) TO '${parquet}' (FORMAT parquet)`);
    close();
    writeFileSync(join(dir, 'packed.parquet.gz'), gzipSync(readFileSync(parquet)));
    await ingestFile(store, csv, { name: 'from-csv' });
    await ingestFile(store, parquet, { name: 'from-parquet' });
    await ingestFile(store, join(dir, 'packed.parquet.gz'), { name: 'from-gz' });
    const map = async (name: string) => {
      const { log: _, ...rest } = await discoverProcessMap(store, name, {});
      return rest;
    };
    expect(await map('from-parquet')).toEqual(await map('from-csv'));
    expect(await map('from-gz')).toEqual(await map('from-csv'));
    expect(await rows('from-parquet')).toEqual(await rows('from-csv'));
  });

  it('names the row of a bad value', async () => {
    const parquet = join(dir, 'gaps.parquet');
    const { connection: duck, close } = await memoryDuckDB();
    await duck.run(`COPY (SELECT * FROM (VALUES ('A', 'x', TIMESTAMP '2026-01-01 00:00:00'), ('B', NULL, TIMESTAMP '2026-01-01 00:00:00')) t(case_id, activity, timestamp)) TO '${parquet}' (FORMAT parquet)`);
    close();
    await expect(ingestFile(store, parquet)).rejects.toThrow(/gaps\.parquet, line 2, column "activity": activity is missing/);
  });
});

