import { Cron } from 'croner';
import type { Store } from '../../store/db.ts';
import type { Job } from './definition.ts';
import { runJob } from './run.ts';
import type { JobRun } from './runs.ts';

/** The next `count` times a job's schedule fires after `from`, or [] for a job without a schedule. */
export function nextRunTimes(job: Pick<Job, 'schedule' | 'timezone'>, from: Date, count = 1): Date[] {
  if (job.schedule === undefined) return [];
  return new Cron(job.schedule, { paused: true, timezone: job.timezone }).nextRuns(count, from);
}

/** What the scheduler reports as runs start and end. */
export interface ScheduleEvents {
  onStart?: (job: Job, at: Date) => void;
  onEnd?: (job: Job, run: JobRun) => void;
  /** The run could not even be recorded (the database failed). */
  onError?: (job: Job, error: unknown) => void;
}

export interface Scheduler {
  /** The scheduled jobs with their next run time. */
  next(): { job: string; at: Date | null }[];
  /** Stops scheduling and resolves once the runs under way have ended. */
  stop(): Promise<void>;
}

/**
 * Runs each job that has a `schedule` on its cron expression (croner), in this
 * process, until `stop()`. A job never overlaps itself: a tick that comes while
 * its previous run is still going is skipped. Different jobs may run at once;
 * each load is its own DuckDB transaction.
 */
export function scheduleJobs(store: Store, jobs: readonly Job[], events: ScheduleEvents = {}): Scheduler {
  const scheduled = jobs.filter((job) => job.schedule !== undefined);
  const underWay = new Set<Promise<unknown>>();
  const crons = scheduled.map(
    (job) =>
      new Cron(job.schedule!, { timezone: job.timezone, protect: true, catch: (error) => events.onError?.(job, error) }, async () => {
        events.onStart?.(job, new Date());
        const run = runJob(store, job, { trigger: 'schedule' });
        underWay.add(run);
        try {
          events.onEnd?.(job, await run);
        } finally {
          underWay.delete(run);
        }
      }),
  );
  return {
    next: () => scheduled.map((job, i) => ({ job: job.name, at: crons[i]!.nextRun() })),
    async stop() {
      for (const cron of crons) cron.stop();
      await Promise.allSettled([...underWay]);
    },
  };
}
