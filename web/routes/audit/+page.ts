import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url }) => {
  const log = url.searchParams.get('log') ?? undefined;
  return { log, entries: await loadOrFail(apiClient(fetch).audit({ log, limit: 500 })) };
};
