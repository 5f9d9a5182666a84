import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatKpiValue } from '../../mining/format.ts';
import { recordAudit, type Actor } from '../../store/audit.ts';
import { queryRow, queryRows, withConnection, type Store } from '../../store/db.ts';
import { notebookCsvFiles, loadNotebook } from '../render/files.ts';
import { interpolate, runNotebook } from '../render/run.ts';
import type { Paper } from '../render/document.ts';
import type { Report } from './definition.ts';
import { deliverEmail, deliverFolder, deliverWebhook, type Delivery, type RenderedFile, type RunSummary } from './deliver.ts';

/** Renders a notebook's page to a file's bytes (HTML or PDF): Chromium on a Waybill serving the store. */
export type PageRenderer = (request: { name: string; params: Record<string, string>; format: 'html' | 'pdf'; paper: Paper }) => Promise<Buffer>;

export interface ReportContext {
  store: Store;
  notebooksDir: string;
  /** Where each run's files are kept: `<outputDir>/<report>/<run id>/`. */
  outputDir: string;
  render: PageRenderer;
  actor: Actor;
  /** For tests: the webhook's tries and pause. */
  webhook?: { tries?: number; backoffMs?: number };
}

/** A run of a report as its history shows it. */
export interface ReportRun {
  run: number;
  report: string;
  notebook: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
  outputBytes: number | null;
  files: { name: string; bytes: number }[];
  deliveries: Delivery[];
}

/**
 * Runs a report once: renders its notebook with its parameters in each of its formats,
 * keeps the files, delivers them (e-mail, webhook, folder) and records the run: start,
 * end, status, error, output size and each delivery. A run whose notebook fails, or
 * one of whose deliveries fails, is `failed` with the reason; the others still go out.
 */
export async function runReport(context: ReportContext, report: Report, trigger: 'manual' | 'schedule'): Promise<ReportRun> {
  const startedAt = new Date().toISOString();
  const run = await withConnection(context.store, async (connection) => {
    const row = await queryRow<{ id: number }>(connection, `SELECT nextval('report_run_id_seq')::INTEGER AS id`);
    await connection.run(`INSERT INTO report_runs (run_id, report, notebook, trigger, started_at, status) VALUES ($id, $report, $notebook, $trigger, $at::TIMESTAMPTZ, 'running')`, {
      id: row!.id,
      report: report.name,
      notebook: report.notebook,
      trigger,
      at: startedAt,
    });
    return row!.id;
  });
  const folder = join(context.outputDir, report.name, String(run));
  const files: RenderedFile[] = [];
  const deliveries: Delivery[] = [];
  let error: string | null = null;
  let title = report.title ?? report.notebook;
  let kpis: RunSummary['kpis'] = [];
  try {
    const notebook = loadNotebook(context.notebooksDir, report.notebook);
    const ran = await runNotebook(context.store, notebook, { params: report.params });
    title = report.title ?? ran.title;
    kpis = ran.blocks.flatMap((block) =>
      block.kind === 'analysis' && block.analysis === 'kpis'
        ? (block.result as { kpis: { name: string; value: number | null; unit: string; computable: boolean; reason: string | null }[] }).kpis.map((kpi) => ({ name: kpi.name, value: formatKpiValue(kpi) ?? kpi.reason ?? 'not computable' }))
        : [],
    );
    mkdirSync(folder, { recursive: true });
    const keep = (name: string, bytes: Buffer | string) => {
      const path = join(folder, name);
      writeFileSync(path, bytes);
      files.push({ name, path, bytes: Buffer.byteLength(bytes) });
    };
    for (const format of report.formats) {
      if (format === 'csv') for (const { file, csv } of notebookCsvFiles(ran)) keep(file, csv);
      else keep(`${report.notebook}.${format}`, await context.render({ name: report.notebook, params: report.params, format, paper: report.paper }));
    }
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  // What recipients are told: how the rendering went (a delivery's own failure is the run's, below).
  const summary: RunSummary = {
    report: report.name,
    title: interpolate(title, report.params),
    run,
    status: error === null ? 'succeeded' : 'failed',
    startedAt,
    finishedAt: new Date().toISOString(),
    kpis,
    files: files.map(({ name, bytes }) => ({ name, bytes })),
    error,
  };
  // A run that could not render still tells the webhook; mail and folder need its files.
  if (error === null && report.deliver.email) deliveries.push(await deliverEmail(report, summary, files));
  if (report.deliver.webhook) deliveries.push(await deliverWebhook(report, summary, context.webhook));
  if (error === null && report.deliver.folder) deliveries.push(deliverFolder(report, summary, files));
  const failed = deliveries.filter((delivery) => !delivery.ok);
  if (error === null && failed.length > 0) error = failed.map((delivery) => `${delivery.kind} to ${delivery.to}: ${delivery.error}`).join('; ');
  const finishedAt = new Date().toISOString();
  const outputBytes = files.reduce((n, file) => n + file.bytes, 0);
  await withConnection(context.store, async (connection) => {
    await connection.run(
      `UPDATE report_runs SET finished_at = $at::TIMESTAMPTZ, status = $status, error = $error, output_bytes = $bytes, files = $files::JSON, deliveries = $deliveries::JSON WHERE run_id = $id`,
      { id: run, at: finishedAt, status: error === null ? 'succeeded' : 'failed', error, bytes: outputBytes, files: JSON.stringify(summary.files), deliveries: JSON.stringify(deliveries) },
    );
    if (deliveries.some((delivery) => delivery.ok)) {
      await recordAudit(connection, context.actor, 'report sent', null, `${report.name} run ${run}: ${deliveries.filter((d) => d.ok).map((d) => `${d.kind} to ${d.to}`).join('; ')}`);
    }
  });
  return (await reportRuns(context.store, { run }))[0]!;
}

/** The runs of the reports, newest first: of one report, or one run, at most `limit`. */
export async function reportRuns(store: Store, options: { report?: string; run?: number; limit?: number } = {}): Promise<ReportRun[]> {
  const rows = await withConnection(store, (connection) =>
    queryRows<Record<string, string | number | null>>(
      connection,
      `SELECT run_id AS run, report, notebook, trigger,
         strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "startedAt", strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "finishedAt",
         status, error, output_bytes AS "outputBytes", files::VARCHAR AS files, deliveries::VARCHAR AS deliveries
       FROM report_runs
       WHERE ($report::VARCHAR IS NULL OR report = $report::VARCHAR) AND ($run::INTEGER IS NULL OR run_id = $run::INTEGER)
       ORDER BY run_id DESC LIMIT $limit`,
      { report: options.report ?? null, run: options.run ?? null, limit: options.limit ?? 50 },
    ),
  );
  return rows.map((row) => ({
    ...(row as unknown as ReportRun),
    files: row.files === null ? [] : (JSON.parse(String(row.files)) as ReportRun['files']),
    deliveries: row.deliveries === null ? [] : (JSON.parse(String(row.deliveries)) as Delivery[]),
  }));
}

/**
 * Marks the runs a stopped process left unfinished as failed, with why. Called where runs
 * start or are listed; only one process holds the store, so none of them is still going.
 */
export async function endInterruptedRuns(store: Store): Promise<void> {
  await withConnection(store, (connection) =>
    connection.run(`UPDATE report_runs SET status = 'failed', error = 'stopped before it finished (the server was stopped or restarted)' WHERE status = 'running'`).then(() => undefined),
  );
}
