import { loadOperations } from '$lib/operations/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params }) => loadOperations(fetch, params.log);
