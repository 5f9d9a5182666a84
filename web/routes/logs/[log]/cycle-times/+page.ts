import { cycleTimeSettings, loadCycleTimes } from '$lib/cycle-times/load.ts';
import { viewOrCaseNotions } from '$lib/logs/case-notions.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, url, parent }) => {
  const { filter, overview } = await parent();
  return viewOrCaseNotions(fetch, params.log, () => loadCycleTimes(fetch, params.log, cycleTimeSettings(url), overview?.attributes ?? [], filter.query));
};
