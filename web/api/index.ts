import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono, type Context, type TypedResponse } from 'hono';
import { AccountError, type Identity } from '../../store/accounts.ts';
import { identify, identityOf, needs, serverIdentity, type ApiEnv } from './actor.ts';
import { checkLogAccess, visibleLogs } from './access.ts';
import { adminRoutes } from './admin.ts';
import type { OidcSignIn } from './oidc.ts';
import { sessionRoutes, signedInRoutes, SignInLimiter } from './session.ts';
import { browserMessage, getJobHistory, IngestError, JobFileError, listJobs, resolveJobsDir, UnknownJobError, UploadError, Uploads } from '../../ingest/index.ts';
import { uploadRoutes } from './uploads.ts';
import { settingsRoutes } from './settings.ts';
import { notebookRoutes } from './notebooks.ts';
import { NotebookError } from '../../notebooks/render/parse.ts';
import { loadRoles, roleRoutes, type Role } from './roles.ts';
import {
  FILTER_PARAMS,
  FilterError,
  filterFromParams,
  logForNotion,
  type FilterParams,
  casesCsv,
  getCaseColumns,
  getLoadHistory,
  type LoadHistory,
  sourceName,
  quarantineCsv,
  auditCsv,
  listAudit,
  OptionError,
  parseWholeNumber,
  StoreBusyError,
  StoreClosingError,
  StoreRecoveryError,
  UnknownLogError,
  type Filter,
  type ProcessMap,
  type Store,
} from '../../mining/index.ts';
import type { JSONValue } from 'hono/utils/types';
import { findAnalysis } from '../../mining/analyses.ts';
import { caseTable } from './case-table.ts';
import { MapLayouts } from './map-layouts.ts';
import { ResultCache, type Source } from './result-cache.ts';
import { logVersion } from '../../store/logs.ts';
import { readParams, type Analysis } from '../../mining/registry.ts';

export interface ApiOptions {
  /** A token fixed at start that acts as an admin (WAYBILL_API_TOKEN); default that variable. */
  startupToken?: string;
  /** Single sign-on, when configured. */
  oidc?: OidcSignIn;
  /** Who sent a request; default the session cookie or API token it carries. Tests may fix it. */
  identify?: (headers: Headers, store: () => Promise<Store>) => Promise<Identity | undefined>;
  limiter?: SignInLimiter;
  /** The role start pages; default WAYBILL_ROLES's file, else the built-in ones. */
  roles?: Role[];
  /** Where process maps are laid out; default a new MapLayouts (ELK started on the first map). */
  layouts?: MapLayouts;
  /** Where answers are remembered; default a new ResultCache (WAYBILL_RESULT_CACHE_MB). */
  results?: ResultCache;
}

/**
 * The HTTP API, mounted at /api. It validates, calls mining/, and returns JSON; the
 * response types are mining's own. Every route but signing in needs a signed-in
 * user or an API token (401 without); routes that change things need a role (403
 * below it); a log restricted to groups the caller is not in answers as unknown.
 * Errors are `{ error }`: 400 for a bad or unknown parameter or a file that cannot
 * be read, 404 for an unknown log, 413 for an upload over the limit, 415 for one
 * whose bytes are not what its name says, 503 when another process holds the
 * database. Any other error is the server's: 500, with its message kept to the
 * server's log, since it may hold paths or SQL.
 */
