import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoDatabase } from '../../test-support/demo-database.ts';
import { listAudit } from '../../store/audit.ts';
import { closeStore, openStore, type Store } from '../../store/db.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { waybill } from '../../test-support/waybill-cli.ts';
import { parseReport } from './definition.ts';
import { SIGNATURE_HEADER } from './deliver.ts';
import { reportRuns, runReport, type ReportContext } from './run.ts';

// A report delivered for real: e-mail to an SMTP server run in the test (smtp-server),
// its message parsed back (mailparser); a webhook to a local HTTP server that fails
// twice first; a folder.
let dir: string;
let db: string;
let remove: () => void;
const mails: ParsedMail[] = [];
let smtp: SMTPServer;
let smtpPort: number;
let hook: Server;
let hookUrl: string;
/** What the webhook got: each attempt's status answered, and the body and signature of the last. */
const hookCalls: { status: number; body: string; signature: string | undefined }[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  ({ dir, remove } = await tempStore('waybill-reports-'));
  db = join(dir, 'demo.duckdb');
  copyDemoDatabase(db);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        done();
      }, done);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = failuresLeft-- > 0 ? 500 : 200;
      hookCalls.push({ status, body, signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/waybill`;
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => smtp.close(resolve));
  await new Promise((resolve) => hook.close(resolve));
  remove();
});

const SECRET = 'a webhook secret of the test';

describe('a scheduled report, run now', () => {
  it('renders the weekly review as PDF and CSV, mails it, signs it to a webhook that fails twice first, copies it to a folder, and records the run', async () => {
    const reports = join(dir, 'reports');
    const folder = join(dir, 'shared-drive');
    mkdirSync(reports, { recursive: true });
    writeFileSync(
      join(reports, 'weekly.json'),
      JSON.stringify({
        notebook: 'weekly-operations-review',
        params: { weeks: 4 },
        schedule: '0 7 * * MON',
        formats: ['pdf', 'csv'],
        deliver: { email: { to: ['ops@example.com', 'cfo@example.com'] }, webhook: { url: hookUrl, secret: 'env:TEST_HOOK_SECRET' }, folder },
      }),
    );
    failuresLeft = 2;
    const env = { WAYBILL_REPORTS: reports, WAYBILL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, WAYBILL_SMTP_FROM: 'waybill@example.com', TEST_HOOK_SECRET: SECRET };
    const listed = await waybill(['report', 'list', '--db', db], env);
    expect(listed.stdout).toMatch(/weekly\s+weekly-operations-review\s+0 7 \* \* MON\s+pdf, csv\s+email, webhook, folder/);
    const ran = await waybill(['report', 'run', 'weekly', '--json', '--db', db], env);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const run = JSON.parse(ran.stdout) as { run: number; status: string; outputBytes: number; files: { name: string; bytes: number }[]; deliveries: { kind: string; ok: boolean; attempts: number }[] };
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual', report: 'weekly' });
    expect(run.files.map((file) => file.name)).toEqual(['weekly-operations-review.pdf', 'kpis.csv', 'weekly.csv', 'allocation.csv', 'invoices.csv', 'deductions.csv', 'labour.csv']);
    expect(run.outputBytes).toBe(run.files.reduce((n, file) => n + file.bytes, 0));
    expect(run.deliveries.map((d) => [d.kind, d.ok, d.attempts])).toEqual([
      ['email', true, 1],
      ['webhook', true, 3],
      ['folder', true, 1],
    ]);

    // The mail: to both, an HTML body with the KPIs, the PDF and every CSV attached.
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.from?.text).toBe('waybill@example.com');
    expect((Array.isArray(mail.to) ? mail.to : [mail.to]).map((to) => to?.text).join(', ')).toBe('ops@example.com, cfo@example.com');
    expect(mail.subject).toMatch(/^Weekly operations review — order-to-cash \(\d{4}-\d\d-\d\d\)$/);
    expect(mail.html).toContain('<th align="left">Touchless order rate</th><td align="right">41.3%</td>');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toContainEqual(['weekly-operations-review.pdf', 'application/pdf']);
    expect(mail.attachments.find((a) => a.filename === 'weekly.csv')!.content.toString().split('\r\n')[0]).toBe('week,orders,median_days,p90_days');
    expect(mail.attachments.find((a) => a.filename === 'weekly-operations-review.pdf')!.content.subarray(0, 5).toString()).toBe('%PDF-');

    // The webhook: two 500s, then the summary, signed over its exact bytes.
    expect(hookCalls.map((call) => call.status)).toEqual([500, 500, 200]);
    const last = hookCalls.at(-1)!;
    expect(last.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(last.body).digest('hex')}`);
    expect(JSON.parse(last.body)).toMatchObject({ report: 'weekly', run: run.run, status: 'succeeded', kpis: expect.arrayContaining([{ name: 'Fill rate', value: '88.7%' }]) });

    // The folder, and the history in the CLI.
    const copied = join(folder, 'weekly');
    expect(readdirSync(join(copied, readdirSync(copied)[0]!)).sort()).toEqual(run.files.map((f) => f.name).sort());
    const history = await waybill(['report', 'history', 'weekly', '--db', db], env);
    expect(history.stdout).toMatch(new RegExp(`${run.run}\\s+weekly\\s+manual\\s+.*succeeded\\s+[\\d,]+\\s+email, webhook, folder`));
    const store = await openStore(db);
    try {
      expect((await listAudit(store, {})).some((entry) => entry.action === 'report sent' && entry.detail.startsWith(`weekly run ${run.run}: email to ops@example.com, cfo@example.com; webhook to ${hookUrl}`))).toBe(true);
    } finally {
      await closeStore(db);
    }
  }, 180_000);
});

