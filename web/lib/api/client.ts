import { hc } from 'hono/client';
import type { Api } from '../../api/index.ts';

/** The API answered with `{ error }`: its HTTP status and message. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A typed client of Waybill's API (web/api). Response types come from the routes
 * through Hono's `hc`, so they are never written twice. Pass SvelteKit's `fetch`
 * inside load functions (relative URLs, no double fetch on hydration).
 */
export function apiClient(fetcher: typeof fetch = fetch) {
  const api = hc<Api>('/', { fetch: fetcher }).api;
  // Route parameters are pasted into the path as given; names may hold spaces, slashes or '?'.
  const log = (name: string) => ({ param: { log: encodeURIComponent(name) } });
  return {
    /** Every stored log, by name. */
    logs: async () => (await read(await api.logs.$get())).logs,
    /** The log's process map (directly-follows graph with counts and durations). */
    processMap: async (name: string) => read(await api.logs[':log']['process-map'].$get(log(name))),
    /** The log's most frequent variants. */
    variants: async (name: string) => read(await api.logs[':log'].variants.$get(log(name))),
    /** The log's case-duration statistics and histogram. */
    caseDurations: async (name: string) => read(await api.logs[':log']['case-durations'].$get(log(name))),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The body of a successful response, typed by its route; an ApiError otherwise. */
async function read<T>(response: { ok: boolean; status: number; json(): Promise<T>; text(): Promise<string> }): Promise<T> {
  if (response.ok) return response.json();
  const text = await response.text();
  let message = `the server answered ${response.status}`;
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON (a proxy's error page, say): keep the status line.
  }
  throw new ApiError(response.status, message);
}
