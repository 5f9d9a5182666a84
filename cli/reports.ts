import { dirname, join, resolve } from 'node:path';
import { openStore } from '../mining/index.ts';
import { notebooksDir } from '../notebooks/render/files.ts';
import { Cron } from 'croner';
import { notebookDocument } from '../notebooks/render/document.ts';
import { findReport, loadReports, reportsDir, type Report } from '../notebooks/reports/definition.ts';
import { endInterruptedRuns, reportRuns, runReport, type ReportRun } from '../notebooks/reports/run.ts';
import { renderThroughPage } from './notebooks.ts';
import { formatTable, when } from './table.ts';

export interface ReportContext {
  dbPath: string;
  reports?: string;
  notebooks?: string;
  json: boolean;
  limit?: number;
  usage: (message: string) => Error;
}

/** Where report runs keep their files: `report-runs/` beside the database. */
export function reportOutputDir(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'report-runs');
}

/** `waybill report list | run NAME | history [NAME]`. */
export async function reportCommand(args: string[], context: ReportContext): Promise<void> {
  const [action, name, ...rest] = args;
  if (rest.length > 0) throw context.usage(`report ${action} takes at most one name`);
  const dir = reportsDir(context.reports);
  if (action === 'list') {
    const reports = loadReports(dir);
    if (context.json) console.log(JSON.stringify({ reports }));
    else if (reports.length === 0) console.log(`No reports in ${dir}: add one JSON file per report (see notebooks/README.md).`);
    else console.log(formatTable(['report', 'notebook', 'schedule', 'formats', 'delivers to'], reports.map((r) => [r.name, r.notebook, r.schedule ?? 'when run', r.formats.join(', '), Object.keys(r.deliver).join(', ') || 'kept only'])));
    return;
  }
  if (action === 'run') {
    if (name === undefined) throw context.usage('report run needs the report’s name (`waybill report list` lists them)');
    const report = findReport(dir, name);
    await endInterruptedRuns(await openStore(context.dbPath));
    const notebooks = notebooksDir(context.notebooks);
    const run = await runReport(
      {
        store: await openStore(context.dbPath),
        notebooksDir: notebooks,
        outputDir: reportOutputDir(context.dbPath),
        render: (request) => renderThroughPage(context.dbPath, notebooks, request),
        actor: { name: process.env.USER ?? 'cli', via: 'cli' },
      },
      report,
      'manual',
    );
    if (context.json) console.log(JSON.stringify(run));
    else printRuns([run]);
    if (run.status === 'failed') process.exitCode = 1;
    return;
  }
  if (action === 'history') {
    const store = await openStore(context.dbPath);
    await endInterruptedRuns(store);
    const runs = await reportRuns(store, { report: name, limit: context.limit });
    if (context.json) console.log(JSON.stringify({ runs }));
    else if (runs.length === 0) console.log('No report has run yet.');
    else printRuns(runs);
    return;
  }
  throw context.usage('report takes list, run NAME or history [NAME]');
}

function printRuns(runs: ReportRun[]): void {
  console.log(
    formatTable(
      ['run', 'report', 'trigger', 'started', 'finished', 'status', 'bytes', 'delivered', 'error'],
      runs.map((run) => [
        String(run.run),
        run.report,
        run.trigger,
        when(run.startedAt),
        run.finishedAt === null ? '' : when(run.finishedAt),
        run.status,
        (run.outputBytes ?? 0).toLocaleString('en-US'),
        run.deliveries.map((d) => `${d.kind}${d.ok ? '' : ' (failed)'}`).join(', '),
        run.error ?? '',
      ]),
    ),
  );
}

/** The reports of the reports folder that have a schedule. */
export function scheduledReports(): Report[] {
  return loadReports(reportsDir()).filter((report) => report.schedule !== undefined);
}

/**
 * Runs each scheduled report on its cron in this process (`waybill serve --schedule`),
 * never two runs of one report at once. Its pages are printed by Chromium from this
 * server itself, at `baseUrl`, with `token`.
 */
export async function startReportSchedule(dbPath: string, reports: Report[], baseUrl: string, token: string): Promise<{ stop: () => void }> {
  const notebooks = notebooksDir();
  await endInterruptedRuns(await openStore(dbPath));
  const crons = reports.map(
    (report) =>
      new Cron(report.schedule!, { timezone: report.timezone, protect: true, catch: (error) => logLine(`${report.name}: report could not run: ${error instanceof Error ? error.message : String(error)}`) }, async () => {
        logLine(`${report.name}: report started`);
        const run = await runReport(
          {
            store: await openStore(dbPath),
            notebooksDir: notebooks,
            outputDir: reportOutputDir(dbPath),
            render: (request) => notebookDocument({ ...request, baseUrl, token }),
            actor: { name: `report ${report.name}`, via: 'schedule' },
          },
          report,
          'schedule',
        );
        logLine(`${report.name}: report run ${run.run} ${run.status}, ${(run.outputBytes ?? 0).toLocaleString('en-US')} bytes${run.error ? `: ${run.error}` : ''}`);
      }),
  );
  console.log(`Scheduling ${reports.length} report${reports.length === 1 ? '' : 's'}:`);
  console.log(formatTable(['report', 'notebook', 'schedule', 'next run'], reports.map((report, i) => [report.name, report.notebook, report.schedule!, crons[i]!.nextRun()?.toISOString() ?? '–'])));
  return { stop: () => crons.forEach((cron) => cron.stop()) };
}

function logLine(line: string): void {
  console.log(`${new Date().toISOString()} ${line}`);
}
