import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/db.ts';
import { writeFixture } from '../test-support/fixture-log.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { waybill } from '../test-support/waybill-cli.ts';
import { createApi } from '../web/api/index.ts';
import { asAdmin } from '../test-support/identities.ts';

/**
 * The fixture log (test-support/fixture-log.ts): A and B end with Shipped, C is only captured,
 * 19 h before the log's last event. Shipped ends both its cases, so it is the inferred end
 * activity; the cases' longest pauses are 22 h 30 m (A) and 2 h (B), so silence starts past
 * 2 h + 0.99 × 20 h 30 m = 22 h 17 m 42 s, and C is open.
 */
let dir: string;
let db: string;
let remove: () => void;
beforeAll(async () => {
  ({ dir, remove } = await tempStore());
  db = join(dir, 'queue.duckdb');
  expect((await waybill(['ingest', writeFixture(dir), '--db', db])).code).toBe(0);
});
afterAll(() => remove());

const mine = (...args: string[]) => waybill(['mine', 'queue-aging', '--log', 'orders', '--db', db, ...args]);

describe('waybill mine queue-aging', () => {
  it('prints the rule, the end activities with their evidence, and what each part closed', async () => {
    const { code, stdout } = await mine();
    expect(code).toBe(0);
    expect(stdout).toContain('Queue aging of orders as of 2026-01-06T07:00:00.000Z: 1 open cases\nof 3 started: 2 reached an end activity, 0 judged ended by silence');
    expect(stdout).toContain('End activities are inferred from the log');
    expect(stdout).toContain('A case without one whose last event is more than 22h 17m old');
    expect(stdout).toMatch(/Shipped\s+yes\s+2\s+2\s+100\.0 %/);
    expect(stdout).toMatch(/Order Captured\s+3\s+1\s+33\.3 %/);
    expect(stdout).toMatch(/Order Captured\s+1\s+19h\s+19h/);
  });

  it('takes --end (repeatable, or empty for none) and --silence', async () => {
    expect((await mine('--silence', '12h')).stdout).toContain('0 open cases\nof 3 started: 2 reached an end activity, 1 judged ended by silence');
    expect((await mine('--silence', 'none')).stdout).toContain('1 open cases');
    // No end activities at all: every started case is open (given ends leave silence off).
    const none = await mine('--end', '');
    expect(none.stdout).toContain('3 open cases\nof 3 started: 0 reached an end activity, 0 judged ended by silence');
    expect(none.stdout).toContain('A case is closed once it reaches one of the given end activities. A case without one is open however long it has been quiet.');
    const two = await mine('--end', 'Order Validated', '--end', 'Shipped', '--silence', 'auto');
    expect(two.stdout).toContain('1 open cases\nof 3 started: 2 reached an end activity, 0 judged ended by silence');
    expect(two.stdout).toMatch(/Order Validated\s+yes\s+2\s+0\s+0\.0 %/);
  });

  it('says what is wrong with a bad --end or --silence', async () => {
    const silence = await mine('--silence', 'soon');
    expect(silence).toMatchObject({ code: 1, stdout: '' });
    expect(silence.stderr).toContain('silence is none, auto or a duration such as 30d, not "soon"');
    const end = await mine('--end', 'Closed');
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('end: "Closed" is not an activity of "orders"');
  });

  // Last: it opens the database in this process, and DuckDB lets one process at a time write a file.
  it('prints with --json exactly the JSON the API returns for the same options', async () => {
    const cli = await mine('--end', 'Shipped', '--end', 'Order Validated', '--silence', '12h', '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const api = createApi(() => openStore(db), undefined, asAdmin);
    const response = await api.request('/api/logs/orders/queue-aging?end=Shipped&end=Order%20Validated&silence=12h');
    expect(response.status).toBe(200);
    expect(cli.stdout).toBe(`${await response.text()}\n`);
    expect(JSON.parse(cli.stdout)).toMatchObject({ endActivities: ['Shipped', 'Order Validated'], rule: { silence: { seconds: 43_200, source: 'option' }, cases: { silent: 1 } } });
  });
});
