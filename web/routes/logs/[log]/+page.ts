import { withPageFilter } from '$lib/filter/url-filter.ts';
import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params, url, parent }) => {
  // The server keeps the share of paths the URL asks for (a whole percent, 1–100), else its default
  // for the map, and lays the map out, so the page only draws it.
  const asked = Number(url.searchParams.get('paths'));
  const paths = Number.isInteger(asked) && asked >= 1 && asked <= 100 ? String(asked) : 'auto';
  return withPageFilter(url, parent, (query) =>
    viewOrCaseNotions(fetch, params.log, () => loadOrFail(apiClient(fetch, query).processMapLayout(params.log, { paths }), `There is no log named “${params.log}”. Pick one from the list of logs.`)),
  );
};
