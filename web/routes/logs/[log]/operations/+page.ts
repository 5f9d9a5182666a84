import { withPageFilter } from '$lib/filter/url-filter.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import { loadOperations } from '$lib/operations/load.ts';
import { queueAgingQuery } from '$lib/operations/queue-aging-settings.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params, url, parent }) =>
  withPageFilter(url, parent, (query) => viewOrCaseNotions(fetch, params.log, () => loadOperations(fetch, params.log, queueAgingQuery(url.searchParams), query)));
