import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { IngestError, type RemedyWording } from '../errors.ts';
import { logNameProblem } from '../loads.ts';
import { isTimeZone } from '../infer/timestamp-sql.ts';

/**
 * Job files: one JSON file per job in a jobs folder (`--jobs DIR`, then
 * `WAYBILL_JOBS`, default `./jobs`); the job's name is the file's name without
 * `.json`. Every file is checked against the schema below before any job runs,
 * and every problem is reported with its file and JSON path.
 */

export const DEFAULT_JOBS_DIR = './jobs';

/** The jobs folder chosen by `--jobs`, then `WAYBILL_JOBS`, then `./jobs`. */
export function resolveJobsDir(explicit?: string): string {
  return resolve(explicit ?? process.env.WAYBILL_JOBS ?? DEFAULT_JOBS_DIR);
}

/** The placeholder a postgres job's query must contain; it is replaced by the watermark as a quoted literal. */
export const WATERMARK_PLACEHOLDER = '{{watermark}}';

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const text = (what: string) => z.string({ error: `expected ${what} (a string)` }).trim().min(1, { error: `expected ${what}, not an empty string` });

const cronExpression = z.string({ error: 'expected a cron expression (a string such as "*/5 * * * *")' }).superRefine((pattern, ctx) => {
  const problem = cronProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(pattern)} is not a cron expression: ${problem}` });
});

const timezone = z.string({ error: 'expected an IANA time zone name such as "Europe/Berlin"' }).refine(isTimeZone, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone name such as "Europe/Berlin" or "UTC"`,
});

const mapping = z.strictObject(
  {
    case: text('the case column').optional(),
    activity: text('the activity column').optional(),
    timestamp: text('the timestamp column').optional(),
    resource: text('the resource column').optional(),
    lifecycle: text('the lifecycle column').optional(),
  },
  { error: 'expected an object naming source columns, such as { "case": "order_no", "activity": "step", "timestamp": "happened_at" }' },
);

