import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { cronProblem } from '../../ingest/jobs/definition.ts';
import { PAPERS } from '../render/document.ts';

/** The reports folder: WAYBILL_REPORTS, else ./reports; one JSON file per report. */
export function reportsDir(explicit?: string): string {
  return resolve(explicit ?? process.env.WAYBILL_REPORTS ?? 'reports');
}

export const REPORT_FORMATS = ['pdf', 'html', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A secret named, never written: `env:NAME` reads the environment, `file:PATH` a file's first line. */
const Secret = z.string().regex(/^(env|file):.+$/, 'name a secret as env:NAME or file:PATH, never the secret itself');

const Report = z.strictObject({
  /** The notebook it renders (its name in the notebooks folder). */
  notebook: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a notebook name'),
  title: z.string().optional(),
  /** The notebook's parameters for this report; the others keep their defaults. */
  params: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  /** When it runs in `waybill serve --schedule` (cron, 5 or 6 fields); without one it runs only when asked. */
  schedule: z
    .string()
    .superRefine((pattern, ctx) => {
      const problem = cronProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(pattern)} is not a cron expression: ${problem}` });
    })
    .optional(),
  timezone: z.string().optional(),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).default(['pdf', 'csv']),
  paper: z.enum(PAPERS).default('A4'),
  deliver: z
    .strictObject({
      /** Mail through the SMTP server of WAYBILL_SMTP_URL, from WAYBILL_SMTP_FROM. */
      email: z.strictObject({ to: z.array(z.email()).min(1), subject: z.string().optional() }).optional(),
      /** A JSON summary POSTed here, signed with HMAC-SHA256 of the body when a secret is named. */
      webhook: z.strictObject({ url: z.url({ protocol: /^https?$/ }), secret: Secret.optional() }).optional(),
      /** The rendered files copied into this folder, under the report's name and the run's time. */
      folder: z.string().min(1).optional(),
    })
    .default({}),
});
export type Report = z.infer<typeof Report> & { name: string };

/** A report file that cannot be read: its file and what is wrong. */
export class ReportFileError extends Error {
  override name = 'ReportFileError';
}

export class UnknownReportError extends Error {
  override name = 'UnknownReportError';
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** Every report of the folder, by name (its file's name without .json). */
export function loadReports(dir: string): Report[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && NAME.test(file.slice(0, -5)))
    .sort()
    .map((file) => parseReport(file.slice(0, -5), readFileSync(join(dir, file), 'utf8'), `reports/${file}`));
}

export function findReport(dir: string, name: string): Report {
  const report = loadReports(dir).find((candidate) => candidate.name === name);
  if (!report) throw new UnknownReportError(`no report named ${JSON.stringify(name)}; the reports are ${loadReports(dir).map((r) => r.name).join(', ') || 'none'} (one JSON file each in the reports folder)`);
  return report;
}

export function parseReport(name: string, text: string, file: string): Report {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReportFileError(`${file}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = Report.safeParse(json);
  if (!parsed.success) throw new ReportFileError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'report'}: ${issue.message}`).join('; ')}`);
  return { ...parsed.data, name };
}

/** The secret a report names: from the environment or a file; an error naming which, never the value. */
export function readSecret(reference: string): string {
  const [kind, ...rest] = reference.split(':');
  const where = rest.join(':');
  const value = kind === 'env' ? process.env[where] : existsSync(where) ? readFileSync(where, 'utf8').split(/\r?\n/)[0] : undefined;
  if (!value) throw new ReportFileError(`the secret ${reference} is not set`);
  return value;
}
