import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import { loadOperations } from '$lib/operations/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ fetch, params }) => viewOrCaseNotions(fetch, params.log, () => loadOperations(fetch, params.log));
