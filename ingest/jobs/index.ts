/**
 * Pull jobs: job files in a jobs folder (see definition.ts for the format), each
 * pulling new events from a PostgreSQL query with a watermark or from a drop
 * folder into one log, run on demand or on a cron schedule, with a run history.
 */
export { cronProblem, findJob, JobFileError, loadJobs, resolveJobsDir, UnknownJobError, WATERMARK_PLACEHOLDER } from './definition.ts';
export type { FolderJob, Job, JobKind, PostgresJob } from './definition.ts';
export { JobBusyError, runJob, runJobs } from './run.ts';
export { describeJobs, getJobRuns } from './runs.ts';
export { getJobHistory, listJobs } from './read.ts';
export type { JobInfo, JobRun, JobRuns, RunStatus, RunTrigger } from './runs.ts';
export { nextRunTimes, scheduleJobs } from './schedule.ts';
export type { Scheduler, ScheduleEvents } from './schedule.ts';
export { PullError } from './postgres.ts';
