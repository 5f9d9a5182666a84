import { isHttpError } from '@sveltejs/kit';
import { apiClient, ApiError, type ApiClient } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';

type LogInfo = Awaited<ReturnType<ApiClient['logs']>>[number];

/** An object-centric log and the case notions it is analysed by: one child log per object type. */
export interface ObjectCentricLog {
  log: LogInfo;
  notions: LogInfo[];
}

/**
 * Loads a log's view; an object-centric log has no single case, so the API refuses
 * its analyses (400), and the page offers its case notions instead of an error.
 */
export async function viewOrCaseNotions<T>(fetcher: typeof fetch, name: string, view: () => Promise<T>): Promise<{ view: T; objectCentric: null } | { view: null; objectCentric: ObjectCentricLog }> {
  try {
    return { view: await view(), objectCentric: null };
  } catch (failure) {
    const refused = (failure instanceof ApiError && failure.status === 400) || isHttpError(failure, 400);
    const objectCentric = refused ? await objectCentricLog(fetcher, name) : null;
    if (objectCentric) return { view: null, objectCentric };
    throw failure;
  }
}

async function objectCentricLog(fetcher: typeof fetch, name: string): Promise<ObjectCentricLog | null> {
  const logs = await loadOrFail(apiClient(fetcher).logs());
  const log = logs.find((candidate) => candidate.name === name);
  if (!log || log.objectTypes === null) return null;
  return { log, notions: logs.filter((candidate) => candidate.parent === name) };
}
