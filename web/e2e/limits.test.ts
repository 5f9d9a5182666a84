import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type DemoServer, AUTHORIZATION, authorizedFetch as fetch } from './demo-server.ts';

/**
 * The limits of issue 11 as a real `waybill serve` holds them, with small values
 * set through its environment so the test stays quick: what a .gz upload may
 * inflate to (1 MiB), and how long an upload's body may stall (1 s).
 */
const INFLATED_LIMIT = 1024 * 1024;
const IDLE_S = 1;
const HEADER = 'case_id,activity,timestamp\n';
const ROW = 'A,ship,2026-01-05 10:00\n';

let dir: string;
let server: DemoServer | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-limits-'));
  server = await startServer(join(dir, 'waybill.duckdb'), 170_000, { WAYBILL_UPLOAD_DECOMPRESSED_LIMIT: String(INFLATED_LIMIT), WAYBILL_IDLE_TIMEOUT: String(IDLE_S) });
}, 180_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const uploadsDir = () => join(dir, 'uploads');
const stored = () => (existsSync(uploadsDir()) ? readdirSync(uploadsDir()) : []);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * POSTs `file` to the server as a chunked body, written by `send` at its own pace;
 * resolves with the answer, or rejects when the server cuts the connection.
 */
function post(file: string, send: (write: (chunk: string | Buffer) => void) => Promise<void>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${server!.url}/api/logs?file=${file}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...AUTHORIZATION } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      res.on('error', reject);
    });
    req.on('error', reject);
    send((chunk) => req.write(chunk)).then(
      () => req.end(),
      (error: unknown) => req.destroy(error as Error),
    );
  });
}

describe('limits that hold, on a real server', () => {
  it('refuses a gzip bomb with 413 while it streams, and stores nothing of it', async () => {
    // 64 MiB of one row: about 64 KiB of gzip, 64 times the inflated limit.
    const bomb = gzipSync(HEADER + ROW.repeat((64 * 1024 * 1024) / ROW.length));
    const answer = await post('bomb.csv.gz', async (write) => {
      for (let offset = 0; offset < bomb.length; offset += 16 * 1024) write(bomb.subarray(offset, offset + 16 * 1024));
    });
    expect(answer).toEqual({
      status: 413,
      body: { error: 'the file inflates to more than the limit of 1,048,576 bytes once decompressed (WAYBILL_UPLOAD_DECOMPRESSED_LIMIT sets it); send a smaller file' },
    });
    expect(stored()).toEqual([]);
    const logs = (await (await fetch(`${server!.url}/api/logs`)).json()) as { logs: unknown[] };
    expect(logs.logs).toEqual([]);
  });

  it('lets an upload take as long as it keeps sending: a row every 200 ms for three times the idle timeout', async () => {
    const started = Date.now();
    const answer = await post('slow.csv', async (write) => {
      write(HEADER);
      for (let i = 0; i < 15; i++) {
        await pause(200);
        write(`C${i},ship,2026-01-05 10:${String(i).padStart(2, '0')}\n`);
      }
    });
    expect(Date.now() - started).toBeGreaterThan(3 * IDLE_S * 1000);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ file: 'slow.csv', status: 'uploaded' });
    expect(stored()).toEqual([answer.body.upload]);
  });

  it('cuts an upload whose body stalls for the idle timeout, and deletes what it had sent', async () => {
    const before = stored();
    const cut = post('stalled.csv', async (write) => {
      write(HEADER + ROW);
      await pause(3 * IDLE_S * 1000);
      write(ROW);
    });
    await expect(cut).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE/);
    // The server deletes the partial file as the cut body's stream fails.
    for (let i = 0; i < 50 && stored().length > before.length; i++) await pause(50);
    expect(stored()).toEqual(before);
  });
});
