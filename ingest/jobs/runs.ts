import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows, withConnection, type Store } from '../../store/db.ts';
import { jobActor, recordAudit } from '../../store/audit.ts';
import type { Job, JobKind } from './definition.ts';

/** How a run ended; `running` while it runs (or if its process died before it ended). */
export type RunStatus = 'running' | 'succeeded' | 'failed';
/** What started a run: `waybill jobs run` (or the API) or `waybill schedule`. */
export type RunTrigger = 'manual' | 'schedule';

/**
 * One run of a job, as the run history keeps it. Rows read, events added,
 * duplicates skipped and quarantined rows sum over the run's loads; `filesLoaded`
 * and `filesFailed` are counted for folder jobs only (null for postgres jobs);
 * `watermark` is the job's watermark after the run (postgres jobs only).
 */
export type JobRun = {
  runId: number;
  job: string;
  kind: JobKind;
  log: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  rowsRead: number | null;
  eventsAdded: number | null;
  duplicatesSkipped: number | null;
  quarantined: number | null;
  filesLoaded: number | null;
  filesFailed: number | null;
  watermark: string | null;
  error: string | null;
};

/** What a finished run reports to the history. */
export interface RunOutcome {
  status: 'succeeded' | 'failed';
  rowsRead: number;
  eventsAdded: number;
  duplicatesSkipped: number;
  quarantined: number;
  filesLoaded: number | null;
  filesFailed: number | null;
  watermark: string | null;
  error: string | null;
}

/** What a job's pull did, before it is recorded as a run. */
export type PullResult = Omit<RunOutcome, 'status' | 'error'>;

const RUN_COLUMNS = `
  run_id AS "runId", job, kind, log, trigger, status,
  started_at AS "startedAt", finished_at AS "finishedAt",
  rows_read AS "rowsRead", events_added AS "eventsAdded", duplicates_skipped AS "duplicatesSkipped",
  quarantined, files_loaded AS "filesLoaded", files_failed AS "filesFailed", watermark, error`;

/**
 * Records that a run of `job` starts, in its own committed statement, so the run
 * is in the history even if the load fails or the process dies. Runs of this job
 * still marked running are from a process that died (DuckDB lets one process at a
 * time open the file, and this process runs a job once at a time): they are marked failed.
 */
export async function startRun(store: Store, job: Job, trigger: RunTrigger): Promise<number> {
  return withConnection(store, async (connection) => {
    await connection.run(
      `UPDATE job_runs SET status = 'failed', error = 'interrupted: the process running it stopped before the run ended'
       WHERE job = $job AND status = 'running'`,
      { job: job.name },
    );
    const runId = (await queryRow<{ id: number }>(connection, `SELECT nextval('job_run_id_seq')::INTEGER AS id`))!.id;
    await connection.run(
      `INSERT INTO job_runs (run_id, job, kind, log, trigger, started_at, status) VALUES ($run, $job, $kind, $log, $trigger, now(), 'running')`,
      { run: runId, job: job.name, kind: job.kind, log: job.log, trigger },
    );
    return runId;
  });
}

/** Records how a run ended. */
export async function finishRun(store: Store, runId: number, outcome: RunOutcome): Promise<JobRun> {
  return withConnection(store, async (connection) => {
    await connection.run(
      `UPDATE job_runs SET finished_at = now(), status = $status, rows_read = $rows, events_added = $added,
         duplicates_skipped = $duplicates, quarantined = $quarantined, files_loaded = $filesLoaded,
         files_failed = $filesFailed, watermark = $watermark, error = $error
       WHERE run_id = $run`,
      {
        run: runId,
        status: outcome.status,
        rows: outcome.rowsRead,
        added: outcome.eventsAdded,
        duplicates: outcome.duplicatesSkipped,
        quarantined: outcome.quarantined,
        filesLoaded: outcome.filesLoaded,
        filesFailed: outcome.filesFailed,
        watermark: outcome.watermark,
        error: outcome.error,
      },
    );
    const run = (await queryRow<JobRun>(connection, `SELECT ${RUN_COLUMNS} FROM job_runs WHERE run_id = $run`, { run: runId }))!;
    const outcomeText = outcome.error === null ? `${outcome.status}: ${outcome.eventsAdded.toLocaleString('en-US')} events added` : `${outcome.status}: ${outcome.error}`;
    await recordAudit(connection, jobActor(run.job), 'job run', run.log, `run ${runId} (${run.trigger}) ${outcomeText}`);
    return run;
  });
}

/** The job's stored watermark, or undefined before its first successful run. */
export async function readWatermark(connection: DuckDBConnection, job: string): Promise<string | undefined> {
  const row = await queryRow<{ watermark: string | null }>(connection, `SELECT watermark FROM job_state WHERE job = $job`, { job });
  return row?.watermark ?? undefined;
}

/** Stores the job's watermark; called inside the load's transaction so both commit or neither. */
export async function saveWatermark(connection: DuckDBConnection, job: string, watermark: string): Promise<void> {
  await connection.run(
    `INSERT INTO job_state (job, watermark, updated_at) VALUES ($job, $watermark, now())
     ON CONFLICT (job) DO UPDATE SET watermark = excluded.watermark, updated_at = excluded.updated_at`,
    { job, watermark },
  );
}

/** The run history, newest first: of one job, or of all when `job` is undefined. */
export interface JobRuns {
  job: string | null;
  runs: JobRun[];
}

/** The runs of one job (or of every job), newest first, at most `limit` (default 50). */
export async function getJobRuns(store: Store, options: { job?: string; limit?: number } = {}): Promise<JobRuns> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number of at least 1, not ${limit}`);
  const runs = await withConnection(store, (connection) =>
    queryRows<JobRun>(
      connection,
      `SELECT ${RUN_COLUMNS} FROM job_runs WHERE $job IS NULL OR job = $job ORDER BY run_id DESC LIMIT $limit`,
      { job: options.job ?? null, limit },
    ),
  );
  return { job: options.job ?? null, runs };
}

/** A defined job with its watermark and last run, as `waybill jobs list` and `GET /api/jobs` show it. */
export interface JobInfo {
  name: string;
  kind: JobKind;
  file: string;
  log: string;
  schedule: string | null;
  timezone: string | null;
  description: string | null;
  /** For postgres jobs the stored watermark (the initial one before the first success); null for folder jobs. */
  watermark: string | null;
  lastRun: JobRun | null;
}

/** The jobs defined in the jobs folder, by name, with each one's watermark and last run. */
export async function describeJobs(store: Store, jobs: readonly Job[]): Promise<{ jobs: JobInfo[] }> {
  return withConnection(store, async (connection) => {
    const lastRuns = await queryRows<JobRun>(
      connection,
      `SELECT ${RUN_COLUMNS} FROM job_runs QUALIFY row_number() OVER (PARTITION BY job ORDER BY run_id DESC) = 1`,
    );
    const states = await queryRows<{ job: string; watermark: string | null }>(connection, `SELECT job, watermark FROM job_state`);
    const lastRun = new Map(lastRuns.map((run) => [run.job, run]));
    const watermark = new Map(states.map((state) => [state.job, state.watermark]));
    return {
      jobs: jobs.map((job) => ({
        name: job.name,
        kind: job.kind,
        file: job.file,
        log: job.log,
        schedule: job.schedule ?? null,
        timezone: job.timezone ?? null,
        description: job.description ?? null,
        watermark: job.kind === 'postgres' ? (watermark.get(job.name) ?? job.watermark.initial) : null,
        lastRun: lastRun.get(job.name) ?? null,
      })),
    };
  });
}
