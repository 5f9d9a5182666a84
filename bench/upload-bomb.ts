/**
 * The gzip bomb of issue 11, against a real `waybill serve` with its default
 * limits: a .csv.gz of a few tens of megabytes that inflates to 3.2 GB is sent
 * to POST /api/logs, optionally loaded (--load), and the server's peak resident
 * memory (VmHWM of its process) is printed after each step.
 *
 *   node_modules/.bin/tsx bench/upload-bomb.ts [--inflated-gb 3.2] [--load] [--bomb PATH]
 *
 * `--bomb PATH` keeps the gzip at PATH (written when missing) to send it again.
 * The server gets this process's environment: set WAYBILL_MEMORY_LIMIT and the
 * other limits there. A benchmark, not a test: it writes gigabytes and takes minutes.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { freePort } from '../web/e2e/demo-server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const inflatedBytes = Number(args[args.indexOf('--inflated-gb') + 1] ?? 3.2) * 1e9 || 3.2e9;
const load = args.includes('--load');
const keptBomb = args.includes('--bomb') ? args[args.indexOf('--bomb') + 1] : undefined;

/** Rows of nine events per order, orders numbered on: repetitive enough to compress about 140 to 1, like the reported bomb. */
function* rows(): Generator<string> {
  yield 'case_id,activity,timestamp,resource,note\n';
  const note = 'standard delivery; no exception recorded; pallet wrapped and labelled at the dock door; '.repeat(3);
  let written = 0;
  for (let order = 0; written < inflatedBytes; order++) {
    let block = '';
    for (let step = 0; step < 9; step++) block += `O${order},step ${step},2026-01-0${1 + step}T10:00:00Z,clerk ${step},${note}\n`;
    written += block.length;
    yield block;
  }
}

async function writeBomb(path: string): Promise<void> {
  await pipeline(Readable.from(rows()), createGzip({ level: 9 }), createWriteStream(path));
}

/** The peak resident memory of a process so far, in MiB (Linux). */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-bomb-'));
  const bomb = keptBomb ?? join(dir, 'bomb.csv.gz');
  try {
    if (!existsSync(bomb)) {
      console.log(`Writing a gzip that inflates to ${(inflatedBytes / 1e9).toFixed(1)} GB…`);
      await writeBomb(bomb);
    }
    console.log(`bomb.csv.gz: ${(statSync(bomb).size / 1e6).toFixed(1)} MB`);
    const port = await freePort();
    const server = spawn(process.execPath, ['bin/waybill.js', 'serve', '--db', join(dir, 'waybill.duckdb'), '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, WAYBILL_API_TOKEN: TOKEN } });
    await new Promise<void>((resolve) => server.stdout!.on('data', (chunk: Buffer) => /Waybill is serving/.test(chunk.toString()) && resolve()));
    const pid = server.pid!;
    const url = `http://127.0.0.1:${port}`;
    console.log(`server ${pid} started: peak RSS ${peakRssMiB(pid)} MiB`);
    try {
      const started = Date.now();
      const answer = await send(`${url}/api/logs?file=bomb.csv.gz`, bomb);
      const body = JSON.parse(answer.text) as { upload?: string; error?: string };
      console.log(`upload: ${answer.status} in ${((Date.now() - started) / 1000).toFixed(1)} s ${body.error ?? ''}; server peak RSS ${peakRssMiB(pid)} MiB`);
      if (load && body.upload) await loadAndWait(url, body.upload, pid);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** POSTs a file as a chunked body, as a browser streams an upload. */
function send(url: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    createReadStream(path).pipe(req);
  });
}

/** The server's start-up token (WAYBILL_API_TOKEN): the bench acts as automation with the admin role. */
const TOKEN = randomBytes(24).toString('hex');

async function loadAndWait(url: string, upload: string, pid: number): Promise<void> {
  const started = Date.now();
  await fetch(`${url}/api/uploads/${upload}/load`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } });
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const state = (await (await fetch(`${url}/api/uploads/${upload}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { status: string; error?: string; result?: { events: number } };
    const line = `load: ${state.status} after ${((Date.now() - started) / 1000).toFixed(0)} s; server peak RSS ${peakRssMiB(pid)} MiB`;
    if (state.status === 'loading') {
      console.log(line);
      continue;
    }
    console.log(`${line} ${state.error ?? `${state.result?.events} events`}`);
    return;
  }
}

await main();
