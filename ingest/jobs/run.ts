import type { Store } from '../../store/db.ts';
import { jobMessage, type Job } from './definition.ts';
import { pullFolder } from './folder.ts';
import { pullPostgres } from './postgres.ts';
import { finishRun, startRun, type JobRun, type PullResult, type RunTrigger } from './runs.ts';

/** The jobs this process is running now: a job runs once at a time. */
const running = new Set<string>();

/** A run was asked for a job that this process is already running. */
export class JobBusyError extends Error {
  override name = 'JobBusyError';
}

/**
 * Runs one job once and records the run in the history: a row is written when
 * it starts and completed when it ends, with rows read, events added, duplicates
 * skipped, and the error if it failed. A failed run resolves (with status
 * `failed`) rather than throwing; each load is all-or-nothing, so a failed run
 * leaves the log and the watermark as they were.
 */
export async function runJob(store: Store, job: Job, options: { trigger?: RunTrigger } = {}): Promise<JobRun> {
  if (running.has(job.name)) throw new JobBusyError(`job ${job.name} is already running in this process; wait for its run to end`);
  running.add(job.name);
  try {
    const runId = await startRun(store, job, options.trigger ?? 'manual');
    let result: PullResult;
    let error: string | null = null;
    try {
      if (job.kind === 'postgres') {
        result = await pullPostgres(store, job);
      } else {
        const pulled = await pullFolder(store, job, runId);
        const { failures, ...counts } = pulled;
        result = counts;
        if (failures.length > 0) {
          error = `${failures.length} of ${failures.length + pulled.filesLoaded!} files failed and were moved to failed/: ${failures.map((f) => f.error).join('; ')}`;
        }
      }
    } catch (failure) {
      result = { rowsRead: 0, eventsAdded: 0, duplicatesSkipped: 0, quarantined: 0, filesLoaded: null, filesFailed: null, watermark: null };
      error = jobMessage(failure);
    }
    return await finishRun(store, runId, { ...result, status: error === null ? 'succeeded' : 'failed', error });
  } finally {
    running.delete(job.name);
  }
}

/** Runs the jobs one after another (each once), returning their runs in order. */
export async function runJobs(store: Store, jobs: readonly Job[], options: { trigger?: RunTrigger } = {}): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  for (const job of jobs) runs.push(await runJob(store, job, options));
  return runs;
}
