import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { ingestFile, ingestLinkedFiles, loadJobs, parseObjectKeys, resolveJobsDir } from '../ingest/index.ts';
import { reportsDir } from '../notebooks/reports/definition.ts';
import { listLogs, openStore } from '../mining/index.ts';
import { ensureAdmin, issueSignInLink } from '../store/accounts.ts';
import { allowedHosts, API_CSP, refusal, SECURITY_HEADERS } from './request-guard.ts';
import { onShutdown, stopsOnSignal } from './shutdown.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HANDLER = join(ROOT, 'build', 'handler.js');
// What the built server is made of: a change in any of these makes the build stale.
const SOURCES = ['web', 'mining', 'store', 'ingest', 'notebooks/render', 'notebooks/reports', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The header the server sets on each request to say whether it came over TLS. */
const CONNECTION_PROTOCOL = 'x-waybill-connection-protocol';

/** How long a request body may stall before the connection is cut, by default: 120 seconds. */
export const DEFAULT_IDLE_TIMEOUT_S = 120;

/** Serves the dashboard and the API from the built SvelteKit app, in this process. */
export async function serve(options: { dbPath: string; host?: string; port?: string; schedule?: boolean; jobsDir?: string }): Promise<void> {
  // Jobs run in the server's process: DuckDB lets one process hold the file, and so the API shows their runs.
  if (options.jobsDir !== undefined) process.env.WAYBILL_JOBS = options.jobsDir;
  const reports = options.schedule ? (await import('./reports.ts')).scheduledReports() : [];
  const jobs = options.schedule ? hasScheduledJobs() : false;
  if (options.schedule && !jobs && reports.length === 0) throw new Error(`nothing to schedule: no job in ${resolveJobsDir()} and no report in ${reportsDir()} has a "schedule"`);
  // Scheduled reports print their notebooks' pages from this server: with the start-up token, or one only this process knows.
  if (reports.length > 0) process.env.WAYBILL_API_TOKEN ??= `reports-${randomBytes(24).toString('hex')}`;
  const { server, host, port } = await listen(options);
  const shown = host.includes(':') ? `[${host}]` : host;
  console.log(`Waybill is serving ${options.dbPath} at http://${shown}:${port}`);
  // Listening on every interface, the link names this machine's loopback: it is read on the server's console.
  const linkHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : shown;
  await printSignInLink(options.dbPath, `http://${linkHost}:${port}`);
  const scheduler = jobs ? await (await import('./jobs.ts')).startSchedule(options.dbPath, options.jobsDir) : undefined;
  const reportScheduler = reports.length > 0 ? await (await import('./reports.ts')).startReportSchedule(options.dbPath, reports, `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : shown}:${port}`, process.env.WAYBILL_API_TOKEN!) : undefined;
  // On SIGINT or SIGTERM: accept no more requests and start no more runs; the
  // shutdown then interrupts what is under way, checkpoints and closes the store.
  stopsOnSignal();
  onShutdown(() => {
    server.close();
    server.closeIdleConnections();
  });
  if (scheduler) onShutdown(() => scheduler.stop());
  if (reportScheduler) onShutdown(() => reportScheduler.stop());
  await new Promise<void>((resolve) => server.once('close', resolve));
}

/**
 * Starts the built app's HTTP server on `host` and `port` (0: any free port) with the
 * request guard, and resolves once it listens. `serve` uses it, and so does rendering
 * a notebook to a file, which opens its page in Chromium on a loopback port.
 */
export async function listen(options: { dbPath: string; host?: string; port?: string }): Promise<{ server: Server; host: string; port: number }> {
  ensureBuilt();
  // The server side opens the store from this variable.
  process.env.WAYBILL_DB = options.dbPath;
  // Uploads stream to disk under Waybill's own limit (WAYBILL_UPLOAD_LIMIT), not SvelteKit's 512 kB default.
  process.env.BODY_SIZE_LIMIT ??= 'Infinity';
  // SvelteKit's node adapter takes every request for HTTPS unless told otherwise, so
  // it would refuse the sign-in form as cross-site and mark cookies Secure over plain
  // HTTP. It is told what this connection is; behind a proxy that ends TLS, set
  // ORIGIN (or PROTOCOL_HEADER=x-forwarded-proto) and it takes that instead.
  process.env.PROTOCOL_HEADER ??= CONNECTION_PROTOCOL;
  const { handler } = (await import(pathToFileURL(HANDLER).href)) as { handler: Handler };
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  const port = Number(options.port ?? process.env.PORT ?? 3000);
  const allowed = allowedHosts(host, (process.env.WAYBILL_ALLOWED_HOSTS ?? '').split(','));
  const server = createServer((req, res) => {
    cutWhenStalled(req, res, idleTimeoutMs());
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value!);
    if (req.url?.startsWith('/api')) res.setHeader('Content-Security-Policy', API_CSP);
    const refused = refusal(req, allowed);
    if (refused) {
      console.error(`Refused ${req.method} ${req.url}: ${refused.reason}`);
      res.writeHead(refused.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(refused.message);
      return;
    }
    // Set here whatever the client sent: only this server knows how it was reached.
    req.headers[CONNECTION_PROTOCOL] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
    // The guard above has refused every cross-site request that changes state; a request
    // with no Origin is a script's (curl -F, a form-encoded body), not a browser page's. It
    // is given this server's own origin, so SvelteKit's own check, which reads a missing
    // Origin as cross-site, lets it reach the API, which says what to change (415), not 403.
    req.headers.origin ??= process.env.ORIGIN ?? `${req.headers[CONNECTION_PROTOCOL]}://${req.headers.host}`;
    answerBeforeClosing(req, res);
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    });
  });
  allowLongRequests(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return { server, host, port: typeof address === 'object' && address !== null ? address.port : port };
}

