import { apiClient, ApiError } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';

/** How many quarantined rows the page lists (all of them are in the CSV download up to the API's limit). */
export const QUARANTINE_SHOWN = 500;

/**
 * A log's loads and quarantined rows, and the pull jobs that feed it with their recent
 * runs. Jobs are an analyst's business: for a viewer (403), or when the jobs folder
 * cannot be read, `jobs` says why instead of failing the page.
 */
export async function loadLoads(fetcher: typeof fetch, log: string) {
  const client = apiClient(fetcher);
  const history = await loadOrFail(client.loads(log, QUARANTINE_SHOWN), `There is no log named “${log}”. Pick one from the list of logs.`);
  const jobs = await Promise.all([client.jobs(), client.jobRuns(200)]).then(
    ([defined, runs]) => ({ defined: defined.filter((job) => job.log === history.loadedAs), runs: runs.filter((run) => run.log === history.loadedAs), problem: null }),
    (failure: unknown) => {
      if (!(failure instanceof ApiError)) throw failure;
      const problem = failure.status === 403 ? 'Pull jobs and their runs are shown to analysts and admins.' : `The pull jobs could not be read: ${failure.message}`;
      return { defined: [], runs: [], problem };
    },
  );
  return { history, jobs };
}

export type Loads = Awaited<ReturnType<typeof loadLoads>>;