describe('a report that cannot be delivered', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(db);
  });
  afterAll(() => closeStore(db));

  const context = (): ReportContext => ({
    store,
    notebooksDir: 'notebooks',
    outputDir: join(dir, 'runs'),
    render: () => Promise.reject(new Error('not rendered in this test')),
    actor: { name: 'test', via: 'schedule' },
    webhook: { tries: 3, backoffMs: 5 },
  });

  it('is recorded as failed with why, after the webhook’s tries, and the other deliveries still go out', async () => {
    failuresLeft = 10;
    hookCalls.length = 0;
    const report = parseReport('csv-only', JSON.stringify({ notebook: 'weekly-operations-review', formats: ['csv'], deliver: { webhook: { url: hookUrl }, folder: join(dir, 'drop') } }), 'reports/csv-only.json');
    const run = await runReport(context(), report, 'schedule');
    expect(run).toMatchObject({ status: 'failed', trigger: 'schedule', error: `webhook to ${hookUrl}: answered 500` });
    expect(run.deliveries.map((d) => [d.kind, d.ok, d.attempts])).toEqual([
      ['webhook', false, 3],
      ['folder', true, 1],
    ]);
    expect(hookCalls.map((call) => call.status)).toEqual([500, 500, 500]);
    // Unsigned without a secret.
    expect(hookCalls[0]!.signature).toBeUndefined();
    expect((await reportRuns(store, { report: 'csv-only' }))[0]).toEqual(run);
  });

  it('says why a notebook that fails did not render, and still tells the webhook', async () => {
    failuresLeft = 0;
    hookCalls.length = 0;
    const report = parseReport('broken', JSON.stringify({ notebook: 'weekly-operations-review', params: { weeks: 'many' }, formats: ['csv'], deliver: { webhook: { url: hookUrl } } }), 'reports/broken.json');
    const run = await runReport(context(), report, 'manual');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^notebooks\/weekly-operations-review\.md:\d+ \(query weekly\): .*many/);
    expect(run.files).toEqual([]);
    expect(JSON.parse(hookCalls[0]!.body)).toMatchObject({ status: 'failed', error: run.error });
  });

  it('refuses report files with a secret written in, a bad schedule or an unknown field, naming the file', () => {
    const bad = (report: object) => () => parseReport('r', JSON.stringify({ notebook: 'n', ...report }), 'reports/r.json');
    expect(bad({ deliver: { webhook: { url: 'https://example.com/x', secret: 'hunter2' } } })).toThrow(/^reports\/r\.json: deliver\.webhook\.secret: name a secret as env:NAME or file:PATH/);
    expect(bad({ schedule: 'every monday' })).toThrow(/^reports\/r\.json: schedule: "every monday" is not a cron expression/);
    expect(bad({ recipients: ['x@example.com'] })).toThrow(/^reports\/r\.json: .*recipients/);
    expect(bad({ deliver: { email: { to: ['not an address'] } } })).toThrow(/^reports\/r\.json: deliver\.email\.to\.0/);
    expect(readFileSync('notebooks/weekly-operations-review.md', 'utf8')).toContain('title:');
  });
});
