import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getLoadHistory } from '../mining/index.ts';
import { queryRows, withConnection, type Store } from '../store/db.ts';
import { listLogs } from '../store/logs.ts';
import { FIXTURE_CSV, writeFixture } from '../test-support/fixture-log.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { ingestFile } from './index.ts';

let store: Store;
let dir: string;
let remove: () => void;
beforeEach(async () => {
  ({ store, dir, remove } = await tempStore());
});
afterEach(() => remove());

const [HEADER, ...ROWS] = FIXTURE_CSV.trimEnd().split('\n') as [string, ...string[]];
const csv = (rows: readonly string[]) => `${HEADER}\n${rows.join('\n')}\n`;

/** A log's events as (case, position, activity, instant, successor seconds, amount), in case order. */
async function eventsOf(name: string) {
  return withConnection(store, async (c) => {
    const [log] = await queryRows<{ id: number }>(c, `SELECT log_id AS id FROM logs WHERE name = $name`, { name });
    return queryRows(
      c,
      `SELECT cs.name AS "case", e.position, a.name AS activity, strftime(e.ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, e.next_seconds AS next, x.amount
       FROM events e JOIN cases cs USING (log_id, case_id) JOIN activities a USING (log_id, activity_id)
       JOIN attributes_${log!.id} x ON x.waybill_event_no = e.event_no
       WHERE e.log_id = $log ORDER BY cs.name, e.position`,
      { log: log!.id },
    );
  });
}

