import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { copyDemoDatabase } from '../../test-support/demo-database.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/**
 * The token every server these tests start is given as WAYBILL_API_TOKEN (the
 * admin role), as automation would: requests and browser pages send it instead
 * of signing in. Random per test process, as a real one would be.
 */
export const E2E_TOKEN = `e2e-${randomBytes(24).toString('hex')}`;
export const AUTHORIZATION = { authorization: `Bearer ${E2E_TOKEN}` };

/** `fetch`, sending the servers' token (a test that needs to be anonymous uses the global one). */
export function authorizedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', AUTHORIZATION.authorization);
  return fetch(input, { ...init, headers });
}

/** A running `waybill demo` (or `serve`) in a temporary folder. */
export interface DemoServer {
  url: string;
  stop(): Promise<void>;
  /** Everything the server has printed so far (the one-time sign-in link among it). */
  output(): string;
}

/**
 * Starts `node bin/waybill.js demo` on a free port and a new database, the way a user
 * starts Waybill (it builds the app when stale and loads the demo log), and resolves
 * once it prints that it is serving. The server runs in its own process group so
 * stop() ends it and anything it started.
 */
export async function startDemoServer(timeoutMs = 170_000, env: Record<string, string> = {}): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-e2e-'));
  // `waybill demo` finds the demo's logs there already, as on its second start, and serves them.
  const database = copyDemoDatabase(join(dir, 'waybill.duckdb'));
  return startWaybill(['demo', '--db', database], timeoutMs, () => rmSync(dir, { recursive: true, force: true }), env);
}

/** What a test's server needs to compute its pages ahead, as a real one does (the others leave it off, so it takes no cores from the tests). */
export const COMPUTE_AHEAD = { WAYBILL_COMPUTE_AHEAD: 'on' };

/**
 * Starts `node bin/waybill.js serve` on a database file (the caller removes it), like
 * startDemoServer; `env` adds to the environment the server is started with.
 */
export async function startServer(dbPath: string, timeoutMs = 170_000, env: Record<string, string> = {}, args: string[] = []): Promise<DemoServer> {
  return startWaybill(['serve', '--db', dbPath, ...args], timeoutMs, () => {}, env);
}

async function startWaybill(args: string[], timeoutMs: number, cleanUp: () => void, env: Record<string, string> = {}): Promise<DemoServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/waybill.js', ...args, '--port', String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', WAYBILL_API_TOKEN: E2E_TOKEN, WAYBILL_COMPUTE_AHEAD: 'off', ...env },
  });
  const stop = async () => {
    await killGroup(child);
    cleanUp();
  };
  let printed = '';
  const keep = (chunk: Buffer) => (printed += chunk.toString());
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    const url = await waitForServing(child, timeoutMs, () => printed);
    return { url, stop, output: () => printed };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves once the server has printed a line matching `pattern`; fails after `timeoutMs` with what it printed. */
export async function printed(server: DemoServer, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pattern.test(server.output())) {
    if (Date.now() > until) throw new Error(`the server did not print ${pattern} within ${timeoutMs / 1000} s; it printed:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Debian's Chromium, headless; never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install chromium (npm test does this)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

function waitForServing(child: ChildProcess, timeoutMs: number, printed: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`waybill demo did not start within ${timeoutMs / 1000}s; it printed:\n${printed()}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    // Read after the caller's own listener has kept the chunk.
    const read = () => {
      const match = /Waybill is serving .* at (http:\/\/\S+)/.exec(printed());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => fail(new Error(`waybill demo exited with code ${code} before serving; it printed:\n${printed()}`)));
  });
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
