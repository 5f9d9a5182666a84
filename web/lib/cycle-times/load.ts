import { apiClient, ApiError } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { FilterQuery } from '../filter/url-filter.ts';

/** The page's own settings, in its URL beside the filter: a milestone, the breakdown attribute, the trend's period. */
export interface CycleTimeSettings {
  milestoneFrom: string | null;
  milestoneTo: string | null;
  by: string | null;
  period: 'week' | 'month';
}

export const HISTOGRAM_BINS = 40;

export function cycleTimeSettings(url: URL): CycleTimeSettings {
  const get = (name: string) => url.searchParams.get(name)?.trim() || null;
  return { milestoneFrom: get('milestone-from'), milestoneTo: get('milestone-to'), by: get('by'), period: get('period') === 'month' ? 'month' : 'week' };
}

/** Names of identifiers: one value per case or line, so nothing to compare. */
const IDENTIFIER = /(^|[_\s-])(id|ids|no|nr|number|key|ref|reference)$|^id$/i;

/** The first attribute a breakdown reads well by: text that is not an identifier, before numbers and times. */
export function defaultBreakdown(attributes: readonly { name: string; type: string }[]): string | null {
  const text = attributes.filter((a) => a.type === 'VARCHAR' || a.type === 'BOOLEAN');
  return text.find((a) => !IDENTIFIER.test(a.name))?.name ?? text[0]?.name ?? attributes[0]?.name ?? null;
}

/**
 * The cycle-time page's data, fetched in parallel: the distribution (of the case
 * duration, or of the milestone when both ends are set), the breakdown by an attribute
 * and the trend. A milestone or attribute the log cannot take (the API answers 400)
 * is dropped, and `problem` says why; any other failure is the page's error.
 */
export async function loadCycleTimes(fetcher: typeof fetch, log: string, settings: CycleTimeSettings, attributes: readonly { name: string; type: string }[], filter: FilterQuery) {
  const client = apiClient(fetcher, filter);
  const notFound = `There is no log named “${log}”. Pick one from the list of logs.`;
  let problem: string | null = null;
  let milestone = settings.milestoneFrom !== null && settings.milestoneTo !== null ? { 'milestone-from': settings.milestoneFrom, 'milestone-to': settings.milestoneTo } : null;
  let milestones = null;
  if (milestone !== null) {
    try {
      milestones = await client.analysis('milestones', log, { ...milestone, bins: HISTOGRAM_BINS });
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.status === 400)) return loadOrFail(Promise.reject(failure), notFound);
      problem = `The milestone could not be measured: ${failure.message}. Showing the case duration instead.`;
      milestone = null;
    }
  }
  const measure = milestone ?? {};
  const by = settings.by ?? defaultBreakdown(attributes);
  const [distribution, trend, breakdown] = await Promise.all([
    loadOrFail(client.analysis('case-distribution', log, { bins: HISTOGRAM_BINS }), notFound),
    loadOrFail(client.analysis('duration-trend', log, { period: settings.period, ...measure }), notFound),
    by === null
      ? null
      : client.analysis('duration-breakdown', log, { by, ...measure }).catch((failure: unknown) => {
          if (!(failure instanceof ApiError && failure.status === 400)) throw failure;
          problem = `The breakdown by “${by}” could not be made: ${failure.message}.`;
          return null;
        }),
  ]);
  return { log, settings: { ...settings, by }, distribution, milestones, trend, breakdown, problem };
}

export type CycleTimes = Awaited<ReturnType<typeof loadCycleTimes>>;
