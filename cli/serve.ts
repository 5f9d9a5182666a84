import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ingestFile, ingestLinkedFiles, parseObjectKeys } from '../ingest/index.ts';
import { listLogs, openStore } from '../mining/index.ts';
import { allowedHosts, API_CSP, refusal, SECURITY_HEADERS } from './request-guard.ts';
import { onShutdown, stopsOnSignal } from './shutdown.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HANDLER = join(ROOT, 'build', 'handler.js');
// What the built server is made of: a change in any of these makes the build stale.
const SOURCES = ['web', 'mining', 'store', 'ingest', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Serves the dashboard and the API from the built SvelteKit app, in this process. */
export async function serve(options: { dbPath: string; host?: string; port?: string; schedule?: boolean; jobsDir?: string }): Promise<void> {
  ensureBuilt();
  // The server side opens the store from this variable.
  process.env.WAYBILL_DB = options.dbPath;
  // Uploads stream to disk under Waybill's own limit (WAYBILL_UPLOAD_LIMIT), not SvelteKit's 512 kB default.
  process.env.BODY_SIZE_LIMIT ??= 'Infinity';
  const { handler } = (await import(pathToFileURL(HANDLER).href)) as { handler: Handler };
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  const port = Number(options.port ?? process.env.PORT ?? 3000);
  const allowed = allowedHosts(host, (process.env.WAYBILL_ALLOWED_HOSTS ?? '').split(','));
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value!);
    if (req.url?.startsWith('/api')) res.setHeader('Content-Security-Policy', API_CSP);
    const refused = refusal(req, allowed);
    if (refused) {
      console.error(`Refused ${req.method} ${req.url}: ${refused.reason}`);
      res.writeHead(refused.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(refused.message);
      return;
    }
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const shown = host.includes(':') ? `[${host}]` : host;
  console.log(`Waybill is serving ${options.dbPath} at http://${shown}:${port}`);
  // Jobs run in the server's process: DuckDB lets one process hold the file, and so the API shows their runs.
  if (options.jobsDir !== undefined) process.env.WAYBILL_JOBS = options.jobsDir;
  const scheduler = options.schedule ? await (await import('./jobs.ts')).startSchedule(options.dbPath, options.jobsDir) : undefined;
  // On SIGINT or SIGTERM: accept no more requests and start no more runs; the
  // shutdown then interrupts what is under way, checkpoints and closes the store.
  stopsOnSignal();
  onShutdown(() => {
    server.close();
    server.closeIdleConnections();
  });
  if (scheduler) onShutdown(() => scheduler.stop());
  await new Promise<void>((resolve) => server.once('close', resolve));
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
