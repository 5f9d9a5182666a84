import { hc, type InferRequestType, type InferResponseType } from 'hono/client';
import type { KpiSettings } from '../../../mining/kpis/fields.ts';
import type { Api } from '../../api/index.ts';
import type { AnalysisName, AnalysisResults } from '../../../mining/analyses.ts';
import type { FilterQuery } from '../filter/url-filter.ts';

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
 * inside load functions (relative URLs, no double fetch on hydration), and the page's
 * filter (its URL's filter parameters), which every analysis call then applies.
 */
export function apiClient(fetcher: typeof fetch = fetch, filter: FilterQuery = {}) {
  const api = hc<Api>('/', { fetch: fetcher }).api;
  // Route parameters are pasted into the path as given; names may hold spaces, slashes or '?'.
  const log = (name: string) => ({ param: { log: encodeURIComponent(name) } });
  async function analysis<Name extends AnalysisName>(name: Name, logName: string, query: Record<string, string | number | readonly string[] | undefined> = {}): Promise<AnalysisResults[Name]> {
    const answer = await api.logs[':log'][':analysis'].$get(withQuery({ param: { log: encodeURIComponent(logName), analysis: name } }, { ...filter, ...query }));
    return (await read(answer)) as unknown as AnalysisResults[Name];
  }
  return {
    /** The audit trail, newest first: who loaded, uploaded, changed settings or ran a job, when and from where. */
    audit: async (query: { log?: string; limit?: number } = {}) => (await read(await api.audit.$get(withQuery({}, query)))).entries,
    /** Every stored log, by name. */
    logs: async () => (await read(await api.logs.$get())).logs,
    /**
     * Any analysis of the registry (mining/analyses.ts) on a log, with its parameters
     * and the filter's as the query; typed by what that analysis returns.
     */
    analysis,
    /** The log's process map (directly-follows graph with counts and durations); `paths` a percent or `auto`. */
    processMap: (name: string, query: { paths?: string } = {}) => analysis('process-map', name, query),
    /** The same map laid out by the server (ELK, or drawn simply with the reason), ready to draw. */
    processMapLayout: async (name: string, query: { paths?: string } = {}) => read(await api.logs[':log']['process-map'].layout.$get(withQuery(log(name), { ...filter, ...query }))),
    /** The log's most frequent variants. */
    variants: (name: string) => analysis('variants', name),
    /** The log's case-duration statistics and histogram. */
    caseDurations: (name: string) => analysis('case-durations', name),
    /** The log's distribution KPIs; one that cannot be computed says why in `reason`. */
    kpis: (name: string) => analysis('kpis', name),
    /** The log's slowest handoffs and its rework, ranked by total (default) or median waiting time. */
    bottlenecks: (name: string, options: { rankBy?: 'total' | 'median'; limit?: number } = {}) => analysis('bottlenecks', name, { 'rank-by': options.rankBy, limit: options.limit }),
    /** The log's open cases: per current step, their count, ages and aging buckets; the oldest; and the rule that told open from ended. */
    queueAging: (name: string, query: { end?: readonly string[]; silence?: string; 'as-of'?: string; sla?: readonly string[] } = {}) =>
      analysis('queue-aging', name, { end: query.end, silence: query.silence, 'as-of': query['as-of'], sla: query.sla }),
    /** Weekly exception rates per exception type with trends and flagged changes; a 400 ApiError when the log has no default exception types. */
    exceptions: (name: string) => analysis('exceptions', name),
    /** The log's loads, newest first, and the rows they quarantined (line, column, why). */
    loads: async (name: string, limit?: number) => read(await api.logs[':log'].loads.$get(withQuery(log(name), { limit }))),
    /** The pull jobs defined in the jobs folder, with each one's last run (analyst). */
    jobs: async () => (await read(await api.jobs.$get())).jobs,
    /** The runs of every job, newest first (analyst). */
    jobRuns: async (limit?: number) => (await read(await api.jobs.runs.$get(withQuery({}, { limit })))).runs,
    /** The log's saved KPI settings (which activities and attributes each KPI reads), with its names to choose from. */
    kpiSettings: async (name: string) => read(await api.logs[':log'].settings.kpis.$get(log(name))),
    /** Replaces the log's KPI settings (`{}`: back to the defaults); a 400 ApiError names a setting the log cannot take. */
    saveKpiSettings: async (name: string, settings: KpiSettings) =>
      // The route reads its body itself (see web/api/settings.ts), so hc has no `json` to type: the body goes as is.
      read(await api.logs[':log'].settings.kpis.$put(log(name), { init: { body: JSON.stringify(settings), headers: { 'Content-Type': 'application/json' } } })),
    /** The notebooks of the notebooks folder, each with its parameters (or why it cannot be read). */
    notebooks: async () => (await read(await api.notebooks.$get())).notebooks,
    /** A notebook run with these parameters (the others take their defaults). */
    notebook: async (name: string, params: Record<string, string> = {}) => read(await api.notebooks[':name'].$get(withQuery({ param: { name: encodeURIComponent(name) } }, params))),
    /** The role start pages of this deployment, with the panels each shows. */
    roles: async () => (await read(await api.roles.$get())).roles,
    /** Who is signed in. */
    session: async () => read(await api.session.$get()),
    /** Every user, with role, groups and how they sign in (admin). */
    users: async () => (await read(await api.users.$get())).users,
    addUser: async (user: { name: string; role: Role; groups?: string[]; password?: string }) => read(await api.users.$post({ json: user })),
    changeUser: async (name: string, change: { role?: Role; groups?: string[]; password?: string }) => read(await api.users[':name'].$patch({ param: { name: encodeURIComponent(name) }, json: change })),
    removeUser: async (name: string) => read(await api.users[':name'].$delete({ param: { name: encodeURIComponent(name) } })),
    endSessions: async (name: string) => read(await api.users[':name'].sessions.end.$post({ param: { name: encodeURIComponent(name) } })),
    /** API tokens: one's own, or every one for an admin. */
    tokens: async () => (await read(await api.tokens.$get())).tokens,
    createToken: async (token: { label: string; role?: Role; groups?: string[] }) => read(await api.tokens.$post({ json: token })),
    revokeToken: async (id: string) => read(await api.tokens[':id'].$delete({ param: { id } })),
    /** Each log (not its case notions) with the groups it is restricted to (admin). */
    access: async () => (await read(await api.access.$get())).logs,
    setAccess: async (name: string, groups: string[]) => read(await api.logs[':log'].access.$put({ ...log(name), json: { groups } })),
    deleteLog: async (name: string) => read(await api.logs[':log'].$delete(log(name))),
    /** Starts loading an upload with the user's choices (checked by the route's schema); its progress then arrives as server-sent events. */
    loadUpload: async (upload: string, choice: LoadChoice) => read(await api.uploads[':id'].load.$post({ param: { id: upload }, json: choice })),
  };
}

type Routes = ReturnType<typeof hc<Api>>['api'];
/** What `POST /api/uploads/:id/load` takes, as its schema says. */
export type LoadChoice = InferRequestType<Routes['uploads'][':id']['load']['$post']>['json'];
/** What `POST /api/logs?file=NAME` answers: the upload's state and its preview. */
export type UploadReply = InferResponseType<Routes['logs']['$post'], 201>;

type Role = 'viewer' | 'analyst' | 'admin';

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * Adds query parameters (those given) to a request's arguments. The routes read their
 * parameters themselves rather than through a validator, so `hc` does not type `query`.
 */
function withQuery<T extends object>(args: T, query: Record<string, string | number | readonly string[] | undefined>): T {
  // A list becomes the parameter repeated.
  const given = Object.fromEntries(Object.entries(query).flatMap(([key, value]) => (value === undefined ? [] : [[key, typeof value === 'object' ? [...value] : String(value)]])));
  return { ...args, query: given };
}

type BodyOf<R> = R extends { json(): Promise<infer T> } ? T : never;

/** The body of a successful response, typed by its route (its `{ error }` answers left out); an ApiError otherwise. */
async function read<R extends { ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>(response: R): Promise<Exclude<BodyOf<R>, { error: string }>> {
  if (response.ok) return (await response.json()) as Exclude<BodyOf<R>, { error: string }>;
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
