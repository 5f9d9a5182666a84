import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withConnection, type Store } from '../../store/db.ts';
import { startPostgres, type TestPostgres } from '../../test-support/postgres.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { describeJobs, getJobRuns, loadJobs, runJob, type Job } from './index.ts';

let server: TestPostgres;
let erp: pg.Client;
let store: Store;
let dir: string;
let remove: () => void;
let jobs: Job[];

// An ERP-like table: every change to an order's history stamps updated_at.
const SCHEMA = `
CREATE TABLE sales_order_events (
  event_id serial PRIMARY KEY,
  order_no text NOT NULL,
  step text,
  happened_at timestamptz NOT NULL,
  clerk text,
  updated_at timestamptz NOT NULL
)`;

type Seed = [order: string, step: string | null, happenedAt: string, clerk: string, updatedAt: string];

async function insert(rows: readonly Seed[]): Promise<void> {
  for (const row of rows) {
    await erp.query('INSERT INTO sales_order_events (order_no, step, happened_at, clerk, updated_at) VALUES ($1, $2, $3, $4, $5)', row);
  }
}

const FIRST: Seed[] = [
  ['SO-1', 'Order Captured', '2026-01-05T08:00:00Z', 'ann', '2026-01-05T08:00:05Z'],
  ['SO-1', 'Credit Check', '2026-01-05T09:00:00Z', 'bob', '2026-01-05T09:00:05Z'],
  ['SO-2', 'Order Captured', '2026-01-05T09:30:00Z', 'ann', '2026-01-05T09:30:05Z'],
  ['SO-1', 'Picked', '2026-01-05T11:00:00Z', 'cat', '2026-01-05T11:00:05Z'],
  ['SO-2', 'Credit Hold', '2026-01-05T11:00:00Z', 'bob', '2026-01-05T11:00:05Z'],
];
// The first row shares updated_at with the newest rows of the first pull: it was committed after that pull read them.
const SECOND: Seed[] = [
  ['SO-2', 'Credit Released', '2026-01-05T12:00:00Z', 'bob', '2026-01-05T11:00:05Z'],
  ['SO-1', 'Shipped', '2026-01-05T13:00:00Z', 'cat', '2026-01-05T13:00:05Z'],
  ['SO-3', 'Order Captured', '2026-01-05T13:30:00Z', 'ann', '2026-01-05T13:30:05Z'],
];

function asEvents(rows: readonly Seed[]) {
  return rows
    .map(([order, step, happenedAt, clerk]) => ({ case: order, activity: step, ts: new Date(happenedAt).toISOString(), resource: clerk }))
    .sort((a, b) => a.case.localeCompare(b.case) || a.ts.localeCompare(b.ts));
}

/** The log's events as (case, activity, instant, resource), by case and time. */
async function eventsOf(log: string) {
  return withConnection(store, (c) =>
    queryRows(
      c,
      `SELECT cs.name AS case, a.name AS activity, e.ts, e.resource
       FROM events e JOIN logs l USING (log_id) JOIN cases cs USING (log_id, case_id) JOIN activities a USING (log_id, activity_id)
       WHERE l.name = $log ORDER BY cs.name, e.ts`,
      { log },
    ),
  );
}

async function watermarkOf(job: string) {
  return (await describeJobs(store, jobs)).jobs.find((j) => j.name === job)!.watermark;
}

const job = (name: string) => jobs.find((j) => j.name === name)!;

beforeAll(async () => {
  server = await startPostgres();
  const admin = await server.connect();
  await admin.query('CREATE DATABASE erp');
  await admin.end();
  erp = await server.connect('erp');
  await erp.query(SCHEMA);
  ({ dir, store, remove } = await tempStore());
  const connection = { host: server.host, port: server.port, database: 'erp', user: server.user };
  const query = 'SELECT order_no, step, happened_at, clerk, updated_at FROM sales_order_events WHERE updated_at >= {{watermark}} ORDER BY updated_at, event_id;';
  const define = (name: string, body: object) => writeFileSync(join(dir, `${name}.json`), JSON.stringify({ kind: 'postgres', connection, ...body }, null, 2));
  define('erp-orders', {
    log: 'sales-orders',
    query,
    watermark: { column: 'updated_at', initial: '1970-01-01 00:00:00+00' },
    mapping: { case: 'order_no', activity: 'step', timestamp: 'happened_at', resource: 'clerk' },
  });
  define('erp-future', { log: 'future-orders', query, watermark: { column: 'updated_at', initial: '2100-01-01 00:00:00+00' } });
  const epoch = '1970-01-01 00:00:00+00';
  define('erp-typo', { log: 'typo-orders', query, watermark: { column: 'updated', initial: epoch } });
  define('erp-secret', { log: 'secret-orders', query, watermark: { column: 'updated_at', initial: epoch }, connection: { ...connection, passwordEnv: 'WAYBILL_TEST_UNSET_PASSWORD' } });
  define('erp-bad-initial', { log: 'bad-orders', query, watermark: { column: 'updated_at', initial: 'yesterday-ish' } });
  jobs = loadJobs(dir);
});

afterAll(async () => {
  await erp?.end();
  server?.stop();
  remove?.();
});

