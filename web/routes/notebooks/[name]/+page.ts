import { apiClient, ApiError } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

/**
 * A notebook, run with the parameters in the URL. A notebook that cannot be run (a
 * mistake in it, or a parameter it cannot take: the API's 400) shows why beside its
 * parameters, so they can be changed.
 */
export const load: PageLoad = async ({ fetch, params, url }) => {
  const client = apiClient(fetch);
  const notebooks = await loadOrFail(client.notebooks());
  const listed = notebooks.find((notebook) => notebook.name === params.name);
  const given = Object.fromEntries(url.searchParams.entries());
  try {
    return { listed, given, run: await client.notebook(params.name, given), problem: null };
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 400) return { listed, given, run: null, problem: failure.message };
    return loadOrFail(Promise.reject(failure), `There is no notebook named “${params.name}”.`);
  }
};
