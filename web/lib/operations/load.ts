import { apiClient, ApiError } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { FilterQuery } from '../filter/url-filter.ts';
import type { QueueAgingQuery } from './queue-aging-settings.ts';

/** Exception trends, or null when the log has no exception types (the page then offers to choose them). */
export type ExceptionsOrNone = { trends: Awaited<ReturnType<ReturnType<typeof apiClient>['exceptions']>> } | { trends: null };

/**
 * Everything the operations page shows for one log: KPIs and the log's KPI settings with
 * its names to choose from (awaited: the top of the page), then, streamed in one after
 * another as each is ready, the ten slowest handoffs by total waiting time with the
 * rework, queue aging (with the URL's end activities and silence), exception trends and
 * the ten busiest resources. On a large log the page so shows its first numbers without
 * waiting for the slowest analysis. A log without exception types (the API answers 400)
 * gets none; any other failure is the page's error (or its panel's, once streamed).
 */
export async function loadOperations(fetcher: typeof fetch, log: string, queueAgingSettings: QueueAgingQuery = {}, filter: FilterQuery = {}) {
  const client = apiClient(fetcher, filter);
  const notFound = `There is no log named “${log}”. Pick one from the list of logs.`;
  // The top of the page first, alone: on two cores, six analyses at once would each take as long as all of them.
  const [kpis, settings] = await Promise.all([loadOrFail(client.kpis(log), notFound), loadOrFail(client.kpiSettings(log), notFound)]);
  // Then the rest, one after another in page order, each shown as it arrives.
  const bottlenecks = loadOrFail(client.bottlenecks(log, { rankBy: 'total', limit: 10 }), notFound);
  // Each waits for the one before, whether it answered or failed: one failure is its own panel's.
  const after = (previous: Promise<unknown>) => previous.then(() => undefined, () => undefined);
  const queueAging = after(bottlenecks).then(() => loadOrFail(queueAgingOrDefault(client, log, queueAgingSettings), notFound));
  const exceptions = after(queueAging).then(() => loadOrFail(exceptionsOrNone(client.exceptions(log)), notFound));
  const workload = after(exceptions).then(() => loadOrFail(client.analysis('resource-workload', log, { limit: 10 }), notFound));
  // A streamed promise that fails before the page awaits it must not count as unhandled.
  for (const promise of [bottlenecks, queueAging, exceptions, workload]) promise.catch(() => {});
  return { kpis, settings, bottlenecks, queueAging, exceptions, workload };
}

export type Operations = Awaited<ReturnType<typeof loadOperations>>;

/** Queue aging with the URL's settings; when the API refuses them (400), the default and why. */
async function queueAgingOrDefault(client: ReturnType<typeof apiClient>, log: string, settings: QueueAgingQuery) {
  try {
    return { aging: await client.queueAging(log, settings), problem: null };
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 400 && Object.keys(settings).length > 0) {
      return { aging: await client.queueAging(log), problem: failure.message };
    }
    throw failure;
  }
}

async function exceptionsOrNone(call: ReturnType<ReturnType<typeof apiClient>['exceptions']>): Promise<ExceptionsOrNone> {
  try {
    return { trends: await call };
  } catch (failure) {
    // The API's words are for API clients; the page says it in its own.
    if (failure instanceof ApiError && failure.status === 400) return { trends: null };
    throw failure;
  }
}