const common = {
  description: z.string({ error: 'expected a string' }).optional(),
  /** The log the job loads into (appending; created by the first run). */
  log: text('the name of the log to load into').superRefine((name, ctx) => {
    // An empty name is text()'s to report.
    const problem = name === '' ? undefined : logNameProblem(name, 'append');
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Run on this cron expression under `waybill schedule` (5 fields, or 6 with seconds first). */
  schedule: cronExpression.optional(),
  /** The time zone the schedule is read in; default the machine's. */
  timezone: timezone.optional(),
  /** Source columns for the case, activity, timestamp, resource and lifecycle; unnamed roles are recognized as by `waybill ingest`. */
  mapping: mapping.optional(),
  /** Rows without case, activity or readable timestamp: fail the run (default) or load the rest and quarantine them. */
  onBadRows: z.enum(['reject', 'quarantine'], { error: 'expected "reject" or "quarantine"' }).optional(),
};

const postgresJob = z.strictObject({
  kind: z.literal('postgres'),
  ...common,
  connection: z.strictObject(
    {
      /** A host name, or the folder of the server's Unix socket (a path starting with "/"). */
      host: text('a host name or a Unix socket folder'),
      port: z.int({ error: 'expected a port number' }).min(1, { error: 'expected a port number from 1 to 65535' }).max(65535, { error: 'expected a port number from 1 to 65535' }).optional(),
      database: text('the database name'),
      user: text('the user name'),
      /** The name of the environment variable that holds the password; a password itself never goes in a job file. */
      passwordEnv: z
        .string({ error: 'expected the name of an environment variable' })
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected the name of an environment variable (letters, digits and _), not a password' })
        .optional(),
      /** Connect with TLS, verifying the server's certificate. */
      ssl: z.boolean({ error: 'expected true or false' }).optional(),
    },
    { error: 'expected an object { host, port, database, user, passwordEnv }' },
  ),
  /** The query; it must contain {{watermark}}, as in `WHERE updated_at >= {{watermark}}`. */
  query: text('a SQL query').refine((query) => query.includes(WATERMARK_PLACEHOLDER), {
    error: `expected the query to contain ${WATERMARK_PLACEHOLDER}, as in "WHERE updated_at >= ${WATERMARK_PLACEHOLDER}": it is replaced by the last watermark`,
  }),
  watermark: z.strictObject(
    {
      /** A column of the query's result; the run's new watermark is its largest value among the rows pulled. */
      column: text('the watermark column'),
      /** The watermark of the first run, as PostgreSQL reads a literal of the column's type (e.g. "1970-01-01 00:00:00+00" or "0"). */
      initial: z.string({ error: 'expected the first run\'s watermark as a string, such as "1970-01-01 00:00:00+00" or "0"' }),
    },
    { error: 'expected an object { column, initial }' },
  ),
});

const folderJob = z.strictObject({
  kind: z.literal('folder'),
  ...common,
  /** The drop folder; relative paths are read from the job file's folder. */
  path: text('the drop folder'),
  /** File names to pick up: `*` matches any run of characters, `?` one; default "*.csv". */
  pattern: text('a file name pattern such as "*.csv"').optional(),
  /** Files modified less than this many seconds ago may still be being written and wait for the next run; default 10. */
  settleSeconds: z.number({ error: 'expected a number of seconds' }).min(0, { error: 'expected a number of seconds, 0 or more' }).optional(),
});

const jobFile = z.discriminatedUnion('kind', [postgresJob, folderJob], {
  error: (issue) => (issue.code === 'invalid_union' ? 'expected "postgres" or "folder"' : 'expected an object with "kind": "postgres" or "folder"'),
});

type JobFile = z.infer<typeof jobFile>;
type Defined = { name: string; file: string };
export type PostgresJob = Extract<JobFile, { kind: 'postgres' }> & Defined;
export type FolderJob = Extract<JobFile, { kind: 'folder' }> & Defined & { folder: string };
/** A validated job: its file's content plus its name (the file name) and file path. */
export type Job = PostgresJob | FolderJob;
export type JobKind = Job['kind'];

/** Job files that do not pass validation: one line per problem, each naming the file and the JSON path. */
export class JobFileError extends Error {
  override name = 'JobFileError';
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems in job files:\n  ${problems.join('\n  ')}`);
  }
}

/** No job of this name is defined. */
export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
}

/** Why a cron expression is not one croner accepts, or undefined when it is. */
export function cronProblem(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true });
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '');
  }
}

/** Parses and validates one job file's text; `file` is the path used in messages. */
export function parseJob(file: string, content: string, shownAs = file): Job {
  const name = basename(file).replace(/\.json$/i, '');
  if (!JOB_NAME.test(name)) {
    throw new JobFileError([`${shownAs}: the job's name comes from the file name and must be letters, digits, ".", "_" and "-" (starting with a letter or digit), not ${JSON.stringify(name)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new JobFileError([`${shownAs}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = jobFile.safeParse(json);
  if (!parsed.success) {
    throw new JobFileError(parsed.error.issues.map((issue) => `${shownAs}: ${describeIssue(issue, json)}`));
  }
  const job = parsed.data;
  if (job.kind === 'folder') return { ...job, name, file: resolve(file), folder: resolve(resolve(file, '..'), job.path) };
  return { ...job, name, file: resolve(file) };
}

/** "path: message", with the JSON path written as `connection.port` or `(top level)`. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length === 0 ? '' : `${formatPath(issue.path)}: `;
    const hint = issue.path.at(-1) === 'connection' && issue.keys.includes('password') ? ': a password never goes in a job file; put it in an environment variable and name that in "passwordEnv"' : '';
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${hint}`;
  }
  // A missing key reads better as "is required" than as a type complaint about undefined.
  const missing = issue.path.length > 0 && valueAt(input, issue.path) === undefined;
  const message = missing && issue.code === 'invalid_type' ? `is required: ${issue.message}` : issue.message;
  return `${issue.path.length === 0 ? '(top level)' : formatPath(issue.path)}: ${message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/**
 * Reads and validates every `*.json` file in the jobs folder, sorted by name.
 * Any invalid file fails the whole call, listing every problem in every file, so
 * a broken job is noticed rather than silently skipped. A missing folder holds no jobs.
 */
export function loadJobs(dir: string): Job[] {
  const folder = resolve(dir);
  if (!existsSync(folder)) return [];
  if (!statSync(folder).isDirectory()) throw new JobFileError([`${dir}: the jobs folder is a file, not a folder`]);
  const jobs: Job[] = [];
  const problems: string[] = [];
  const files = readdirSync(folder)
    .filter((entry) => entry.toLowerCase().endsWith('.json') && !entry.startsWith('.'))
    .sort();
  for (const entry of files) {
    const path = join(folder, entry);
    if (!statSync(path).isFile()) continue;
    try {
      jobs.push(parseJob(path, readFileSync(path, 'utf8'), displayPath(path)));
    } catch (error) {
      if (!(error instanceof JobFileError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new JobFileError(problems);
  return jobs;
}

/** Finds one job by name among the jobs folder's, with the names there listed if it is not one. */
export function findJob(jobs: readonly Job[], name: string, dir: string): Job {
  const job = jobs.find((j) => j.name === name);
  if (job) return job;
  const known = jobs.length === 0 ? `${displayPath(dir)} holds no job files (*.json)` : `the jobs in ${displayPath(dir)} are ${jobs.map((j) => j.name).join(', ')}`;
  throw new UnknownJobError(`no job named ${JSON.stringify(name)}: ${known}`);
}

/** A job's words for what to change: its options are keys of its file, not CLI flags. */
export const JOB_FILE: RemedyWording = (remedy) => {
  switch (remedy.option) {
    case 'onBadRows':
      return 'set "onBadRows": "quarantine" in the job file to load the good rows and keep these aside';
    case 'mode':
    case 'name':
      return 'load into another log: change "log" in the job file';
    case 'mapping':
      return `name the ${remedy.roles.join(', ')} column${remedy.roles.length === 1 ? '' : 's'} in the job file's "mapping"`;
  }
};

/** A failed run's or file's reason: an ingest problem in the job's words, anything else as it is. */
export function jobMessage(error: unknown): string {
  return error instanceof IngestError ? error.describe(JOB_FILE) : error instanceof Error ? error.message : String(error);
}

/** A path as the user most likely typed it: relative to the working folder when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