describe('append', () => {
  it('adds only the events the log lacks, and ends where one load of everything ends', async () => {
    await ingestFile(store, writeFixture(dir, 'whole.csv'), { name: 'whole' });
    await ingestFile(store, writeFixture(dir, 'part.csv', csv(ROWS.slice(0, 4))), { name: 'grown' });
    // Overlapping rows in another order, plus the three the log lacks.
    const rest = await ingestFile(store, writeFixture(dir, 'rest.csv', csv([ROWS[2]!, ROWS[0]!, ...ROWS.slice(4), ROWS[1]!])), { name: 'grown', mode: 'append' });
    expect(rest.load).toMatchObject({ mode: 'append', rowsRead: 6, eventsAdded: 3, duplicatesSkipped: 3, quarantined: 0, unchanged: false });
    expect(rest).toMatchObject({ events: 7, cases: 3, activities: 3, variants: 2 });
    expect(await eventsOf('grown')).toEqual(await eventsOf('whole'));

    // Re-running the same append changes nothing; so does a file holding only known events.
    expect((await ingestFile(store, join(dir, 'rest.csv'), { name: 'grown', mode: 'append' })).load).toMatchObject({ unchanged: true, eventsAdded: 0 });
    const known = await ingestFile(store, writeFixture(dir, 'known.csv', csv(ROWS.slice(1, 3))), { name: 'grown', mode: 'append' });
    expect(known.load).toMatchObject({ eventsAdded: 0, duplicatesSkipped: 2, unchanged: false });
    expect(await eventsOf('grown')).toEqual(await eventsOf('whole'));
    const history = await getLoadHistory(store, 'grown');
    expect(history.loads.map((l) => [l.mode, l.rowsRead, l.eventsAdded, l.duplicatesSkipped])).toEqual([
      ['append', 2, 0, 2],
      ['append', 6, 3, 3],
      ['create', 4, 4, 0],
    ]);
  });

  it('keeps the log as it was when the new file does not fit it', async () => {
    await ingestFile(store, writeFixture(dir), { name: 'orders' });
    const before = await eventsOf('orders');
    const extra = writeFixture(dir, 'extra.csv', 'case_id,activity,timestamp,resource,amount,note,region\nD,Order Captured,2026-01-07T08:00:00Z,ann,1,,north\n');
    await expect(ingestFile(store, extra, { name: 'orders', mode: 'append' })).rejects.toThrow(/its columns differ from the log's: it adds "region"/);
    const wrongType = writeFixture(dir, 'text.csv', csv(['D,Order Captured,2026-01-07T08:00:00Z,ann,lots,']));
    await expect(ingestFile(store, wrongType, { name: 'orders', mode: 'append' })).rejects.toThrow(/text\.csv, line 2, column "amount": the log stores this column as BIGINT/);
    expect(await eventsOf('orders')).toEqual(before);
  });

  it('rolls the whole load back when a step inside its transaction fails', async () => {
    await ingestFile(store, writeFixture(dir, 'part.csv', csv(ROWS.slice(0, 4))), { name: 'orders' });
    const before = await eventsOf('orders');
    const failing = ingestFile(store, writeFixture(dir), {
      name: 'orders',
      mode: 'append',
      inTransaction: async () => {
        throw new Error('the watermark could not be saved');
      },
    });
    await expect(failing).rejects.toThrow(/nothing was loaded: the watermark could not be saved/);
    expect(await eventsOf('orders')).toEqual(before);
    expect((await getLoadHistory(store, 'orders')).loads).toHaveLength(1);
  });
});

describe('quarantine', () => {
  it('loads the good rows and keeps the bad ones with line, column, problem and value', async () => {
    const rows = [...ROWS];
    rows[1] = 'A,Order Validated,not a time,bob,10,';
    rows[4] = ',Order Validated,2026-01-05T08:00:00Z,bob,5,';
    const file = join(dir, 'dirty.csv');
    writeFileSync(file, csv(rows));
    const result = await ingestFile(store, file, { onBadRows: 'quarantine' });
    expect(result).toMatchObject({ events: 5, cases: 3, load: { rowsRead: 7, eventsAdded: 5, quarantined: 2 } });
    const history = await getLoadHistory(store, 'dirty');
    expect(history.quarantined).toBe(2);
    expect(history.quarantine).toEqual([
      { load: 1, source: file, line: 3, column: 'timestamp', problem: 'cannot read the timestamp', value: 'not a time' },
      { load: 1, source: file, line: 6, column: 'case_id', problem: 'case is missing', value: null },
    ]);
    expect((await listLogs(store)).map((l) => l.events)).toEqual([5]);
  });

  it('still refuses a file with no good row at all', async () => {
    const file = writeFixture(dir, 'hopeless.csv', 'case_id,activity,timestamp\nA,x,never\nB,y,\n');
    await expect(ingestFile(store, file, { onBadRows: 'quarantine' })).rejects.toThrow(/none of its 2 rows has a case, an activity and a readable timestamp/);
    expect(await listLogs(store)).toEqual([]);
  });
});

describe('malformed rows', () => {
  const messy = ['case_id,activity,timestamp', 'A,x,2026-01-01T00:00:00Z', 'A,y,2026-01-01T01:00:00Z,extra', 'B,x,2026-01-01T02:00:00Z', 'B,y', 'C,x,not a time', 'C,y,2026-01-01T03:00:00Z'].join('\n');

  it('are all reported with their lines under the default policy, and nothing loads', async () => {
    const file = writeFixture(dir, 'messy.csv', `${messy}\n`);
    const error = (await ingestFile(store, file).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      `${file}, line 3: cannot read as CSV: more fields than the header has; 2 malformed rows in all, also line 5 (fewer fields than the header has). Nothing was loaded (pass --on-bad-rows quarantine to load the good rows and keep these aside). (value "A,y,2026-01-01T01:00:00Z,extra")`,
    );
    expect(await listLogs(store)).toEqual([]);
  });

  it('go to quarantine with the other bad rows, and later rows keep their true lines', async () => {
    const file = writeFixture(dir, 'messy.csv', `${messy}\n`);
    const result = await ingestFile(store, file, { onBadRows: 'quarantine' });
    expect(result).toMatchObject({ events: 3, cases: 3, load: { rowsRead: 6, eventsAdded: 3, quarantined: 3 } });
    const history = await getLoadHistory(store, 'messy');
    expect(history.quarantine.map(({ line, column, problem, value }) => ({ line, column, problem, value }))).toEqual([
      { line: 3, column: null, problem: 'more fields than the header has', value: 'A,y,2026-01-01T01:00:00Z,extra' },
      { line: 5, column: null, problem: 'fewer fields than the header has', value: 'B,y' },
      { line: 6, column: 'timestamp', problem: 'cannot read the timestamp', value: 'not a time' },
    ]);
  });
});
