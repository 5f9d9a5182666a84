import type { Store } from '../../store/db.ts';
import { loadJobs, UnknownJobError } from './definition.ts';
import { describeJobs, getJobRuns, type JobInfo, type JobRuns } from './runs.ts';

/**
 * The jobs defined in the jobs folder, with each one's watermark and last run:
 * what `waybill jobs list --json` prints and `GET /api/jobs` returns.
 */
export async function listJobs(store: Store, jobsDir: string): Promise<{ jobs: JobInfo[] }> {
  return describeJobs(store, loadJobs(jobsDir));
}

/**
 * The run history, newest first, of one job or (without `job`) of all: what
 * `waybill jobs history --json` prints and `GET /api/jobs/:name/runs` returns.
 * A job that is neither defined nor has run is an error; a job whose file was
 * removed keeps its history.
 */
export async function getJobHistory(store: Store, jobsDir: string, options: { job?: string; limit?: number } = {}): Promise<JobRuns> {
  const history = await getJobRuns(store, options);
  if (options.job !== undefined && history.runs.length === 0 && !loadJobs(jobsDir).some((j) => j.name === options.job)) {
    throw new UnknownJobError(`no job named ${JSON.stringify(options.job)}: it has no job file and has never run`);
  }
  return history;
}
