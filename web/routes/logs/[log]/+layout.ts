import { apiClient, ApiError } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { filterQuery, isFiltered } from '$lib/filter/url-filter.ts';
import type { LayoutLoad } from './$types';

/**
 * Every page of a log: the filter in its URL, and what it keeps (the filter bar's counts,
 * timeline and choices). A filter the log cannot take (a value of the wrong kind, an
 * attribute it lacks) is not applied: the bar says why, and the pages show the whole log.
 * An object-centric log has no overview (its pages offer its case notions).
 */
export const load: LayoutLoad = async ({ fetch, params, url }) => {
  const query = filterQuery(url);
  try {
    return { filter: { query, problem: null as string | null }, overview: await apiClient(fetch, query).analysis('overview', params.log) };
  } catch (failure) {
    if (!(failure instanceof ApiError && failure.status === 400)) return loadOrFail(Promise.reject(failure), `There is no log named “${params.log}”. Pick one from the list of logs.`);
    if (!isFiltered(url)) return { filter: { query, problem: null }, overview: null };
    const unfiltered = query.notion === undefined ? {} : { notion: query.notion };
    const overview = await apiClient(fetch, unfiltered)
      .analysis('overview', params.log)
      .catch(() => null);
    return { filter: { query: unfiltered, problem: failure.message }, overview };
  }
};
