import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJobs, runJob } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { getJson } from '../../test-support/api-request.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { asAdmin } from '../../test-support/identities.ts';

let store: Store;
let dir: string;
let remove: () => void;
let api: ReturnType<typeof createApi>;

beforeAll(async () => {
  ({ store, dir, remove } = await tempStore());
  const jobs = join(dir, 'jobs');
  mkdirSync(jobs);
  mkdirSync(join(dir, 'drop'));
  writeFileSync(join(jobs, 'scans.json'), JSON.stringify({ kind: 'folder', log: 'scans', path: '../drop', schedule: '*/10 * * * *', description: 'warehouse scans' }));
  writeFileSync(join(dir, 'drop', 'a.csv'), 'case_id,activity,timestamp\nSO-1,Picked,2026-01-05T10:00:00Z\n');
  utimesSync(join(dir, 'drop', 'a.csv'), new Date(0), new Date(0));
  await runJob(store, loadJobs(jobs)[0]!);
  // The API reads the jobs folder from WAYBILL_JOBS, as `waybill serve` does.
  process.env.WAYBILL_JOBS = jobs;
  api = createApi(async () => store, undefined, asAdmin);
});
afterAll(() => remove());

const get = (path: string) => getJson(api, path);

const RUN = {
  runId: 1,
  job: 'scans',
  kind: 'folder',
  log: 'scans',
  trigger: 'manual',
  status: 'succeeded',
  startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  rowsRead: 1,
  eventsAdded: 1,
  duplicatesSkipped: 0,
  quarantined: 0,
  filesLoaded: 1,
  filesFailed: 0,
  watermark: null,
  error: null,
};

describe('GET /api/jobs', () => {
  it('lists the jobs with their last run', async () => {
    expect(await get('/api/jobs')).toEqual({
      status: 200,
      body: {
        jobs: [
          {
            name: 'scans',
            kind: 'folder',
            file: join(dir, 'jobs', 'scans.json'),
            log: 'scans',
            schedule: '*/10 * * * *',
            timezone: null,
            description: 'warehouse scans',
            watermark: null,
            lastRun: RUN,
          },
        ],
      },
    });
  });

  it('returns a job\'s runs, and all runs, newest first', async () => {
    expect(await get('/api/jobs/scans/runs')).toEqual({ status: 200, body: { job: 'scans', runs: [RUN] } });
    expect(await get('/api/jobs/runs?limit=1')).toEqual({ status: 200, body: { job: null, runs: [RUN] } });
  });

  it('answers 404 for an unknown job, 400 for a bad parameter, 500 naming the file for a bad job file', async () => {
    expect(await get('/api/jobs/nope/runs')).toEqual({ status: 404, body: { error: 'no job named "nope": it has no job file and has never run' } });
    expect(await get('/api/jobs/scans/runs?limit=0')).toEqual({ status: 400, body: { error: 'limit must be at least 1, not 0' } });
    expect((await get('/api/jobs?limit=1')).status).toBe(400);
    writeFileSync(join(dir, 'jobs', 'broken.json'), '{"kind": "folder"}');
    expect(await get('/api/jobs')).toEqual({
      status: 500,
      body: {
        error: `2 problems in job files:\n  ${join(dir, 'jobs', 'broken.json')}: log: is required: expected the name of the log to load into (a string)\n  ${join(dir, 'jobs', 'broken.json')}: path: is required: expected the drop folder (a string)`,
      },
    });
  });
});
