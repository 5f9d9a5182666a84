import { withPageFilter } from '$lib/filter/url-filter.ts';
import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

/** Reconciliation reads a linked log as a whole, or one of its case notions; a classic log shows what it lacks. */
export const load: PageLoad = ({ fetch, params, url, parent }) =>
  withPageFilter(url, parent, async (query) => ({
    reconciliation: await loadOrFail(apiClient(fetch, query).analysis('reconciliation', params.log, { limit: 200 }), `There is no log named “${params.log}”. Pick one from the list of logs.`),
  }));
