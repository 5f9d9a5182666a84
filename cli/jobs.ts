import { findJob, getJobHistory, listJobs, loadJobs, resolveJobsDir, runJobs, scheduleJobs, type JobInfo, type JobRun, type Scheduler } from '../ingest/index.ts';
import { openStore } from '../store/db.ts';
import { onShutdown, stopsOnSignal } from './shutdown.ts';
import { formatNumber, formatTable, when } from './table.ts';

/** What `waybill jobs …` and `waybill schedule` take from the command line. */
export interface JobsContext {
  dbPath: string;
  /** `--jobs DIR`; else `WAYBILL_JOBS`, else ./jobs. */
  jobsDir?: string;
  json: boolean;
  limit?: number;
  /** Makes the error for a mistake in how the command was called (exit code 2). */
  usage: (message: string) => Error;
}

/**
 * `waybill jobs list | run [NAME] | history [NAME]`. `--json` prints what the API
 * returns; a run that fails makes the command fail (exit 1) after every run is reported.
 */
export async function jobsCommand(args: readonly string[], context: JobsContext): Promise<void> {
  const [sub, name, extra] = args;
  const dir = resolveJobsDir(context.jobsDir);
  if (extra !== undefined || (sub === 'list' && name !== undefined)) throw context.usage(`jobs ${sub}: unexpected argument ${JSON.stringify(extra ?? name)}`);
  switch (sub) {
    case 'list': {
      const result = await listJobs(await openStore(context.dbPath), dir);
      if (context.json) console.log(JSON.stringify(result));
      else printJobs(result.jobs, dir);
      return;
    }
    case 'run': {
      const jobs = loadJobs(dir);
      const chosen = name === undefined ? jobs : [findJob(jobs, name, dir)];
      if (chosen.length === 0) throw new Error(`no job files (*.json) in ${dir}; see ingest/jobs/examples/ for the format`);
      const runs = await runJobs(await openStore(context.dbPath), chosen);
      if (context.json) console.log(JSON.stringify({ runs }));
      else for (const run of runs) console.log(describeRun(run));
      const failed = runs.filter((run) => run.status === 'failed');
      if (failed.length > 0) throw new Error(`${failed.length} of ${runs.length} job runs failed: ${failed.map((run) => run.job).join(', ')}`);
      return;
    }
    case 'history': {
      const history = await getJobHistory(await openStore(context.dbPath), dir, { job: name, limit: context.limit });
      if (context.json) console.log(JSON.stringify(history));
      else printHistory(history.runs, name);
      return;
    }
    default:
      throw context.usage(sub === undefined ? 'jobs needs list, run [NAME] or history [NAME]' : `unknown jobs command ${JSON.stringify(sub)}: use list, run [NAME] or history [NAME]`);
  }
}

/**
 * `waybill schedule`: runs every job that has a schedule on its cron expression,
 * in the foreground, logging each run's start and end, until SIGINT or SIGTERM;
 * then waits for the runs under way to end.
 */
export async function scheduleCommand(args: readonly string[], context: JobsContext): Promise<void> {
  if (args.length > 0) throw context.usage(`schedule: unexpected argument ${JSON.stringify(args[0])}`);
  const scheduler = await startSchedule(context.dbPath, context.jobsDir);
  // Runs until SIGINT or SIGTERM: then no new run starts, and the runs under way
  // may end (a run still going after the grace time is interrupted: its load rolls
  // back, and the run is marked failed at the job's next run).
  stopsOnSignal((signal) => logLine(`${signal}: stopping; waiting for runs under way to end`));
  await new Promise<void>((stopped) =>
    onShutdown(async () => {
      await scheduler.stop();
      logLine('stopped');
      stopped();
    }),
  );
}

function logLine(line: string): void {
  console.log(`${new Date().toISOString()} ${line}`);
}

