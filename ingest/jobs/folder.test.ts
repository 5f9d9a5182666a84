import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../store/audit.ts';
import { queryRows, withConnection, type Store } from '../../store/db.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { globToRegExp } from './folder.ts';
import { getJobRuns, loadJobs, runJob, type Job } from './index.ts';

let store: Store;
let dir: string;
let drop: string;
let remove: () => void;
let job: Job;

/** Writes a file into the drop folder, last modified a minute ago (settled) unless `fresh`. */
function dropFile(name: string, content: string, fresh = false): void {
  const path = join(drop, name);
  writeFileSync(path, content);
  if (!fresh) utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
}

beforeAll(async () => {
  ({ dir, store, remove } = await tempStore());
  drop = join(dir, 'drop');
  mkdirSync(drop);
  mkdirSync(join(dir, 'jobs'));
  // The path is relative to the job file's folder.
  writeFileSync(
    join(dir, 'jobs', 'scans.json'),
    JSON.stringify({ kind: 'folder', log: 'warehouse-scans', path: '../drop', pattern: 'scans-*.csv', settleSeconds: 30, mapping: { case: 'order', activity: 'scan', timestamp: 'at' } }),
  );
  [job] = loadJobs(join(dir, 'jobs')) as [Job];
});
afterAll(() => remove());

const events = () =>
  withConnection(store, (c) =>
    queryRows(c, `SELECT cs.name AS case, a.name AS activity, e.ts FROM events e JOIN cases cs USING (log_id, case_id) JOIN activities a USING (log_id, activity_id) ORDER BY 1, 3`),
  );

