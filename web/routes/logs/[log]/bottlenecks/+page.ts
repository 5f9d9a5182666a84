import { withPageFilter, type FilterQuery } from '$lib/filter/url-filter.ts';
import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params, url, parent }) => withPageFilter(url, parent, (query) => bottlenecksPage(fetch, params.log, url, query));

function bottlenecksPage(fetch: typeof globalThis.fetch, log: string, url: URL, query: FilterQuery) {
  const client = apiClient(fetch, query);
  const rankBy = url.searchParams.get('rank-by') === 'median' ? 'median' : 'total';
  const notFound = `There is no log named “${log}”. Pick one from the list of logs.`;
  return viewOrCaseNotions(fetch, log, async () => {
    const bottlenecks = await loadOrFail(client.analysis('bottlenecks', log, { 'rank-by': rankBy, limit: 50 }), notFound);
    // The workload, below the fold and the slower of the two, is computed after and streams in.
    const workload = loadOrFail(client.analysis('resource-workload', log, { limit: 25 }), notFound);
    workload.catch(() => {});
    return { bottlenecks, workload };
  });
}
