import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, url, parent }) => {
  const { filter } = await parent();
  const client = apiClient(fetch, filter.query);
  const rankBy = url.searchParams.get('rank-by') === 'median' ? 'median' : 'total';
  const notFound = `There is no log named “${params.log}”. Pick one from the list of logs.`;
  return viewOrCaseNotions(fetch, params.log, async () => {
    const bottlenecks = await loadOrFail(client.analysis('bottlenecks', params.log, { 'rank-by': rankBy, limit: 50 }), notFound);
    // The workload, below the fold and the slower of the two, is computed after and streams in.
    const workload = loadOrFail(client.analysis('resource-workload', params.log, { limit: 25 }), notFound);
    workload.catch(() => {});
    return { bottlenecks, workload };
  });
};
