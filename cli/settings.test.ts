import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../test-support/fixture-log.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { waybill } from '../test-support/waybill-cli.ts';
import { createApi } from '../web/api/index.ts';
import { asAdmin } from '../test-support/identities.ts';
import { closeStore, openStore } from '../store/db.ts';
import { applySettingFlags } from './settings.ts';

let dir: string;
let db: string;
let remove: () => void;
beforeAll(async () => {
  ({ dir, remove } = await tempStore());
  db = join(dir, 'cli.duckdb');
  const tickets = ['case_id,activity,timestamp', 'T1,Opened,2026-01-05T08:00:00Z', 'T1,Escalated,2026-01-05T09:00:00Z', 'T1,Closed,2026-01-05T12:00:00Z', 'T2,Opened,2026-01-06T08:00:00Z', 'T2,Closed,2026-01-06T10:00:00Z'];
  expect((await waybill(['ingest', writeFixture(dir, 'tickets.csv', `${tickets.join('\n')}\n`), '--db', db])).code).toBe(0);
});
afterAll(() => remove());

const usage = (message: string) => new Error(message);

describe('applySettingFlags', () => {
  it('sets, splits lists on |, reads none as every case, and unsets', () => {
    const settings = applySettingFlags({ cycleTime: { start: 'a' } }, ['kpis.orderActivity=none', 'kpis.cycleTime.end = Closed ', 'kpis.exceptionActivities=Escalated|Reopened', 'kpis.manualResourcePrefixes='], ['kpis.cycleTime.start'], usage);
    expect(settings).toEqual({ orderActivity: null, cycleTime: { end: 'Closed' }, exceptionActivities: ['Escalated', 'Reopened'], manualResourcePrefixes: [] });
    expect(applySettingFlags({}, ['kpis.otif.lineKeys=line_no'], [], usage)).toEqual({ otif: { lineKeys: ['line_no'] } });
    expect(() => applySettingFlags({}, ['kpis.colour=red'], [], usage)).toThrow(/--set "kpis.colour": name one of kpis.orderActivity, /);
    expect(() => applySettingFlags({}, ['cycleTime.end=x'], [], usage)).toThrow(/name one of/);
    expect(() => applySettingFlags({}, ['kpis.cycleTime.end'], [], usage)).toThrow('--set "kpis.cycleTime.end": write kpis.PATH=VALUE');
  });
});

describe('waybill settings', () => {
  it('saves a log’s KPI settings that `mine kpis` then reads, options overriding them', async () => {
    const before = await waybill(['mine', 'kpis', '--log', 'tickets', '--db', db]);
    expect(before.stdout).toMatch(/Order cycle time\s+not computable: missing activity "Order Captured"; activity "Payment Received"/);

    const set = await waybill(['settings', '--log', 'tickets', '--db', db, '--set', 'kpis.orderActivity=none', '--set', 'kpis.cycleTime.start=Opened', '--set', 'kpis.cycleTime.end=Closed', '--set', 'kpis.exceptionActivities=Escalated']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/^KPI settings of "tickets" \(saved \d{4}-/);
    expect(set.stdout).toMatch(/kpis\.orderActivity\s+every case\n/);
    expect(set.stdout).toMatch(/kpis\.cycleTime\.end\s+Closed\n/);
    expect(set.stdout).toMatch(/kpis\.touchless\.completedActivity\s+Payment Received {2}\(default; not in the log: Payment Received\)/);

    // T1 4 h, T2 2 h; T1 of two escalated.
    const after = await waybill(['mine', 'kpis', '--log', 'tickets', '--db', db]);
    expect(after.stdout).toMatch(/Order cycle time\s+3h\n/);
    expect(after.stdout).toMatch(/Exception rate\s+50\.0 %\n/);
    const overridden = await waybill(['mine', 'kpis', '--log', 'tickets', '--db', db, '--exception', 'Opened', '--order-activity', 'Escalated']);
    expect(overridden.stdout).toMatch(/Exception rate\s+100\.0 %\n/);
    expect(overridden.stdout).toMatch(/Order cycle time\s+4h\n/);
  });

  it('refuses a name the log lacks (exit 1, nothing saved) and an unknown setting (exit 2)', async () => {
    const lacking = await waybill(['settings', '--log', 'tickets', '--db', db, '--set', 'kpis.cycleTime.end=Paid']);
    expect(lacking).toMatchObject({ code: 1, stdout: '' });
    expect(lacking.stderr).toBe('waybill settings: KPI settings: cycleTime.end: the log "tickets" has no activity "Paid"\n');
    const unknown = await waybill(['settings', '--log', 'tickets', '--db', db, '--unset', 'kpis.colour']);
    expect(unknown.code).toBe(2);
    expect((await waybill(['settings', '--db', db])).stderr).toContain('settings needs --log NAME');
  });

  // Last: it opens the database in this process, and DuckDB lets one process at a time open a file.
  it('prints with --json exactly the API’s JSON, and --clear goes back to the defaults', async () => {
    const printed = await waybill(['settings', '--log', 'tickets', '--db', db, '--json']);
    const store = await openStore(db);
    const api = createApi(async () => store, undefined, asAdmin);
    const answer = await (await api.request('/api/logs/tickets/settings/kpis')).json();
    await closeStore(db);
    expect(JSON.parse(printed.stdout)).toEqual(answer);
    expect(answer).toMatchObject({ settings: { orderActivity: null, cycleTime: { start: 'Opened', end: 'Closed' } } });

    const cleared = await waybill(['settings', '--log', 'tickets', '--db', db, '--clear', '--json']);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ settings: {}, updatedAt: null });
    expect((await waybill(['mine', 'kpis', '--log', 'tickets', '--db', db])).stdout).toMatch(/Order cycle time\s+not computable/);
  });
});
