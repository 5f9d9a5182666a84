import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
  const api = apiClient(fetch);
  const [users, tokens, access] = await Promise.all([loadOrFail(api.users()), loadOrFail(api.tokens()), loadOrFail(api.access())]);
  return { users, tokens, access };
};
