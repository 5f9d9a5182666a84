import { withPageFilter } from '$lib/filter/url-filter.ts';
import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import type { PageLoad } from './$types';

// Every row is fetched by the page as Arrow; the load fetches the first page as JSON (in start order, the page's
// first order), which shows at once, while the Arrow columns of a large log are on their way.
export const load: PageLoad = ({ fetch, params, url, parent }) =>
  withPageFilter(url, parent, (query) =>
    viewOrCaseNotions(fetch, params.log, () => loadOrFail(apiClient(fetch, query).analysis('cases', params.log, { limit: 40 }), `There is no log named “${params.log}”. Pick one from the list of logs.`)),
  );
