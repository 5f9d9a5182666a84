import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params }) =>
  viewOrCaseNotions(fetch, params.log, () => loadOrFail(apiClient(fetch).processMap(params.log), `There is no log named “${params.log}”. Pick one from the list of logs.`));
