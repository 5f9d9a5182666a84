import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOrderToCashCsv } from '../datasets/order-to-cash/index.ts';
import { WAYBILL_BIN } from '../test-support/waybill-cli.ts';
import { authorizedFetch as fetch, E2E_TOKEN } from '../web/e2e/demo-server.ts';
import { freePort } from '../web/e2e/demo-server.ts';
import { DEMO_LINKED, DEMO_LOGS, simulateDemo } from './demo.ts';

/**
 * Stopping Waybill never breaks its store. A real `waybill demo` is stopped by
 * SIGINT, SIGTERM or SIGKILL at many moments (during the demo's load, right
 * after it, during an upload's load, during a pull job, while serving requests);
 * after each, it starts again, and every log it holds has exactly its event
 * count and one load: a committed load is whole, an interrupted one is absent.
 * A stop by SIGINT or SIGTERM also leaves the database checkpointed (no
 * write-ahead log left).
 */

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
type Signal = (typeof SIGNALS)[number];

/** A `waybill` process in its own process group, its output collected. */
class Waybill {
  readonly child: ChildProcess;
  output = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [WAYBILL_BIN, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOST: '127.0.0.1', WAYBILL_API_TOKEN: E2E_TOKEN } });
    const read = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout!.on('data', read);
    this.child.stderr!.on('data', read);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once the output matches `pattern`; fails if the process ends first. */
  async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
    const started = Date.now();
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`waybill ended before printing ${pattern}:\n${this.output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`waybill did not print ${pattern} within ${timeoutMs / 1000} s:\n${this.output}`);
      await sleep(10);
    }
  }

  /** Sends `signal` to the process group, as Ctrl-C or a service manager would, and waits for the exit. */
  async stop(signal: Signal): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    process.kill(-this.child.pid!, signal);
    const timeout = sleep(60_000).then(() => 'hung' as const);
    const outcome = await Promise.race([this.exited, timeout]);
    if (outcome === 'hung') {
      process.kill(-this.child.pid!, 'SIGKILL');
      throw new Error(`waybill did not stop within 60 s of ${signal}:\n${this.output}`);
    }
    return outcome;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let root: string;
let template: string;
let upload: { path: string; events: number };
let demoEvents: Record<string, number>;
let ready: string;

/** A new folder with the simulated demo files in place, and the path of its (not yet existing) database. */
function freshFolder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  cpSync(template, join(dir, 'demo'), { recursive: true });
  return join(dir, 'waybill.duckdb');
}

/** A new folder holding a copy of a database with the demo loaded. */
function readyFolder(name: string): string {
  const db = freshFolder(name);
  copyFileSync(ready, db);
  return db;
}

/** Starts `waybill demo` on `db`; resolves with the process and its URL once it serves. */
async function startDemo(db: string, extra: string[] = []): Promise<{ waybill: Waybill; url: string }> {
  const waybill = new Waybill(['demo', '--db', db, '--port', String(await freePort()), ...extra]);
  const [, url] = await waybill.waitFor(/Waybill is serving .* at (http:\/\/\S+)/);
  return { waybill, url: url! };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** How a stop went: a SIGKILL kills; SIGINT and SIGTERM end the process itself, with the database checkpointed and closed. */
async function stopAndCheck(waybill: Waybill, signal: Signal, db: string): Promise<void> {
  const exit = await waybill.stop(signal);
  if (signal === 'SIGKILL') {
    expect(exit.signal).toBe('SIGKILL');
    return;
  }
  expect(exit.signal, waybill.output).toBeNull();
  expect([0, 130, 143], waybill.output).toContain(exit.code);
  expect(existsSync(`${db}.wal`), `a write-ahead log was left after ${signal}:\n${waybill.output}`).toBe(false);
}

/**
 * Starts Waybill again on `db` and checks every log: the demo's three with
 * exactly their counts, `others` absent or with exactly theirs (those in
 * `committed` present), each log with exactly one load; then stops it cleanly.
 */
async function restartAndCheck(db: string, others: Record<string, number> = {}, committed: string[] = []): Promise<Record<string, number>> {
  const { waybill, url } = await startDemo(db);
  try {
    const { logs } = await getJson<{ logs: { name: string; events: number; objectTypes: string[] | null }[] }>(`${url}/api/logs`);
    const held = Object.fromEntries(logs.map((log) => [log.name, log.events]));
    const objectCentric = new Set(logs.filter((log) => log.objectTypes !== null).map((log) => log.name));
    for (const [name, events] of Object.entries(demoEvents)) expect(held[name], name).toBe(events);
    for (const name of committed) expect(held[name], `${name} was committed before the stop`).toBeDefined();
    for (const [name, events] of Object.entries(held)) {
      if (name in demoEvents) continue;
      expect(others[name], `unexpected log ${name}`).toBeDefined();
      expect(events, name).toBe(others[name]);
    }
    for (const name of Object.keys(held)) {
      const { loads } = await getJson<{ loads: unknown[] }>(`${url}/api/logs/${encodeURIComponent(name)}/loads`);
      expect(loads, name).toHaveLength(1);
      if (objectCentric.has(name)) continue;
      // The rows back the stated count.
      const map = await getJson<{ events: number }>(`${url}/api/logs/${encodeURIComponent(name)}/process-map`);
      expect(map.events, name).toBe(held[name]);
    }
    return held;
  } finally {
    await stopAndCheck(waybill, 'SIGTERM', db);
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'waybill-stop-'));
  template = join(root, 'demo-files');
  await simulateDemo(template);
  const summary = await writeOrderToCashCsv(join(root, 'upload.csv'), { seed: 5, events: 300_000 });
  upload = { path: join(root, 'upload.csv'), events: summary.events };
  // The reference: the demo loaded without interruption, and a clean stop.
  ready = freshFolder('reference');
  const { waybill, url } = await startDemo(ready);
  const { logs } = await getJson<{ logs: { name: string; events: number }[] }>(`${url}/api/logs`);
  demoEvents = Object.fromEntries(logs.map((log) => [log.name, log.events]));
  const notions = ['PO line', 'order', 'order line', 'purchase order', 'shipment'].map((type) => `${DEMO_LINKED.name}@${type}`);
  expect(Object.keys(demoEvents).sort()).toEqual([...DEMO_LOGS.map((log) => log.name), DEMO_LINKED.name, ...notions].sort());
  await stopAndCheck(waybill, 'SIGTERM', ready);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm start', () => {
  it('stops when a service manager sends SIGTERM to npm alone, so the next start opens the database', async () => {
    const db = readyFolder('npm-start');
    // `npm start -- …` runs the start script through sh; npm passes SIGTERM on to that child only.
    const npm = spawn('npm', ['start', '--silent', '--', '--db', db, '--port', String(await freePort())], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOST: '127.0.0.1', WAYBILL_API_TOKEN: E2E_TOKEN } });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    while (!/Waybill is serving/.test(output)) {
      if (npm.exitCode !== null) throw new Error(`npm start ended:\n${output}`);
      await sleep(20);
    }
    npm.kill('SIGTERM');
    await exited;
    // Waybill itself stopped (checkpointed, closed): the database opens again at once.
    const again = await startDemo(db);
    await stopAndCheck(again.waybill, 'SIGTERM', db);
  }, 120_000);
});

describe('stopping waybill', () => {
  const stops: string[] = [];
  afterAll(() => console.log(`stop points: ${stops.length}\n${stops.join('\n')}`));

  it.each(SIGNALS)('during the demo load, by %s, leaves every committed log whole', async (signal) => {
    for (const moment of ['first load', 'after the first log']) {
      const db = freshFolder(`demo-${signal}-${moment.replaceAll(' ', '-')}`);
      const waybill = new Waybill(['demo', '--db', db, '--port', String(await freePort())]);
      if (moment === 'first load') {
        await waybill.waitFor(/Loading the demo logs/);
        await sleep(300);
      } else {
        await waybill.waitFor(/Loaded "order-to-cash"/);
      }
      const committed = [...waybill.output.matchAll(/Loaded "([^"]+)"/g)].map((m) => m[1]!);
      await stopAndCheck(waybill, signal, db);
      stops.push(`demo load, ${moment}, ${signal}: ${committed.length} of 4 logs committed before the stop`);
      // The restart loads the demo logs the stop left out; the committed ones are not loaded twice.
      await restartAndCheck(db);
    }
  }, 300_000);

  it.each(SIGNALS)('right after the demo load, by %s, keeps it', async (signal) => {
    const db = freshFolder(`ready-${signal}`);
    const { waybill } = await startDemo(db);
    await stopAndCheck(waybill, signal, db);
    stops.push(`right after the demo load, ${signal}`);
    await restartAndCheck(db);
  }, 300_000);

  it.each(SIGNALS)('during an upload\'s load, by %s, leaves the upload absent or whole', async (signal) => {
    for (const phase of ['reading', 'storing'] as const) {
      const db = readyFolder(`upload-${signal}-${phase}`);
      const { waybill, url } = await startDemo(db);
      const posted = await fetch(`${url}/api/logs?file=upload.csv`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: readFileSync(upload.path) });
      expect(posted.status).toBe(201);
      const { upload: id } = (await posted.json()) as { upload: string };
      const started = await fetch(`${url}/api/uploads/${id}/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'upload' }) });
      expect(started.status).toBe(202);
      let state: { status: string; progress: { phase: string; fraction: number } | null };
      for (;;) {
        state = await getJson(`${url}/api/uploads/${id}`);
        if (state.status !== 'loading') break;
        if (state.progress?.phase === phase && (phase === 'storing' || state.progress.fraction >= 0.3)) break;
        await sleep(20);
      }
      await stopAndCheck(waybill, signal, db);
      stops.push(`upload load, ${phase} (${state.status}, ${state.progress?.phase} ${state.progress?.fraction.toFixed(2)}), ${signal}`);
      await restartAndCheck(db, { upload: upload.events }, state.status === 'loaded' ? ['upload'] : []);
    }
  }, 300_000);

  it.each(SIGNALS)('during a pull job, by %s, leaves the job\'s log absent or whole', async (signal) => {
    const db = readyFolder(`job-${signal}`);
    const jobs = join(root, `jobs-${signal}`);
    mkdirSync(join(jobs, 'inbox'), { recursive: true });
    writeFileSync(join(jobs, 'drops.json'), JSON.stringify({ kind: 'folder', log: 'drops', schedule: '* * * * * *', path: 'inbox', settleSeconds: 0 }));
    copyFileSync(upload.path, join(jobs, 'inbox', 'week.csv'));
    const { waybill, url } = await startDemo(db, ['--schedule', '--jobs', jobs]);
    for (;;) {
      const { runs } = await getJson<{ runs: { status: string }[] }>(`${url}/api/jobs/runs`);
      if (runs.some((run) => run.status === 'running')) break;
      await sleep(20);
    }
    await sleep(400);
    await stopAndCheck(waybill, signal, db);
    stops.push(`pull job under way, ${signal}`);
    await restartAndCheck(db, { drops: upload.events });
  }, 300_000);

  it.each(SIGNALS)('while serving requests, by %s, keeps every log', async (signal) => {
    const db = readyFolder(`serving-${signal}`);
    const { waybill, url } = await startDemo(db);
    const routes = ['process-map', 'variants', 'kpis', 'queue-aging', 'bottlenecks', 'exceptions', 'case-distribution'];
    let stopping = false;
    let answered = 0;
    const clients = Array.from({ length: 6 }, async (_, i) => {
      for (let n = i; !stopping; n++) {
        const route = routes[n % routes.length]!;
        const log = DEMO_LOGS[n % DEMO_LOGS.length]!.name;
        await fetch(`${url}/api/logs/${log}/${route}`).then((r) => r.arrayBuffer().then(() => answered++), () => undefined);
      }
    });
    await sleep(1500);
    stopping = true;
    await stopAndCheck(waybill, signal, db);
    await Promise.all(clients);
    expect(answered).toBeGreaterThan(0);
    stops.push(`serving requests (${answered} answered), ${signal}`);
    await restartAndCheck(db);
  }, 300_000);
});
