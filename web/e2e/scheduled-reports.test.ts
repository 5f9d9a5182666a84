import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoDatabase } from '../../test-support/demo-database.ts';
import { waybill } from '../../test-support/waybill-cli.ts';
import { printed, startServer, type DemoServer } from './demo-server.ts';

// A report on a schedule, run by `waybill serve --schedule` within the test: every two
// seconds, its notebook printed to PDF by Chromium from the server itself.
let dir: string;
let db: string;
let server: DemoServer | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-scheduled-'));
  db = copyDemoDatabase(join(dir, 'waybill.duckdb'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('scheduled reports', () => {
  it('runs a report on its cron inside the server, and its runs are in the history', async () => {
    const reports = join(dir, 'reports');
    const drop = join(dir, 'drop');
    mkdirSync(reports);
    writeFileSync(join(reports, 'often.json'), JSON.stringify({ notebook: 'weekly-operations-review', schedule: '*/2 * * * * *', formats: ['pdf', 'csv'], deliver: { folder: drop } }));
    server = await startServer(db, 170_000, { WAYBILL_REPORTS: reports }, ['--schedule']);
    await printed(server, /Scheduling 1 report:[\s\S]*often\s+weekly-operations-review\s+\*\/2 \* \* \* \* \*/, 30_000);
    await printed(server, /often: report run \d+ succeeded, [\d,]+ bytes/, 120_000);
    await server.stop();
    server = undefined;
    const runs = JSON.parse((await waybill(['report', 'history', 'often', '--json', '--db', db])).stdout) as { runs: { trigger: string; status: string; files: { name: string }[]; deliveries: { kind: string; ok: boolean }[] }[] };
    // None is left running: a run the stop cut short is failed, and says why.
    expect(runs.runs.filter((run) => run.status === 'running')).toEqual([]);
    const succeeded = runs.runs.filter((run) => run.status === 'succeeded');
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(succeeded[0]).toMatchObject({ trigger: 'schedule', deliveries: [{ kind: 'folder', ok: true }] });
    expect(succeeded[0]!.files.map((file) => file.name)).toContain('weekly-operations-review.pdf');
    const copies = readdirSync(join(drop, 'often'));
    expect(readdirSync(join(drop, 'often', copies[0]!))).toContain('weekly-operations-review.pdf');
  }, 240_000);
});
