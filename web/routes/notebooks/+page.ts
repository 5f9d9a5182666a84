import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => ({ notebooks: await loadOrFail(apiClient(fetch).notebooks()) });