describe('a postgres pull job', () => {
  it('pulls the seeded rows, then exactly the new ones, keeping rows that share the last watermark', async () => {
    await insert(FIRST);
    const first = await runJob(store, job('erp-orders'));
    expect(first).toMatchObject({ job: 'erp-orders', kind: 'postgres', log: 'sales-orders', trigger: 'manual', status: 'succeeded', rowsRead: 5, eventsAdded: 5, duplicatesSkipped: 0, quarantined: 0, filesLoaded: null, filesFailed: null, watermark: '2026-01-05 11:00:05+00', error: null });
    expect(await eventsOf('sales-orders')).toEqual(asEvents(FIRST));

    await insert(SECOND);
    const second = await runJob(store, job('erp-orders'));
    // The two rows at the last watermark are read again and dropped as already held.
    expect(second).toMatchObject({ status: 'succeeded', rowsRead: 5, eventsAdded: 3, duplicatesSkipped: 2, watermark: '2026-01-05 13:30:05+00', error: null });
    expect(await eventsOf('sales-orders')).toEqual(asEvents([...FIRST, ...SECOND]));

    // Nothing new: only the row at the watermark comes back, first as a new file, then as the very same bytes.
    for (let i = 0; i < 2; i++) {
      const idle = await runJob(store, job('erp-orders'));
      expect(idle).toMatchObject({ status: 'succeeded', rowsRead: 1, eventsAdded: 0, duplicatesSkipped: 1, watermark: '2026-01-05 13:30:05+00' });
    }
    expect(await eventsOf('sales-orders')).toHaveLength(8);
  });

  it('leaves the log and the watermark as they were when a run fails, and picks the rows up once fixed', async () => {
    const before = await eventsOf('sales-orders');
    await insert([
      ['SO-3', 'Picked', '2026-01-05T14:00:00Z', 'cat', '2026-01-05T14:00:05Z'],
      ['SO-4', null, '2026-01-05T14:10:00Z', 'dan', '2026-01-05T14:10:05Z'],
    ]);
    const failed = await runJob(store, job('erp-orders'));
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(
      `${join(dir, 'erp-orders.json')}: the query's result, line 4, column "step": activity is missing. ` +
        'Nothing was loaded (set "onBadRows": "quarantine" in the job file to load the good rows and keep these aside).',
    );
    expect(failed).toMatchObject({ rowsRead: 0, eventsAdded: 0, finishedAt: expect.any(String), watermark: null });
    expect(await eventsOf('sales-orders')).toEqual(before);
    expect(await watermarkOf('erp-orders')).toBe('2026-01-05 13:30:05+00');

    const history = await getJobRuns(store, { job: 'erp-orders', limit: 2 });
    expect(history.runs.map((r) => [r.runId, r.status, r.error])).toEqual([
      [failed.runId, 'failed', failed.error],
      [failed.runId - 1, 'succeeded', null],
    ]);

    await erp.query(`UPDATE sales_order_events SET step = 'Order Captured' WHERE order_no = 'SO-4'`);
    const fixed = await runJob(store, job('erp-orders'));
    expect(fixed).toMatchObject({ status: 'succeeded', rowsRead: 3, eventsAdded: 2, duplicatesSkipped: 1, watermark: '2026-01-05 14:10:05+00' });
    expect(await eventsOf('sales-orders')).toEqual(
      asEvents([...FIRST, ...SECOND, ['SO-3', 'Picked', '2026-01-05T14:00:00Z', 'cat', ''], ['SO-4', 'Order Captured', '2026-01-05T14:10:00Z', 'dan', '']]),
    );
  });

  it('counts an empty pull as a successful run that keeps the watermark and creates no log', async () => {
    const run = await runJob(store, job('erp-future'));
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 0, eventsAdded: 0, duplicatesSkipped: 0, watermark: '2100-01-01 00:00:00+00', error: null });
    expect(await withConnection(store, (c) => queryRows(c, `SELECT name FROM logs WHERE name = 'future-orders'`))).toEqual([]);
  });

  it('fails with a message naming the job file when the watermark column or the password is missing', async () => {
    const typo = await runJob(store, job('erp-typo'));
    expect(typo.status).toBe('failed');
    expect(typo.error).toBe(`${join(dir, 'erp-typo.json')}: watermark.column "updated" is not a column of the query's result`);
    const secret = await runJob(store, job('erp-secret'));
    expect(secret.error).toBe(`${join(dir, 'erp-secret.json')}: connection.passwordEnv names the environment variable WAYBILL_TEST_UNSET_PASSWORD, which is not set; set it to the database password`);
    const badInitial = await runJob(store, job('erp-bad-initial'));
    expect(badInitial.error).toBe(`${join(dir, 'erp-bad-initial.json')}: the query failed in PostgreSQL: invalid input syntax for type timestamp with time zone: "yesterday-ish"`);
    expect((await describeJobs(store, jobs)).jobs.map((j) => [j.name, j.watermark, j.lastRun?.status])).toEqual([
      ['erp-bad-initial', 'yesterday-ish', 'failed'],
      ['erp-future', '2100-01-01 00:00:00+00', 'succeeded'],
      ['erp-orders', '2026-01-05 14:10:05+00', 'succeeded'],
      ['erp-secret', '1970-01-01 00:00:00+00', 'failed'],
      ['erp-typo', '1970-01-01 00:00:00+00', 'failed'],
    ]);
  });
});
