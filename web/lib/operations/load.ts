import { apiClient, ApiError } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';

/** Exception trends, or null when the log has no exception types (the page then offers to choose them). */
export type ExceptionsOrNone = { trends: Awaited<ReturnType<ReturnType<typeof apiClient>['exceptions']>> } | { trends: null };

/**
 * Everything the operations page shows for one log, fetched in parallel: KPIs, the ten
 * slowest handoffs by total waiting time with the rework, queue aging, exception
 * trends, and the log's KPI settings with its names to choose from. A log without
 * exception types (the API answers 400) gets none; any other failure is the page's error.
 */
export async function loadOperations(fetcher: typeof fetch, log: string) {
  const client = apiClient(fetcher);
  const notFound = `There is no log named “${log}”. Pick one from the list of logs.`;
  const [kpis, bottlenecks, queueAging, exceptions, settings] = await Promise.all([
    loadOrFail(client.kpis(log), notFound),
    loadOrFail(client.bottlenecks(log, { rankBy: 'total', limit: 10 }), notFound),
    loadOrFail(client.queueAging(log), notFound),
    loadOrFail(exceptionsOrNone(client.exceptions(log)), notFound),
    loadOrFail(client.kpiSettings(log), notFound),
  ]);
  return { kpis, bottlenecks, queueAging, exceptions, settings };
}

export type Operations = Awaited<ReturnType<typeof loadOperations>>;

async function exceptionsOrNone(call: ReturnType<ReturnType<typeof apiClient>['exceptions']>): Promise<ExceptionsOrNone> {
  try {
    return { trends: await call };
  } catch (failure) {
    // The API's words are for API clients; the page says it in its own.
    if (failure instanceof ApiError && failure.status === 400) return { trends: null };
    throw failure;
  }
}
