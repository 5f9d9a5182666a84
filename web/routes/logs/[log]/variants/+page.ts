import { withPageFilter } from '$lib/filter/url-filter.ts';
import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import { VARIANTS_PAGE, variantsPage } from '$lib/variants/paging.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params, url, parent }) => {
  const pageNumber = variantsPage(url);
  return withPageFilter(url, parent, (query) =>
    viewOrCaseNotions(fetch, params.log, () =>
      loadOrFail(apiClient(fetch, query).analysis('variants', params.log, { limit: VARIANTS_PAGE, offset: (pageNumber - 1) * VARIANTS_PAGE }), `There is no log named “${params.log}”. Pick one from the list of logs.`),
    ),
  );
};
