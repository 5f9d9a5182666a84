import { loadLoads } from '$lib/loads/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params }) => ({ loads: await loadLoads(fetch, params.log) });
