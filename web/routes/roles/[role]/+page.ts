import { loadRolePage } from '$lib/roles/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params }) => loadRolePage(fetch, params.role);
