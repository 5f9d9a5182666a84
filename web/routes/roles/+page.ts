import { redirect } from '@sveltejs/kit';
import { apiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { PageLoad } from './$types';

/** The start pages begin with the first role of the deployment. */
export const load: PageLoad = async ({ fetch }) => {
  const roles = await loadOrFail(apiClient(fetch).roles());
  redirect(307, `/roles/${roles[0]!.id}`);
};
