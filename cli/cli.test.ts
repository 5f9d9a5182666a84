import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../test-support/fixture-log.ts';
import { DAY_FIRST_CSV, TIED_TIMES_CSV } from '../test-support/mapping-fixtures.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { waybill } from '../test-support/waybill-cli.ts';
import { createApi } from '../web/api/index.ts';
import { asAdmin } from '../test-support/identities.ts';
import { openStore } from '../store/db.ts';
import { sourceName } from '../mining/index.ts';

let dir: string;
let db: string;
let remove: () => void;
beforeAll(async () => {
  ({ dir, remove } = await tempStore());
  db = join(dir, 'cli.duckdb');
});
afterAll(() => remove());

describe('waybill CLI', () => {
  it('ingests a file, lists logs and prints analyses as tables', async () => {
    const file = writeFixture(dir);
    const ingested = await waybill(['ingest', file, '--db', db]);
    expect(ingested.stderr).toBe('');
    expect(ingested.stdout).toMatch(/^Loaded "orders": 7 events, 3 cases, 3 activities, 2 variants in [\d.]+ s\n$/);
    const logs = await waybill(['logs'], { WAYBILL_DB: db });
    expect(logs.stdout).toMatch(/orders\s+7\s+3\s+3\s+2\s+2026-01-05\s+2026-01-06/);
    const map = await waybill(['mine', 'process-map', '--log', 'orders', '--db', db]);
    expect(map.stdout).toMatch(/Order Captured\s+Order Validated\s+2\s+45m\s+45m\s+1h 21m\s+1h 30m/);
    expect(map.stdout).toContain('start: Order Captured (3)');
    const variants = await waybill(['mine', 'variants', '--log', 'orders', '--db', db]);
    expect(variants.stdout).toContain('Order Captured → Order Validated → Shipped');
  });

  it('says what is wrong with exit code 1 for bad input and 2 for bad usage', async () => {
    const unknown = await waybill(['mine', 'variants', '--log', 'nope', '--db', db]);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('no log named "nope"');
    const missing = await waybill(['ingest', join(dir, 'absent.csv'), '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('absent.csv: no such file');
    const usage = await waybill(['mine', 'variants', '--db', db]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('mine needs --log NAME');
    expect((await waybill(['frobnicate'])).code).toBe(2);
    expect((await waybill(['logs', '--bogus'])).code).toBe(2);
    const help = await waybill(['--help']);
    expect(help.stdout).toContain('waybill ingest FILE');
  });

  it('names the file, line, column and the flag that helps, and refuses "@" in a log name', async () => {
    const bad = writeFixture(dir, 'bad-rows.csv', 'case_id,activity,timestamp\nA,x,2026-01-01T00:00:00Z\nA,y,not a time\n');
    const rejected = await waybill(['ingest', bad, '--db', db]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toBe(
      `waybill ingest: ${bad}, line 3, column "timestamp": cannot read the timestamp. Nothing was loaded (pass --on-bad-rows quarantine to load the good rows and keep these aside). (value "not a time")\n`,
    );
    const unmapped = await waybill(['ingest', bad, '--case', 'order_no', '--db', db]);
    expect(unmapped.stderr).toContain(`${bad}: the case column "order_no" is not one of the file's; its columns are "case_id", "activity", "timestamp"; name it with --case COLUMN`);
    const binary = writeFixture(dir, 'noise.csv', '\u0000\u0001\u0002PNG\u0000'.repeat(50));
    expect((await waybill(['ingest', binary, '--db', db])).stderr).toContain(`${binary}: holds binary data, not CSV text`);
    const good = writeFixture(dir, 'good.csv', 'case_id,activity,timestamp\nA,x,2026-01-01T00:00:00Z\n');
    const at = await waybill(['ingest', good, '--name', 'distributor@order', '--db', db]);
    expect(at.code).toBe(1);
    expect(at.stderr).toContain('"@" is reserved for case notions: "distributor@order" would be the case notion "order" of the object-centric log "distributor"; pass --name NAME to choose another name');
    for (const mode of ['--append', '--replace']) {
      const onto = await waybill(['ingest', good, '--name', 'distributor@order', mode, '--db', db]);
      expect(onto.stderr, mode).toContain('"distributor@order" is the case notion "order" of the object-centric log "distributor", derived from it: a case notion cannot be appended to or replaced (load into "distributor" itself)');
    }
    const linked = await waybill(['ingest', good, '--name', 'a@b', '--object', 'case=case_id', '--db', db]);
    expect(linked.stderr).toContain('"@" is reserved for case notions');
    expect((await waybill(['logs', '--json', '--db', db])).stdout).not.toContain('@');
  });

  it('loads a file whose timestamp it tells by the values, printing the mapping and the flags; names the candidates when it cannot tell', async () => {
    const ingested = await waybill(['ingest', writeFixture(dir, 'visits.csv', DAY_FIRST_CSV), '--db', db]);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toMatch(/^case\s+CaseID\s+by its name\s+--case COLUMN$/m);
    expect(ingested.stdout).toMatch(/^activity\s+Activity\s+by its name\s+--activity COLUMN$/m);
    expect(ingested.stdout).toMatch(/^timestamp\s+Start Time\s+from its values, \d+ % sure; day-first dates\s+--timestamp COLUMN$/m);
    expect(ingested.stdout).toMatch(/^resource\s+User\s+by its name\s+--resource COLUMN$/m);
    expect(ingested.stdout).toContain('Times without a UTC offset are read as UTC; change with --timezone ZONE');
    expect(ingested.stdout).toMatch(/\nLoaded "visits": 8 events, 3 cases, 4 activities, 3 variants in [\d.]+ s\n$/);

    const plan = writeFixture(dir, 'plan.csv', TIED_TIMES_CSV);
    const tied = await waybill(['ingest', plan, '--db', db]);
    expect(tied).toMatchObject({ code: 1, stdout: '' });
    expect(tied.stderr).toMatch(/plan\.csv: cannot tell which column is the timestamp; .*The timestamp could as well be "(Planned|Actual)" \(\d+ %\) or "(Planned|Actual)" \(\d+ %\); name it with --timestamp COLUMN\n$/);
    const named = await waybill(['ingest', plan, '--timestamp', 'Actual', '--db', db]);
    expect(named.stdout).toMatch(/^Loaded "plan": 4 events, 2 cases, 2 activities, 1 variants in/);
  });

  // Last: it opens the database in this process, and DuckDB lets one process at a time write a file.
  it('prints with --json exactly the JSON the API returns (sources with their folders, which the API keeps on the server)', async () => {
    const cases = [
      [['logs'], '/api/logs'],
      [['mine', 'process-map', '--log', 'orders'], '/api/logs/orders/process-map'],
      [['mine', 'variants', '--log', 'orders', '--limit', '1'], '/api/logs/orders/variants?limit=1'],
      [['mine', 'case-durations', '--log', 'orders', '--bins', '4', '--from', '2026-01-05T09:00:00Z'], '/api/logs/orders/case-durations?bins=4&from=2026-01-05T09:00:00Z'],
    ] as const;
    const printed: string[] = [];
    for (const [args] of cases) {
      const cli = await waybill([...args, '--json', '--db', db]);
      expect(cli.code, cli.stderr).toBe(0);
      printed.push(cli.stdout);
    }
    const api = createApi(() => openStore(db), undefined, asAdmin);
    for (const [i, [, path]] of cases.entries()) {
      const response = await api.request(path);
      expect(response.status).toBe(200);
      const cli = path === '/api/logs' ? `${JSON.stringify(withSourceNames(JSON.parse(printed[i]!)))}\n` : printed[i];
      expect(cli).toBe(`${await response.text()}\n`);
    }
  });
});

/** The log list as the API sends it: each source by its file names. */
function withSourceNames(list: { logs: { source: string }[] }) {
  return { logs: list.logs.map((log) => ({ ...log, source: sourceName(log.source) })) };
}
