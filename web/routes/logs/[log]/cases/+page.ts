import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import type { PageLoad } from './$types';

// The rows themselves are fetched by the page as Arrow; the load only checks the log and the filter (one case).
export const load: PageLoad = async ({ fetch, params, parent }) => {
  const { filter } = await parent();
  return viewOrCaseNotions(fetch, params.log, () =>
    loadOrFail(apiClient(fetch, filter.query).analysis('cases', params.log, { limit: 1 }), `There is no log named “${params.log}”. Pick one from the list of logs.`),
  );
};
