import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findJob, JobFileError, loadJobs, parseJob } from './definition.ts';
import { nextRunTimes } from './schedule.ts';

const EXAMPLES = join(import.meta.dirname, 'examples');
const dir = mkdtempSync(join(tmpdir(), 'waybill-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(content: unknown, file = 'jobs/erp.json'): string[] {
  try {
    parseJob(file, typeof content === 'string' ? content : JSON.stringify(content));
  } catch (error) {
    if (error instanceof JobFileError) return [...error.problems];
    throw error;
  }
  return [];
}

const connection = { host: 'db', database: 'erp', user: 'reader' };
const postgres = { kind: 'postgres', log: 'orders', connection, query: 'SELECT * FROM t WHERE u >= {{watermark}}', watermark: { column: 'u', initial: '0' } };

describe('job files', () => {
  it('load the examples, named by their file names, folder paths read from the file\'s folder', () => {
    const jobs = loadJobs(EXAMPLES);
    expect(jobs.map((j) => [j.name, j.kind, j.log, j.schedule])).toEqual([
      ['erp-orders', 'postgres', 'sales-orders', '*/5 * * * *'],
      ['warehouse-drop', 'folder', 'warehouse-scans', '15 2 * * *'],
    ]);
    writeFileSync(join(dir, 'drop.json'), JSON.stringify({ kind: 'folder', log: 'x', path: 'incoming' }));
    expect(loadJobs(dir)).toMatchObject([{ name: 'drop', folder: join(dir, 'incoming'), file: join(dir, 'drop.json') }]);
    expect(loadJobs(join(dir, 'absent'))).toEqual([]);
  });

  it('refuse a case notion as the log a job loads into', () => {
    expect(problems({ kind: 'folder', log: 'distributor@order', path: 'drop' })).toEqual([
      'jobs/erp.json: log: "distributor@order" is the case notion "order" of the object-centric log "distributor", derived from it: a case notion cannot be appended to or replaced (load into "distributor" itself)',
    ]);
  });

  it('name the file and the JSON path of every problem, and say what is expected', () => {
    expect(problems({ ...postgres, schedule: 'every 5 min' })).toEqual([
      `jobs/erp.json: schedule: "every 5 min" is not a cron expression: invalid configuration format ('every 5 min'), exactly five, six, or seven space separated parts are required.`,
    ]);
    expect(problems({ ...postgres, schedule: '61 * * * *', connection: { ...connection, port: '5432', password: 'hunter2' }, query: 'SELECT * FROM t', watermark: { column: 'u' } })).toEqual([
      'jobs/erp.json: schedule: "61 * * * *" is not a cron expression: Invalid value for minute: 61',
      'jobs/erp.json: connection.port: expected a port number',
      'jobs/erp.json: connection: unknown key "password": a password never goes in a job file; put it in an environment variable and name that in "passwordEnv"',
      'jobs/erp.json: query: expected the query to contain {{watermark}}, as in "WHERE updated_at >= {{watermark}}": it is replaced by the last watermark',
      `jobs/erp.json: watermark.initial: is required: expected the first run's watermark as a string, such as "1970-01-01 00:00:00+00" or "0"`,
    ]);
    expect(problems({ kind: 'folder', log: '', path: 'drop', settleSeconds: -1, timezone: 'Mars/Olympus', onBadRows: 'skip', mapping: { case: 1 }, extra: true })).toEqual([
      'jobs/erp.json: log: expected the name of the log to load into, not an empty string',
      'jobs/erp.json: timezone: "Mars/Olympus" is not an IANA time zone name such as "Europe/Berlin" or "UTC"',
      'jobs/erp.json: mapping.case: expected the case column (a string)',
      'jobs/erp.json: onBadRows: expected "reject" or "quarantine"',
      'jobs/erp.json: settleSeconds: expected a number of seconds, 0 or more',
      'jobs/erp.json: unknown key "extra"',
    ]);
    expect(problems({ kind: 'mysql' })).toEqual(['jobs/erp.json: kind: expected "postgres" or "folder"']);
    expect(problems([])).toEqual(['jobs/erp.json: (top level): expected an object with "kind": "postgres" or "folder"']);
    // Node's own parser message; later Node versions add the line and column.
    expect(problems('{"kind": "folder",')).toEqual([expect.stringMatching(/^jobs\/erp\.json: not valid JSON: Expected double-quoted property name in JSON at position 18( \(line 1 column 19\))?$/)]);
    expect(problems(postgres, 'jobs/my job.json')).toEqual([
      'jobs/my job.json: the job\'s name comes from the file name and must be letters, digits, ".", "_" and "-" (starting with a letter or digit), not "my job"',
    ]);
  });

  it('fail to load as a whole, listing the problems of every bad file', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'a.json'), JSON.stringify({ kind: 'folder', log: 'a' }));
    writeFileSync(join(bad, 'b.json'), JSON.stringify({ ...postgres, schedule: '* * *' }));
    writeFileSync(join(bad, 'c.json'), JSON.stringify({ kind: 'folder', log: 'c', path: '.' }));
    writeFileSync(join(bad, 'notes.txt'), 'not a job');
    expect(() => loadJobs(bad)).toThrow(
      new JobFileError([
        `${join(bad, 'a.json')}: path: is required: expected the drop folder (a string)`,
        `${join(bad, 'b.json')}: schedule: "* * *" is not a cron expression: invalid configuration format ('* * *'), exactly five, six, or seven space separated parts are required.`,
      ]),
    );
    expect(() => findJob(loadJobs(EXAMPLES), 'erp', EXAMPLES)).toThrow(`no job named "erp": the jobs in ${join('ingest', 'jobs', 'examples')} are erp-orders, warehouse-drop`);
  });
});

describe('schedules', () => {
  it('give the next run times of a cron expression, in the job\'s time zone', () => {
    const from = new Date('2026-03-27T23:58:00Z');
    expect(nextRunTimes({ schedule: '*/5 * * * *', timezone: 'UTC' }, from, 3).map((d) => d.toISOString())).toEqual([
      '2026-03-28T00:00:00.000Z',
      '2026-03-28T00:05:00.000Z',
      '2026-03-28T00:10:00.000Z',
    ]);
    // 02:15 in Berlin is 01:15 UTC in winter and 00:15 UTC in summer. On 29 March 2026 clocks jump
    // from 02:00 to 03:00, so that day's run comes at the first time after the gap, 03:00 (01:00 UTC).
    expect(nextRunTimes({ schedule: '15 2 * * *', timezone: 'Europe/Berlin' }, from, 3).map((d) => d.toISOString())).toEqual([
      '2026-03-28T01:15:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:15:00.000Z',
    ]);
    expect(nextRunTimes({ schedule: '*/20 * * * * *', timezone: 'UTC' }, from, 2).map((d) => d.toISOString())).toEqual(['2026-03-27T23:58:20.000Z', '2026-03-27T23:58:40.000Z']);
    expect(nextRunTimes({ schedule: undefined, timezone: undefined }, from, 2)).toEqual([]);
  });
});
