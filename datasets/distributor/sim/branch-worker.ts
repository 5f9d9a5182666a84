// Entry of a branch worker thread: bundled once per process by `branches.ts`.
import { serveBranchJob } from './branch-job.ts';

// A failure surfaces as the worker's 'error' event in the main thread.
void serveBranchJob().catch((error: unknown) => {
  throw error;
});
