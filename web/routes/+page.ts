import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
  const client = apiClient(fetch);
  const [logs, roles] = await Promise.all([loadOrFail(client.logs()), loadOrFail(client.roles())]);
  return { logs, roles };
};
