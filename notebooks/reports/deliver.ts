import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { escapeHtml } from '../render/run.ts';
import { readSecret, type Report } from './definition.ts';

/** A file a run rendered. */
export interface RenderedFile {
  name: string;
  path: string;
  bytes: number;
}

/** What a run tells its recipients: the report, how it ended, its KPIs and its files. */
export interface RunSummary {
  report: string;
  title: string;
  run: number;
  status: 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string;
  kpis: { name: string; value: string }[];
  files: { name: string; bytes: number }[];
  error: string | null;
}

/** One delivery: where to, whether it arrived, after how many tries. */
export interface Delivery {
  kind: 'email' | 'webhook' | 'folder';
  to: string;
  ok: boolean;
  attempts: number;
  error: string | null;
}

/**
 * E-mail through the SMTP server of WAYBILL_SMTP_URL (smtp://user:pass@host:port, or
 * smtps://), from WAYBILL_SMTP_FROM: an HTML body with the KPIs, the files attached.
 */
export async function deliverEmail(report: Report, summary: RunSummary, files: RenderedFile[]): Promise<Delivery> {
  const email = report.deliver.email!;
  const to = email.to.join(', ');
  try {
    const url = process.env.WAYBILL_SMTP_URL;
    if (!url) throw new Error('WAYBILL_SMTP_URL is not set: name the SMTP server, e.g. smtp://user:password@mail.example.com:587');
    const transport = nodemailer.createTransport(url);
    try {
      await transport.sendMail({
        from: process.env.WAYBILL_SMTP_FROM ?? 'waybill@localhost',
        to: email.to,
        subject: email.subject ?? `${summary.title} (${summary.finishedAt.slice(0, 10)})`,
        text: summaryText(summary),
        html: summaryHtml(summary),
        attachments: files.map((file) => ({ filename: file.name, path: file.path })),
      });
    } finally {
      transport.close();
    }
    return { kind: 'email', to, ok: true, attempts: 1, error: null };
  } catch (error) {
    return { kind: 'email', to, ok: false, attempts: 1, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The header carrying the body's HMAC-SHA256 under the report's secret, as `sha256=<hex>`. */
export const SIGNATURE_HEADER = 'X-Waybill-Signature';

/**
 * POSTs the run's summary as JSON; with a secret, signs the exact body with HMAC-SHA256.
 * A failure (no answer, or not 2xx) is tried again after 1, 2, 4 … times `backoffMs`.
 */
export async function deliverWebhook(report: Report, summary: RunSummary, options: { tries?: number; backoffMs?: number } = {}): Promise<Delivery> {
  const hook = report.deliver.webhook!;
  const tries = options.tries ?? 4;
  const body = JSON.stringify(summary);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Waybill' };
  let error = '';
  try {
    if (hook.secret) headers[SIGNATURE_HEADER] = `sha256=${createHmac('sha256', readSecret(hook.secret)).update(body).digest('hex')}`;
  } catch (failure) {
    return { kind: 'webhook', to: hook.url, ok: false, attempts: 0, error: failure instanceof Error ? failure.message : String(failure) };
  }
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      const response = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
      if (response.ok) return { kind: 'webhook', to: hook.url, ok: true, attempts: attempt, error: null };
      error = `answered ${response.status}`;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    if (attempt < tries) await new Promise((resolve) => setTimeout(resolve, (options.backoffMs ?? 1000) * 2 ** (attempt - 1)));
  }
  return { kind: 'webhook', to: hook.url, ok: false, attempts: tries, error };
}

/** Copies the files into the folder, under `<report>/<run time>/`. */
export function deliverFolder(report: Report, summary: RunSummary, files: RenderedFile[]): Delivery {
  const folder = join(report.deliver.folder!, report.name, summary.startedAt.replace(/[:.]/g, '-'));
  try {
    mkdirSync(folder, { recursive: true });
    for (const file of files) copyFileSync(file.path, join(folder, file.name));
    return { kind: 'folder', to: folder, ok: true, attempts: 1, error: null };
  } catch (error) {
    return { kind: 'folder', to: folder, ok: false, attempts: 1, error: error instanceof Error ? error.message : String(error) };
  }
}

function summaryText(summary: RunSummary): string {
  return [summary.title, '', ...summary.kpis.map((kpi) => `${kpi.name}: ${kpi.value}`), '', `Attached: ${summary.files.map((f) => f.name).join(', ')}`].join('\n');
}

function summaryHtml(summary: RunSummary): string {
  const rows = summary.kpis.map((kpi) => `<tr><th align="left">${escapeHtml(kpi.name)}</th><td align="right">${escapeHtml(kpi.value)}</td></tr>`).join('');
  return `<h1>${escapeHtml(summary.title)}</h1>${rows ? `<table cellpadding="4">${rows}</table>` : ''}<p>Attached: ${summary.files.map((f) => escapeHtml(f.name)).join(', ')}</p>`;
}