/**
 * Starts running the jobs of `jobsDir` that have a schedule, in this process
 * (`waybill schedule`, or `waybill serve --schedule` so the dashboard and API see
 * the store and the run history while jobs run), logging each run to stdout.
 */
export async function startSchedule(dbPath: string, jobsDir?: string): Promise<Scheduler> {
  const dir = resolveJobsDir(jobsDir);
  const jobs = loadJobs(dir).filter((job) => job.schedule !== undefined);
  if (jobs.length === 0) throw new Error(`no job in ${dir} has a "schedule": nothing to run`);
  const store = await openStore(dbPath);
  const scheduler = scheduleJobs(store, jobs, {
    onStart: (job) => logLine(`${job.name}: started`),
    onEnd: (_, run) => logLine(describeRun(run)),
    onError: (job, error) => logLine(`${job.name}: could not run: ${error instanceof Error ? error.message : String(error)}`),
  });
  console.log(`Scheduling ${jobs.length} job${jobs.length === 1 ? '' : 's'} from ${dir} (Ctrl-C to stop):`);
  const next = new Map(scheduler.next().map((n) => [n.job, n.at]));
  console.log(formatTable(['job', 'schedule', 'time zone', 'log', 'next run'], jobs.map((job) => [job.name, job.schedule!, job.timezone ?? 'local', job.log, next.get(job.name)?.toISOString() ?? '–'])));
  return scheduler;
}

/** One line on how a run ended. */
export function describeRun(run: JobRun): string {
  const seconds = run.finishedAt === null ? '' : `, ${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`;
  const head = `${run.job}: run ${run.runId} ${run.status}${seconds}`;
  const files = run.filesLoaded === null ? '' : `${formatNumber(run.filesLoaded)} file${run.filesLoaded === 1 ? '' : 's'} loaded, ${formatNumber(run.filesFailed ?? 0)} failed; `;
  const counts = `${files}${formatNumber(run.rowsRead ?? 0)} rows read, ${formatNumber(run.eventsAdded ?? 0)} events added to ${JSON.stringify(run.log)}, ${formatNumber(run.duplicatesSkipped ?? 0)} already held`;
  const quarantined = run.quarantined ? `, ${formatNumber(run.quarantined)} quarantined` : '';
  const watermark = run.watermark === null ? '' : `; watermark ${run.watermark}`;
  const error = run.error === null ? '' : `\n  ${run.error}`;
  return `${head}: ${counts}${quarantined}${watermark}${error}`;
}

function printJobs(jobs: readonly JobInfo[], dir: string): void {
  if (jobs.length === 0) {
    console.log(`No job files in ${dir}. Write one (see ingest/jobs/examples/) or pass --jobs DIR.`);
    return;
  }
  console.log(
    formatTable(
      ['job', 'kind', 'schedule', 'log', 'last run', 'started', 'rows', 'watermark'],
      jobs.map((job) => [
        job.name,
        job.kind,
        job.schedule ?? '–',
        job.log,
        job.lastRun?.status ?? 'never',
        job.lastRun ? when(job.lastRun.startedAt) : '–',
        job.lastRun?.rowsRead ?? '–',
        job.watermark ?? '–',
      ]),
    ),
  );
}

function printHistory(runs: readonly JobRun[], job: string | undefined): void {
  if (runs.length === 0) {
    console.log(job === undefined ? 'No job has run yet.' : `${job} has not run yet.`);
    return;
  }
  console.log(
    formatTable(
      ['run', 'job', 'trigger', 'started', 'finished', 'status', 'rows', 'added', 'already held', 'error'],
      runs.map((run) => [
        run.runId,
        run.job,
        run.trigger,
        when(run.startedAt),
        run.finishedAt === null ? '–' : when(run.finishedAt),
        run.status,
        run.rowsRead ?? '–',
        run.eventsAdded ?? '–',
        run.duplicatesSkipped ?? '–',
        run.error === null ? '' : oneLine(run.error),
      ]),
    ),
  );
}

function oneLine(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

