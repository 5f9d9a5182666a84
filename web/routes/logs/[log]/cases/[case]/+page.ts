import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params }) => ({
  timeline: await loadOrFail(apiClient(fetch).analysis('case-timeline', params.log, { case: params.case }), `There is no log named “${params.log}”. Pick one from the list of logs.`),
});