describe('a drop-folder job', () => {
  it('loads each new file once, moving it to processed/, and a bad one to failed/ with the reason', async () => {
    dropFile('scans-1.csv', 'order,scan,at\nSO-1,Picked,2026-01-05T10:00:00Z\nSO-1,Packed,2026-01-05T10:30:00Z\n');
    dropFile('scans-2.csv', 'order,scan,at\nSO-2,Picked,2026-01-05T11:00:00Z\nSO-1,Packed,2026-01-05T10:30:00Z\n');
    dropFile('scans-3.csv', 'order,scan,at\nSO-3,Picked,not a time\n');
    dropFile('scans-4.csv', 'order,scan,at\nSO-4,Picked,2026-01-05T12:00:00Z\n', true); // still being written
    dropFile('notes.txt', 'not a scan file\n');
    dropFile('scans-5.csv.part', 'order,scan,at\n');

    const run = await runJob(store, job);
    expect(run).toMatchObject({ status: 'failed', rowsRead: 4, eventsAdded: 3, duplicatesSkipped: 1, quarantined: 0, filesLoaded: 2, filesFailed: 1, watermark: null });
    const reason = `${join(drop, 'scans-3.csv')}, line 2, column "at": cannot read the timestamp. Nothing was loaded (set "onBadRows": "quarantine" in the job file to load the good rows and keep these aside). (value "not a time")`;
    expect(run.error).toBe(`1 of 3 files failed and were moved to failed/: ${reason}`);
    expect(readdirSync(join(drop, 'processed')).sort()).toEqual(['scans-1.csv', 'scans-2.csv']);
    expect(readdirSync(join(drop, 'failed')).sort()).toEqual(['scans-3.csv', 'scans-3.csv.error.txt']);
    expect(readFileSync(join(drop, 'failed', 'scans-3.csv.error.txt'), 'utf8')).toMatch(new RegExp(`^scans-3\\.csv was not loaded \\(job scans, run ${run.runId}, \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\):\\n${escape(reason)}\\n$`));
    expect(readdirSync(drop).sort()).toEqual(['failed', 'notes.txt', 'processed', 'scans-4.csv', 'scans-5.csv.part']);
    expect(await events()).toEqual([
      { case: 'SO-1', activity: 'Picked', ts: '2026-01-05T10:00:00.000Z' },
      { case: 'SO-1', activity: 'Packed', ts: '2026-01-05T10:30:00.000Z' },
      { case: 'SO-2', activity: 'Picked', ts: '2026-01-05T11:00:00.000Z' },
    ]);
    // The audit trail names the job as the one who loaded each file, and the run with how it ended.
    const trail = (await listAudit(store)).reverse().map((e) => [e.actor, e.via, e.action, e.log]);
    expect(trail).toEqual([
      ['job scans', 'job', 'append', 'warehouse-scans'],
      ['job scans', 'job', 'append', 'warehouse-scans'],
      ['job scans', 'job', 'job run', 'warehouse-scans'],
    ]);
    expect((await listAudit(store, { limit: 1 }))[0]!.detail).toBe(`run ${run.runId} (manual) failed: ${run.error}`);
  });

  it('picks up nothing again, then a file once it has settled, and never re-reads a name already processed', async () => {
    const idle = await runJob(store, job);
    expect(idle).toMatchObject({ status: 'succeeded', rowsRead: 0, eventsAdded: 0, filesLoaded: 0, filesFailed: 0, error: null });

    const settled = new Date(Date.now() - 60_000);
    utimesSync(join(drop, 'scans-4.csv'), settled, settled);
    // A later file under a name already in processed/ keeps both.
    dropFile('scans-1.csv', 'order,scan,at\nSO-1,Shipped,2026-01-05T15:00:00Z\n');
    const later = await runJob(store, job);
    expect(later).toMatchObject({ status: 'succeeded', rowsRead: 2, eventsAdded: 2, filesLoaded: 2, filesFailed: 0 });
    expect(readdirSync(join(drop, 'processed')).sort()).toEqual([`run-${later.runId}-scans-1.csv`, 'scans-1.csv', 'scans-2.csv', 'scans-4.csv']);
    expect(await events()).toHaveLength(5);
    expect((await getJobRuns(store, { job: 'scans' })).runs.map((r) => [r.status, r.filesLoaded, r.filesFailed])).toEqual([
      ['succeeded', 2, 0],
      ['succeeded', 0, 0],
      ['failed', 2, 1],
    ]);
  });

  it('fails the run, moving nothing, when the drop folder is missing', async () => {
    writeFileSync(join(dir, 'jobs', 'gone.json'), JSON.stringify({ kind: 'folder', log: 'gone', path: 'no-such-folder' }));
    const gone = loadJobs(join(dir, 'jobs')).find((j) => j.name === 'gone')!;
    const run = await runJob(store, gone);
    expect(run).toMatchObject({ status: 'failed', filesLoaded: null, filesFailed: null });
    expect(run.error).toBe(`${join(dir, 'jobs', 'gone.json')}: path: the drop folder ${join(dir, 'jobs', 'no-such-folder')} does not exist; create it or correct "path"`);
    expect(existsSync(join(dir, 'jobs', 'no-such-folder'))).toBe(false);
  });

  it('marks a run left running by a process that died as failed when the job next runs', async () => {
    // What a run's row looks like if its process is killed mid-load: started, never finished.
    await withConnection(store, (c) =>
      c.run(`INSERT INTO job_runs (run_id, job, kind, log, trigger, started_at, status) VALUES (nextval('job_run_id_seq'), 'scans', 'folder', 'warehouse-scans', 'schedule', now(), 'running')`),
    );
    const next = await runJob(store, job);
    const [latest, interrupted] = (await getJobRuns(store, { job: 'scans', limit: 2 })).runs;
    expect(latest).toMatchObject({ runId: next.runId, status: 'succeeded' });
    expect(interrupted).toMatchObject({ runId: next.runId - 1, status: 'failed', finishedAt: null, error: 'interrupted: the process running it stopped before the run ended' });
  });
});

describe('file-name patterns', () => {
  it('match * and ? and nothing else specially, ignoring case', () => {
    const csv = globToRegExp('orders-?.c*v');
    expect(['orders-1.csv', 'ORDERS-2.CSV', 'orders-3.cv'].map((n) => csv.test(n))).toEqual([true, true, true]);
    expect(['orders-12.csv', 'orders-1xcsv', 'xorders-1.csv'].map((n) => csv.test(n))).toEqual([false, false, false]);
    expect(globToRegExp('a+(b).csv').test('a+(b).csv')).toBe(true);
  });
});

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
