import { spawn } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/db.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { WAYBILL_BIN, waybill } from '../test-support/waybill-cli.ts';
import { createApi } from '../web/api/index.ts';
import { asAdmin } from '../test-support/identities.ts';

let dir: string;
let db: string;
let jobsDir: string;
let drop: string;
let remove: () => void;

function dropFile(name: string, content: string): void {
  const path = join(drop, name);
  writeFileSync(path, content);
  const settled = new Date(Date.now() - 60_000);
  utimesSync(path, settled, settled);
}

beforeAll(async () => {
  ({ dir, remove } = await tempStore());
  db = join(dir, 'jobs.duckdb');
  jobsDir = join(dir, 'jobs');
  drop = join(dir, 'drop');
  mkdirSync(jobsDir);
  mkdirSync(drop);
  // Every second (six fields, seconds first), so the scheduler test need not wait for a minute.
  writeFileSync(join(jobsDir, 'scans.json'), JSON.stringify({ kind: 'folder', log: 'scans', path: '../drop', schedule: '* * * * * *', timezone: 'UTC' }));
});
afterAll(() => remove());

describe('waybill jobs and waybill schedule', () => {
  it('lists, runs and reports jobs, failing with exit code 1 when a run fails', async () => {
    const list = await waybill(['jobs', 'list', '--jobs', jobsDir, '--db', db]);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout.split('\n')[2]).toMatch(/^scans\s+folder\s+\* \* \* \* \* \*\s+scans\s+never\s+–\s+–\s+–$/);

    dropFile('a.csv', 'case_id,activity,timestamp\nSO-1,Picked,2026-01-05T10:00:00Z\nSO-1,Packed,2026-01-05T11:00:00Z\n');
    const ok = await waybill(['jobs', 'run', 'scans', '--jobs', jobsDir, '--db', db]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^scans: run 1 succeeded, \d+\.\d s: 1 file loaded, 0 failed; 2 rows read, 2 events added to "scans", 0 already held\n$/);

    dropFile('b.csv', 'case_id,activity,timestamp\nSO-2,Picked,\n');
    const failed = await waybill(['jobs', 'run', '--db', db], { WAYBILL_JOBS: jobsDir });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      new RegExp(`^scans: run 2 failed, \\d+\\.\\d s: 0 files loaded, 1 failed; 0 rows read, 0 events added to "scans", 0 already held\\n  1 of 1 files failed and were moved to failed/: ${join(drop, 'b.csv')}, line 2, column "timestamp": timestamp is missing\\.`),
    );
    expect(failed.stderr).toBe('waybill jobs: 1 of 1 job runs failed: scans\n');

    const history = await waybill(['jobs', 'history', 'scans', '--jobs', jobsDir, '--db', db]);
    expect(history.stdout.split('\n').slice(2, 4)).toEqual([
      expect.stringMatching(/^\s+2\s+scans\s+manual\s+[\d-]+ [\d:]+\s+[\d-]+ [\d:]+\s+failed\s+0\s+0\s+0\s+1 of 1 files failed/),
      expect.stringMatching(/^\s+1\s+scans\s+manual\s+[\d-]+ [\d:]+\s+[\d-]+ [\d:]+\s+succeeded\s+2\s+2\s+0$/),
    ]);
  });

  it('says what is wrong: an unknown job, a bad job file, a bad subcommand', async () => {
    const unknown = await waybill(['jobs', 'run', 'nope', '--jobs', jobsDir, '--db', db]);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe(`waybill jobs: no job named "nope": the jobs in ${jobsDir} are scans\n`);
    const badDir = join(dir, 'bad-jobs');
    mkdirSync(badDir);
    writeFileSync(join(badDir, 'erp.json'), JSON.stringify({ kind: 'folder', log: 'x', path: '.', schedule: 'every 5 min' }));
    const bad = await waybill(['jobs', 'list', '--jobs', badDir, '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `waybill jobs: ${join(badDir, 'erp.json')}: schedule: "every 5 min" is not a cron expression: invalid configuration format ('every 5 min'), exactly five, six, or seven space separated parts are required.\n`,
    );
    const usage = await waybill(['jobs', 'frob', '--db', db]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown jobs command "frob": use list, run [NAME] or history [NAME]');
    expect((await waybill(['schedule', '--jobs', badDir, '--db', db])).code).toBe(1);
  });

  it('runs jobs on their schedule until SIGTERM', async () => {
    dropFile('c.csv', 'case_id,activity,timestamp\nSO-3,Picked,2026-01-05T12:00:00Z\n');
    const child = spawn(process.execPath, [WAYBILL_BIN, 'schedule', '--jobs', jobsDir, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/run 3 succeeded/.test(stdout)) done();
      });
      child.on('exit', () => fail(new Error(`waybill schedule exited early:\n${stdout}\n${stderr}`)));
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Scheduling 1 job from ${jobsDir} (Ctrl-C to stop):`);
    expect(lines[3]).toMatch(/^scans\s+\* \* \* \* \* \*\s+UTC\s+scans\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(lines[4]).toMatch(/^\S+Z scans: started$/);
    expect(lines[5]).toMatch(/^\S+Z scans: run 3 succeeded, \d+\.\d s: 1 file loaded, 0 failed; 1 rows read, 1 events added to "scans", 0 already held$/);
    expect(lines.at(-2)).toMatch(/^\S+Z SIGTERM: stopping; waiting for runs under way to end$/);
    expect(lines.at(-1)).toMatch(/^\S+Z stopped$/);
  });

  // Last: it opens the database in this process, and DuckDB lets one process at a time open a file.
  it('prints with --json exactly the JSON the API returns', async () => {
    const cases = [
      [['jobs', 'list'], '/api/jobs'],
      [['jobs', 'history'], '/api/jobs/runs'],
      [['jobs', 'history', 'scans', '--limit', '2'], '/api/jobs/scans/runs?limit=2'],
    ] as const;
    const printed: string[] = [];
    for (const [args] of cases) {
      const cli = await waybill([...args, '--json', '--jobs', jobsDir, '--db', db]);
      expect(cli.code, cli.stderr).toBe(0);
      printed.push(cli.stdout);
    }
    process.env.WAYBILL_JOBS = jobsDir;
    const api = createApi(() => openStore(db), undefined, asAdmin);
    for (const [i, [, path]] of cases.entries()) {
      const response = await api.request(path);
      expect(response.status).toBe(200);
      expect(printed[i]).toBe(`${await response.text()}\n`);
    }
    const runs = JSON.parse(printed[2]!) as { job: string; runs: { runId: number; status: string; trigger: string }[] };
    expect(runs.job).toBe('scans');
    // Run 3 came from the scheduler, and so would a later one (it ticks every second).
    expect(runs.runs).toHaveLength(2);
    expect(runs.runs[0]).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
    expect(runs.runs[0]!.runId).toBeGreaterThanOrEqual(3);
  });
});