export function createApi(openStore: () => Promise<Store>, uploads: Uploads = new Uploads(join(tmpdir(), 'waybill-uploads')), options: ApiOptions = {}) {
  const startupToken = options.startupToken ?? process.env.WAYBILL_API_TOKEN;
  const layouts = options.layouts ?? new MapLayouts();
  const results = options.results ?? new ResultCache();
  /**
   * What a request asks of an analysis of the registry: its log (once the caller may see
   * it), the filter and the analysis's own parameters, parsed, refusing any other.
   */
  const askedOf = async (c: Context<ApiEnv>, analysis: Analysis) => {
    const filter = filterOf(c, Object.keys(analysis.params.shape));
    const params = readParams(analysis, (name, repeatable) => (repeatable ? c.req.queries(name) : c.req.query(name)));
    return { log: await logOf(c), filter, params };
  };
  /**
   * An answer as JSON, remembered by what it was computed from: the route, the log and its
   * version, and the parsed request (so two spellings of one request share it). Answers do
   * not depend on who asks: access is checked before.
   */
  const remembered = async (c: Context<ApiEnv>, route: string, asked: { log: string; filter: Filter; params: object }, compute: () => Promise<unknown>, keep?: (value: unknown) => boolean) => {
    const version = await logVersion(await openStore(), asked.log);
    // An unknown log is the analysis's own 404.
    const { body, source } = version === undefined ? { body: JSON.stringify(await compute()), source: 'miss' as Source } : await results.json(JSON.stringify([route, asked.log, version, asked.filter, asked.params]), compute, keep);
    // Whether it was remembered, for the browser's developer tools and the browser tests.
    c.header('Server-Timing', `result;desc=${source}`);
    return body;
  };
  const processMap = findAnalysis('process-map') as Analysis;
  const identifyRequest = options.identify ?? (async (headers: Headers) => identify(await openStore(), headers, startupToken));
  /** The log the route names (with `notion`, its case notion), once the caller may see it. */
  const logOf = async (c: Context<ApiEnv>, withNotion = true): Promise<string> => {
    const log = withNotion ? logForNotion(c.req.param('log') ?? '', filterParams(c)) : (c.req.param('log') ?? '');
    await checkLogAccess(await openStore(), identityOf(c), log);
    return log;
  };
  return new Hono<ApiEnv>()
    .basePath('/api')
    .onError((error, c) => {
      if (error instanceof UnknownLogError) return c.json({ error: `no log named ${JSON.stringify(error.log)}` }, 404);
      if (error instanceof FilterError || error instanceof OptionError || error instanceof BadParameter) return c.json({ error: error.message }, 400);
      // The store cannot serve now; the details (its path, what to run) are for the server's log, not the page.
      if (error instanceof StoreBusyError) return c.json({ error: 'the database is in use by another Waybill process; try again once it has finished' }, 503);
      if (error instanceof StoreClosingError) return c.json({ error: error.message }, 503);
      if (error instanceof StoreRecoveryError) {
        console.error(error.message);
        return c.json({ error: 'the database needs recovering before it can be read; the server log says how' }, 503);
      }
      if (error instanceof UploadError) return c.json({ error: error.message }, error.status);
      // A notebook's own mistake, by its file (under the notebooks folder), line and block.
      if (error instanceof NotebookError) return c.json({ error: error.message }, 400);
      if (error instanceof AccountError) return c.json({ error: error.message }, error.status);
      // A file that cannot be read, or a log name that cannot be written, in the upload page's words.
      if (error instanceof IngestError) return c.json({ error: browserMessage(error) }, 400);
      console.error(error);
      return c.json({ error: 'internal error; the server log has the details' }, 500);
    })
    .notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404))
    // Signing in, and the sign-on's redirects: the only routes open without it.
    .route('/', sessionRoutes(openStore, options.limiter ?? new SignInLimiter(), options.oidc))
    .route('/', options.oidc?.routes(openStore) ?? new Hono<ApiEnv>())
    .use('*', async (c, next) => {
      const identity = serverIdentity(c.req.raw) ?? (await identifyRequest(c.req.raw.headers, openStore));
      if (!identity) {
        c.header('WWW-Authenticate', 'Bearer realm="waybill"');
        return c.json({ error: 'sign in first, or send an API token as "Authorization: Bearer …"' }, 401);
      }
      c.set('identity', identity);
      await next();
    })
    .route('/', signedInRoutes(openStore))
    .route('/', adminRoutes(openStore))
    .route('/', uploadRoutes(openStore, uploads))
    .route('/', settingsRoutes(openStore, logOf))
    .route('/', roleRoutes(options.roles ?? loadRoles()))
    .route('/', notebookRoutes(openStore))
    .get('/logs', async (c) => {
      allowOnly(c, []);
      // Each source by its file names, never the server's folders (as the loads below).
      return c.json({ logs: (await visibleLogs(await openStore(), identityOf(c))).map((log) => ({ ...log, source: sourceName(log.source) })) });
    })
    .get('/logs/:log/loads', async (c) => {
      allowOnly(c, ['limit']);
      const limit = parseWholeNumber(c.req.query('limit'), 'limit');
      return c.json(withoutFolders(await getLoadHistory(await openStore(), await logOf(c, false), limit === undefined ? {} : { limit })));
    })
    .get('/logs/:log/quarantine.csv', async (c) => {
      allowOnly(c, ['limit']);
      const limit = parseWholeNumber(c.req.query('limit'), 'limit');
      const history = withoutFolders(await getLoadHistory(await openStore(), await logOf(c, false), limit === undefined ? {} : { limit }));
      c.header('Content-Disposition', `attachment; filename="${history.log.replace(/[^\w.-]+/g, '_')}-quarantine.csv"`);
      return c.body(quarantineCsv(history), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    })
    // Every case the filter keeps, as Arrow IPC columns: the dashboard's case table takes 100,000 rows this way, not as JSON.
    .get('/logs/:log/cases.arrow', async (c) => {
      const filter = filterOf(c, []);
      // All the cases can take a while: a browser that leaves the page stops the query.
      const columns = await getCaseColumns(await openStore(), await logOf(c), filter, { signal: c.req.raw.signal });
      c.header('Cache-Control', 'no-store');
      return c.body(caseTable(columns), 200, { 'Content-Type': 'application/vnd.apache.arrow.stream' });
    })
    // The same cases as CSV, for a spreadsheet.
    .get('/logs/:log/cases.csv', async (c) => {
      const filter = filterOf(c, []);
      const columns = await getCaseColumns(await openStore(), await logOf(c), filter);
      c.header('Content-Disposition', `attachment; filename="${columns.log.replace(/[^\w.-]+/g, '_')}-cases.csv"`);
      return c.body(casesCsv(columns), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    })
    // The process map (same parameters as the process-map analysis) laid out, so a page only draws it.
    .get('/logs/:log/process-map/layout', async (c) => {
      const asked = await askedOf(c, processMap);
      const timing: string[] = [];
      const body = await remembered(
        c,
        'process-map/layout',
        asked,
        async () => {
          const started = performance.now();
          const map = (await processMap.run(await openStore(), asked.log, asked.filter, asked.params)) as ProcessMap;
          const mapped = performance.now();
          const { layout, problem } = await layouts.layout(map);
          timing.push(`map;dur=${(mapped - started).toFixed(1)}`, `layout;dur=${(performance.now() - mapped).toFixed(1)}`);
          return { map, layout, problem };
        },
        // A map drawn simply (ELK failed or ran out of time) is laid out again next time.
        (answer) => (answer as { problem: unknown }).problem === null,
      );
      // How long each part took, when computed now.
      if (timing.length > 0) c.header('Server-Timing', timing.join(', '), { append: true });
      return json<MapWithLayout>(c, body);
    })
    // Every analysis of the registry (mining/analyses.ts), with its own parameters and the filter's, nothing else.
    .get('/logs/:log/:analysis', async (c) => {
      const analysis = findAnalysis(c.req.param('analysis')) as Analysis | undefined;
      if (!analysis) return c.json({ error: `no such endpoint: GET ${c.req.path}` }, 404);
      const asked = await askedOf(c, analysis);
      return json<JSONValue>(c, await remembered(c, analysis.name, asked, async () => analysis.run(await openStore(), asked.log, asked.filter, asked.params)));
    })
    // The audit trail, newest first: who loaded, uploaded, changed settings or ran a job.
    .get('/audit', needs('admin'), async (c) => c.json({ entries: await listAudit(await openStore(), auditQuery(c)) }))
    .get('/audit.csv', needs('admin'), async (c) => {
      const entries = await listAudit(await openStore(), auditQuery(c));
      c.header('Content-Disposition', 'attachment; filename="waybill-audit.csv"');
      return c.body(auditCsv(entries), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    })
    // Pull jobs, from the jobs folder named by WAYBILL_JOBS (default ./jobs), with their run history.
    .get('/jobs', needs('analyst'), async (c) => {
      allowOnly(c, []);
      try {
        const store = await openStore();
        const { jobs } = await listJobs(store, resolveJobsDir());
        const seen = await visibleNames(store, identityOf(c));
        return c.json({ jobs: jobs.filter((job) => seen.has(job.log)) });
      } catch (error) {
        return jobError(c, error);
      }
    })
    .get('/jobs/runs', needs('analyst'), async (c) => {
      allowOnly(c, ['limit']);
      const limit = runLimit(c.req.query('limit'));
      try {
        const store = await openStore();
        const history = await getJobHistory(store, resolveJobsDir(), { limit });
        const seen = await visibleNames(store, identityOf(c));
        return c.json({ ...history, runs: history.runs.filter((run) => seen.has(run.log)) });
      } catch (error) {
        return jobError(c, error);
      }
    })
    .get('/jobs/:name/runs', needs('analyst'), async (c) => {
      allowOnly(c, ['limit']);
      const limit = runLimit(c.req.query('limit'));
      try {
        const store = await openStore();
        const history = await getJobHistory(store, resolveJobsDir(), { job: c.req.param('name'), limit });
        const seen = await visibleNames(store, identityOf(c));
        return c.json({ ...history, runs: history.runs.filter((run) => seen.has(run.log)) });
      } catch (error) {
        return jobError(c, error);
      }
    });
}

/** An unknown job is 404; invalid job files are the server's configuration problem, 500 with what is wrong. */
function jobError(c: Context, error: unknown) {
  if (error instanceof UnknownJobError) return c.json({ error: error.message }, 404);
  if (error instanceof JobFileError) return c.json({ error: error.message }, 500);
  throw error;
}

/** How many runs to return: a whole number of at least 1; default 50. */
function runLimit(text: string | undefined): number | undefined {
  const limit = parseWholeNumber(text, 'limit');
  if (limit !== undefined && limit < 1) throw new BadParameter(`limit must be at least 1, not ${limit}`);
  return limit;
}

export type Api = ReturnType<typeof createApi>;

type MapWithLayout = { map: ProcessMap } & Awaited<ReturnType<MapLayouts['layout']>>;

/** A JSON text already made, typed as `c.json(value)` would have been for the typed client. */
function json<T>(c: Context, body: string) {
  return c.body(body, 200, { 'Content-Type': 'application/json' }) as unknown as Response & TypedResponse<T, 200, 'json'>;
}

class BadParameter extends Error {}

/** The filter from the query string, refusing parameters the route does not know (a typo must not silently mean "no filter"). */
function filterOf(c: Context, options: readonly string[]): Filter {
  allowOnly(c, [...FILTER_PARAMS, ...options]);
  return filterFromParams(filterParams(c));
}

function filterParams(c: Context): FilterParams {
  const queries = c.req.queries();
  return Object.fromEntries(FILTER_PARAMS.flatMap((name) => (queries[name] === undefined ? [] : [[name, queries[name]]])));
}

/** Whether `identity` may see a log, by name; a job or run of another log is left out as if it were not there. */
async function visibleNames(store: Store, identity: Identity): Promise<{ has: (log: string) => boolean }> {
  if (identity.role === 'admin') return { has: () => true };
  return new Set((await visibleLogs(store, identity)).map((log) => log.name));
}

/** Which audit entries a request asks for: at most `limit`, of one `log`. */
function auditQuery(c: Context): { limit?: number; log?: string } {
  allowOnly(c, ['limit', 'log']);
  return { limit: parseWholeNumber(c.req.query('limit'), 'limit'), log: c.req.query('log') };
}

function allowOnly(c: Context, known: readonly string[]): void {
  const unknown = Object.keys(c.req.queries()).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new BadParameter(`unknown parameter ${unknown.map((n) => JSON.stringify(n)).join(', ')}; this endpoint takes ${known.length > 0 ? known.join(', ') : 'none'}`);
  }
}

/**
 * A log's loads as the browser and API clients see them: each source by its file names,
 * not the server's folders (`waybill loads` on the server itself shows the paths).
 */
function withoutFolders(history: LoadHistory): LoadHistory {
  return { ...history, loads: history.loads.map((load) => ({ ...load, source: sourceName(load.source) })), quarantine: history.quarantine.map((row) => ({ ...row, source: sourceName(row.source) })) };
}
