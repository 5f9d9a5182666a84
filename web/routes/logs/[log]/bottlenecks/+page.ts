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
    const [bottlenecks, workload] = await Promise.all([
      loadOrFail(client.analysis('bottlenecks', params.log, { 'rank-by': rankBy, limit: 50 }), notFound),
      loadOrFail(client.analysis('resource-workload', params.log, { limit: 25 }), notFound),
    ]);
    return { bottlenecks, workload };
  });
};