/**
 * Prints a one-time link that signs the first admin in (made, without a password,
 * when the store has none), as Jupyter does: whoever can read the server's console
 * may manage it. WAYBILL_SIGN_IN_LINK=off leaves it out.
 */
async function printSignInLink(dbPath: string, url: string): Promise<void> {
  if (process.env.WAYBILL_SIGN_IN_LINK === 'off') return;
  const admin = await ensureAdmin(await openStore(dbPath));
  const token = issueSignInLink(admin);
  console.log(`Open this link to sign in as ${admin} (it works once, within a day):\n\n    ${url}/api/session/link?token=${token}\n`);
}

/** WAYBILL_IDLE_TIMEOUT seconds, else 120. */
function idleTimeoutMs(): number {
  return (Number(process.env.WAYBILL_IDLE_TIMEOUT) || DEFAULT_IDLE_TIMEOUT_S) * 1000;
}

/**
 * Lifts Node's limit on a whole request (300 s): an upload of gigabytes over a
 * slow link may take hours and is fine as long as it keeps sending, which
 * `cutWhenStalled` watches instead. The limit on receiving headers stays.
 */
function allowLongRequests(server: Server): void {
  server.requestTimeout = 0;
}

/**
 * Cuts the connection when the request's body stops arriving for `idleMs`: a
 * client that stalls mid-upload would otherwise hold its partial file and its
 * connection for ever (the upload then fails and its partial file is deleted).
 * A request whose body has all arrived is never cut, however long its answer takes.
 */
function cutWhenStalled(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  // On an idle socket Node asks the request (only while its body is incomplete),
  // then the response, whether they handle it, and destroys the socket when neither does.
  req.setTimeout(idleMs, () => req.socket.destroy());
  res.on('timeout', () => {});
}

/** How long the rest of a refused body is read and discarded after the answer, so the client can read it. */
const LINGER_MS = 5000;

/**
 * SvelteKit destroys the request, and so the connection, when the app stops
 * reading its body: an upload refused mid-stream (413) would reach the client as
 * a reset, its answer lost. Instead the rest of the body is read and discarded
 * while the answer is sent, and the connection is cut only if the body is still
 * arriving `LINGER_MS` after the answer (what web servers call a lingering close).
 */
function answerBeforeClosing(req: IncomingMessage, res: ServerResponse): void {
  const destroy = req.destroy.bind(req);
  req.destroy = ((error?: Error) => {
    if (req.complete || res.writableFinished || req.socket.destroyed) return destroy(error);
    // SvelteKit ignores the data of a body it cancelled, so nothing of it is kept.
    req.resume();
    res.once('finish', () => setTimeout(() => req.complete || req.socket.destroy(), LINGER_MS).unref());
    return req;
  }) as typeof req.destroy;
}

/** Whether a job of the jobs folder has a schedule. */
function hasScheduledJobs(): boolean {
  try {
    return loadJobs(resolveJobsDir()).some((job) => job.schedule !== undefined);
  } catch {
    // A broken job file is the job scheduler's to report.
    return true;
  }
}

/** Builds the web app when missing or stale, and loads the demo on first run. */
export async function prepareDemo(dbPath: string): Promise<void> {
  ensureBuilt();
  await loadDemo(dbPath);
}

/** Loads the demo distributor's logs that `dbPath` lacks: its three streams, and the three linked. */
export async function loadDemo(dbPath: string): Promise<void> {
  const { DEMO_LINKED, DEMO_LOGS, simulateDemo } = await import('./demo.ts');
  const store = await openStore(dbPath);
  const existing = new Set((await listLogs(store)).map((log) => log.name));
  if ([...DEMO_LOGS, DEMO_LINKED].every(({ name }) => existing.has(name))) return;
  const dir = join(dirname(dbPath), 'demo');
  await simulateDemo(dir);
  console.log(`Loading the demo logs into ${dbPath}…`);
  const count = (n: number) => n.toLocaleString('en-US');
  for (const { name, file } of DEMO_LOGS) {
    if (existing.has(name)) continue;
    const summary = await ingestFile(store, join(dir, file), { name });
    console.log(`Loaded "${name}": ${count(summary.events)} events, ${count(summary.cases)} cases.`);
  }
  if (!existing.has(DEMO_LINKED.name)) {
    const { name, files, objects } = DEMO_LINKED;
    const summary = await ingestLinkedFiles(store, files.map((file) => join(dir, file)), { name, objects: parseObjectKeys(objects) });
    const notions = (summary.caseNotions ?? []).map((notion) => `"${notion.name}"`).join(', ');
    console.log(`Loaded "${name}": ${count(summary.events)} events linking ${count(summary.cases)} objects; analyse it as ${notions}.`);
  }
}

/** Builds the web app when it is missing or older than its sources, so a server never runs stale code. */
function ensureBuilt(): void {
  if (!buildIsStale()) return;
  console.log('Building the web app…');
  const vite = join(ROOT, 'node_modules', '.bin', 'vite');
  const result = spawnSync(vite, ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the web app build failed (see above)');
}

function buildIsStale(): boolean {
  if (!existsSync(HANDLER)) return true;
  const built = statSync(HANDLER).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(ROOT, source)) > built);
}

/** The newest modification time under a path, ignoring tests, which are not part of the build. */
function newestMtime(path: string): number {
  if (!existsSync(path) || /\.test\.ts$|[/\\]e2e$/.test(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}
