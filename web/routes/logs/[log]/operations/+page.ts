import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import { loadOperations } from '$lib/operations/load.ts';
import { queueAgingQuery } from '$lib/operations/queue-aging-settings.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, url, parent }) => {
  const { filter } = await parent();
  return viewOrCaseNotions(fetch, params.log, () => loadOperations(fetch, params.log, queueAgingQuery(url.searchParams), filter.query));
};
