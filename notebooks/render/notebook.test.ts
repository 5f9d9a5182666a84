import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoDatabase } from '../../test-support/demo-database.ts';
import { ingestFile } from '../../ingest/index.ts';
import { findAnalysis } from '../../mining/analyses.ts';
import type { Analysis } from '../../mining/registry.ts';
import { closeStore, openStore, queryRow, withConnection, type Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { waybill as runWaybill } from '../../test-support/waybill-cli.ts';
import { listNotebooks, loadNotebook, notebookCsvFiles } from './files.ts';
import { NotebookError, parseNotebook } from './parse.ts';
import { runNotebook } from './run.ts';
import { Sandbox } from './sandbox.ts';

const HEAD = '---\ntitle: T\nparams:\n  log: orders\n---\n';

/** The NotebookError `text` raises: its line, block and problem. */
function refusal(text: string): { line: number | null; block: string | null; problem: string } {
  try {
    parseNotebook(text, 'notebooks/t.md');
  } catch (error) {
    if (error instanceof NotebookError) return { line: error.line, block: error.block, problem: error.problem };
    throw error;
  }
  throw new Error('the notebook was read without a problem');
}

describe('reading a notebook', () => {
  it('reads front matter, text and the three kinds of block, each with the line it starts on', () => {
    const notebook = parseNotebook(`${HEAD}# Orders\n\nSome text.\n\n\`\`\`sql weekly hidden\nSELECT 1 AS x, 2 AS y\n\`\`\`\n\n\`\`\`chart\nquery: weekly\nx: x\ny: y\n\`\`\`\n\n\`\`\`waybill\nanalysis: kpis\nfilter:\n  has: Shipped\n\`\`\`\n\n\`\`\`sh\nnot a block\n\`\`\`\n`, 'notebooks/t.md');
    expect(notebook.title).toBe('T');
    expect(notebook.params).toEqual({ log: { default: 'orders', help: null } });
    expect(notebook.blocks.map((block) => [block.kind, block.line])).toEqual([
      ['text', 6],
      ['sql', 10],
      ['chart', 14],
      ['waybill', 20],
      ['text', 26],
    ]);
    expect(notebook.blocks[1]).toMatchObject({ name: 'weekly', hidden: true, sql: 'SELECT 1 AS x, 2 AS y' });
    expect(notebook.blocks[2]).toMatchObject({ chart: { query: 'weekly', type: 'bar', x: 'x', y: 'y' } });
    expect(notebook.blocks[3]).toMatchObject({ analysis: { analysis: 'kpis', filter: { has: 'Shipped' } } });
  });

  it('points at the file, line and block of every mistake', () => {
    expect(refusal('# no front matter')).toMatchObject({ line: 1, problem: expect.stringMatching(/front matter/) });
    expect(refusal('---\ntitle: [unclosed\n---\n')).toMatchObject({ line: 1, block: 'front matter' });
    expect(refusal('---\ntitel: T\n---\n')).toMatchObject({ block: 'front matter', problem: expect.stringMatching(/titel|title/) });
    expect(refusal(`${HEAD}\n\`\`\`sql\nSELECT 1\n\`\`\`\n`)).toMatchObject({ line: 7, block: 'sql block', problem: expect.stringMatching(/name each query/) });
    expect(refusal(`${HEAD}\`\`\`sql a\nSELECT 1\n\`\`\`\n\`\`\`sql a\nSELECT 2\n\`\`\`\n`)).toMatchObject({ line: 9, block: 'query a', problem: 'another query has this name' });
    expect(refusal(`${HEAD}\`\`\`chart\nquery: later\nx: a\ny: b\n\`\`\`\n`)).toMatchObject({ line: 6, block: 'chart', problem: expect.stringMatching(/no query named "later"/) });
    expect(refusal(`${HEAD}\`\`\`waybill\nanalysis: kpis\nlimit: 3\n\`\`\`\n`)).toMatchObject({ line: 6, block: 'waybill block', problem: expect.stringMatching(/limit/) });
    const error = (() => {
      try {
        parseNotebook(`${HEAD}\`\`\`sql a\nSELECT 1\n\`\`\`\n\`\`\`sql a\nSELECT 2\n\`\`\`\n`, 'notebooks/t.md');
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toBe('notebooks/t.md:9 (query a): another query has this name');
  });
});

describe('a notebook’s queries', () => {
  let store: Store;
  let remove: () => void;
  beforeAll(async () => {
    let dir: string;
    ({ store, dir, remove } = await tempStore());
    await ingestFile(store, writeFixture(dir));
    await ingestFile(store, writeFixture(dir, 'other.csv', 'case_id,activity,timestamp\nSECRET,Payroll,2026-01-01T00:00:00Z\n'));
  });
  afterAll(() => remove());

  it('read the log’s events and cases, and nothing else: no other log, no table of the store, no file', async () => {
    const sandbox = await Sandbox.open(store, 'orders', ['FROM events', 'FROM cases']);
    try {
      expect((await sandbox.query('SELECT count(*) AS n, count(DISTINCT "case") AS cases FROM events', {})).rows).toEqual([[7, 3]]);
      expect((await sandbox.query(`SELECT "case", duration_seconds, start_activity, end_activity FROM cases ORDER BY "case"`, {})).rows).toEqual([
        ['A', 86400, 'Order Captured', 'Shipped'],
        ['B', 7200, 'Order Captured', 'Shipped'],
        ['C', 0, 'Order Captured', 'Order Captured'],
      ]);
      // The source's other columns come along, typed.
      expect((await sandbox.query(`SELECT amount, note FROM events WHERE "case" = 'B' AND activity = 'Shipped'`, {})).rows).toEqual([[5, 'with, comma']]);
      expect((await sandbox.query(`SELECT count(*) FROM events WHERE activity = 'Payroll'`, {})).rows).toEqual([[0]]);
      await expect(sandbox.query('SELECT * FROM users', {})).rejects.toThrow(/users does not exist/);
      await expect(sandbox.query('SELECT * FROM logs', {})).rejects.toThrow(/logs does not exist/);
      await expect(sandbox.query(`SELECT * FROM read_csv('/etc/passwd')`, {})).rejects.toThrow(/disabled by configuration/);
      for (const write of ['DROP TABLE events', 'DELETE FROM events', `COPY events TO '/tmp/x.csv'`, `ATTACH '${store.path}' AS store`, 'SET enable_external_access = true', 'CREATE TABLE x AS SELECT 1']) {
        await expect(sandbox.query(write, {}), write).rejects.toThrow('a notebook query reads only: write one SELECT (or WITH … SELECT)');
      }
      await expect(sandbox.query('SELECT 1; SELECT 2', {})).rejects.toThrow('write one query per block');
      // The parameters it names are bound, as values: never pasted into the SQL.
      expect((await sandbox.query(`SELECT count(*) FROM events WHERE "case" = $who`, { who: "A' OR '1'='1", other: 'x' })).rows).toEqual([[0]]);
      expect((await sandbox.query(`SELECT count(*) FROM events WHERE "case" = $who`, { who: 'A' })).rows).toEqual([[3]]);
    } finally {
      sandbox.close();
    }
    // The store is as it was.
    expect(await withConnection(store, (connection) => queryRow(connection, 'SELECT sum(events)::INTEGER AS n, count(*)::INTEGER AS logs FROM logs'))).toEqual({ n: 8, logs: 2 });
  });

  it('stop at their time limit', async () => {
    const sandbox = await Sandbox.open(store, 'orders', []);
    try {
      await expect(sandbox.query('SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3', {}, 1)).rejects.toThrow(/stopped after 1 s/);
      // The sandbox takes the next query.
      expect((await sandbox.query('SELECT 42 AS answer', {})).rows).toEqual([[42]]);
    } finally {
      sandbox.close();
    }
  });
});

describe('the weekly operations review on the demo', () => {
  let dir: string;
  let db: string;
  let store: Store;
  let remove: () => void;
  beforeAll(async () => {
    ({ dir, remove } = await tempStore());
    db = join(dir, 'demo.duckdb');
    copyDemoDatabase(db);
    store = await openStore(db);
  }, 180_000);
  afterAll(async () => {
    await closeStore(db);
    remove();
  });

  it('runs with its defaults: the KPIs the kpis analysis computes, and each query’s rows', async () => {
    const run = await runNotebook(store, loadNotebook('notebooks', 'weekly-operations-review'));
    expect(run.title).toBe('Weekly operations review — order-to-cash');
    expect(run.params).toEqual([
      { name: 'log', value: 'order-to-cash', default: 'order-to-cash', help: 'The order log to review' },
      { name: 'weeks', value: '6', default: '6', help: 'How many of the latest weeks the tables show' },
    ]);
    const kpis = run.blocks.find((block) => block.kind === 'analysis' && block.analysis === 'kpis');
    expect(kpis).toMatchObject({ log: 'order-to-cash', result: await (findAnalysis('kpis') as Analysis).run(store, 'order-to-cash', {}, {}) });
    const table = (name: string) => run.blocks.find((block) => block.kind === 'table' && block.name === name) as { result: { columns: { name: string }[]; rows: unknown[][] } };
    expect(table('weekly').result.rows).toHaveLength(6);
    // Weeks are days, not midnight instants; the latest six, oldest first.
    const weeks = table('weekly').result.rows.map((row) => row[0] as string);
    expect(weeks[0]).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(weeks).toEqual([...weeks].sort());
    const weeklyOrders = await withConnection(store, (connection) =>
      queryRow<{ n: number }>(connection, `SELECT count(*)::INTEGER AS n FROM cases c JOIN logs l USING (log_id) WHERE l.name = 'order-to-cash' AND date_trunc('week', c.start_ts)::DATE = $week::DATE`, { week: table('weekly').result.rows[0]![0] as string }),
    );
    expect(table('weekly').result.rows[0]![1]).toBe(weeklyOrders!.n);
    const [linesAllocated, inFull, percent] = table('allocation').result.rows[0] as number[];
    expect(linesAllocated).toBeGreaterThan(0);
    expect(percent).toBeCloseTo((100 * inFull!) / linesAllocated!, 1);
    expect(run.blocks.filter((block) => block.kind === 'chart')).toHaveLength(2);
    expect(run.blocks.some((block) => block.kind === 'analysis' && block.analysis === 'queue-aging')).toBe(true);
    // Its text is HTML with the log's name put in.
    expect(run.blocks[0]).toMatchObject({ kind: 'text', html: expect.stringContaining('<strong>order-to-cash</strong>') });
  });

  it('takes parameters, and refuses one it does not have', async () => {
    const notebook = loadNotebook('notebooks', 'weekly-operations-review');
    const run = await runNotebook(store, notebook, { params: { weeks: '2' } });
    expect((run.blocks.find((block) => block.kind === 'table' && block.name === 'weekly') as { result: { rows: unknown[] } }).result.rows).toHaveLength(2);
    await expect(runNotebook(store, notebook, { params: { week: '2' } })).rejects.toThrow('no parameter named "week"; this notebook takes log, weeks');
  });

  it('says where a query or an analysis fails: file, line and block', async () => {
    const failing = (body: string) => parseNotebook(`---\ntitle: T\nparams:\n  log: order-to-cash\n---\n${body}`, 'notebooks/broken.md');
    await expect(runNotebook(store, failing('text\n\n```sql bad\nSELECT nope FROM events\n```\n'))).rejects.toThrow(/^notebooks\/broken\.md:8 \(query bad\): .*nope/);
    await expect(runNotebook(store, failing('```waybill\nanalysis: kpi\n```\n'))).rejects.toThrow('notebooks/broken.md:6 (waybill block kpi): no analysis named "kpi"; `waybill mine --list` lists them');
    await expect(runNotebook(store, failing('```waybill\nanalysis: variants\nparams:\n  rows: 3\n```\n'))).rejects.toThrow(/^notebooks\/broken\.md:6 \(waybill block variants\): variants takes no "rows"/);
    await expect(runNotebook(store, failing('```waybill\nanalysis: kpis\nlog: nowhere\n```\n'))).rejects.toThrow(/^notebooks\/broken\.md:6 \(waybill block kpis\): .*nowhere/);
    await expect(runNotebook(store, failing('```sql q\nSELECT 1 AS a\n```\n```chart\nquery: q\nx: a\ny: b\n```\n'))).rejects.toThrow('notebooks/broken.md:9 (chart): query q has no column "b"; it has a');
  });

  it('shows markup written in its text as text, and keeps only web, mail and site links', async () => {
    const notebook = parseNotebook(`---\ntitle: T\n---\n<script>alert(1)</script>\n\n[ok](https://example.com) [bad](javascript:alert(1)) <img src=x onerror=alert(1)>\n`, 'notebooks/t.md');
    const html = ((await runNotebook(store, notebook)).blocks[0] as { html: string }).html;
    expect(html).not.toMatch(/<script|<img|javascript:/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://example.com">ok</a>');
  });

  it('renders its tables to CSV from the command line, formula cells neutralized', async () => {
    const folder = join(dir, 'notebooks');
    const out = join(dir, 'out');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'formula.md'), `---\ntitle: Formulas\nparams:\n  log: order-to-cash\n---\n\`\`\`sql cells\nSELECT '=HYPERLINK("http://evil")' AS text, 3 AS n\n\`\`\`\n`);
    await closeStore(db);
    try {
      const listed = await runWaybill(['notebook', 'list', '--notebooks', folder, '--json', '--db', db]);
      expect(JSON.parse(listed.stdout)).toEqual({ notebooks: [{ name: 'formula', title: 'Formulas', description: null, params: { log: { default: 'order-to-cash', help: null } }, problem: null }] });
      const rendered = await runWaybill(['notebook', 'render', 'formula', '--notebooks', folder, '--format', 'csv', '--out', out, '--db', db]);
      expect(rendered.code).toBe(0);
      expect(readFileSync(join(out, 'cells.csv'), 'utf8')).toBe(`text,n\r\n"'=HYPERLINK(""http://evil"")",3\r\n`);
      const review = await runWaybill(['notebook', 'render', 'weekly-operations-review', '--format', 'csv', '--out', out, '--param', 'weeks=3', '--db', db]);
      expect(review.stdout).toMatch(/wrote kpis\.csv, weekly\.csv, allocation\.csv, invoices\.csv, deductions\.csv, labour\.csv/);
      expect(readFileSync(join(out, 'weekly.csv'), 'utf8').trim().split('\r\n')).toHaveLength(4);
      const wrong = await runWaybill(['notebook', 'render', 'nope', '--format', 'csv', '--out', out, '--db', db]);
      expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('no notebook named "nope"; the notebooks are weekly-operations-review') });
    } finally {
      store = await openStore(db);
    }
    expect(listNotebooks('notebooks').map((n) => n.name)).toContain('weekly-operations-review');
    expect(notebookCsvFiles(await runNotebook(store, loadNotebook('notebooks', 'weekly-operations-review'))).map((f) => f.file)).toContain('kpis.csv');
  }, 120_000);
});
