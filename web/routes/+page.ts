import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => ({ logs: await loadOrFail(apiClient(fetch).logs()) });
