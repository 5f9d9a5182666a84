import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import { openStore } from '../../mining/index.ts';
import { closeStore } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { launchChromium, startServer, type DemoServer, AUTHORIZATION } from './demo-server.ts';

// Requests a hostile page can make a browser send, against a real `waybill serve`
// on 127.0.0.1: DNS rebinding (a foreign Host) and cross-site writes (a foreign
// Origin), and the headers that keep pages from running or framing what they should not.

const EVENTS = Array.from({ length: 40 }, (_, i) => `C${i % 10},${['Order', 'Pick', 'Ship', 'Invoice'][Math.floor(i / 10)]},2026-01-0${1 + Math.floor(i / 10)}T08:00:00Z`);

// Script in every value a page shows: case ids, activities, resources, attributes and the log's own name.
const SCRIPT = (n: number) => `<img src=x onerror="window.__xss=${n}"><script>window.__xss=${n}</script>`;
const HOSTILE_CSV = [
  'case_id,activity,timestamp,resource,note',
  ...[1, 2, 3].flatMap((c) => [
    `"${SCRIPT(10 + c).replaceAll('"', '""')}","${SCRIPT(1).replaceAll('"', '""')}",2026-01-0${c}T08:00:00Z,"${SCRIPT(2).replaceAll('"', '""')}","${SCRIPT(3).replaceAll('"', '""')}"`,
    `"${SCRIPT(10 + c).replaceAll('"', '""')}",Ship,2026-01-0${c}T09:00:00Z,bob,"=HYPERLINK(""http://x"")"`,
  ]),
].join('\n');

let dir: string;
let server: DemoServer | undefined;
let browser: Browser | undefined;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-hostile-'));
  const db = join(dir, 'waybill.duckdb');
  const store = await openStore(db);
  await ingestFile(store, writeFixture(dir, 'orders.csv', `case_id,activity,timestamp\n${EVENTS.join('\n')}\n`), { name: 'orders' });
  await ingestFile(store, writeFixture(dir, 'hostile.csv', HOSTILE_CSV), { name: 'hostile' });
  await closeStore(db);
  server = await startServer(db);
  port = Number(new URL(server.url).port);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends one raw request, with exactly the headers given (Host among them) and the servers' token; resolves with status, headers and body. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...AUTHORIZATION, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function eventsOf(log: string): Promise<number> {
  const response = await send('GET', '/api/logs', {});
  const { logs } = JSON.parse(response.body) as { logs: { name: string; events: number }[] };
  return logs.find((l) => l.name === log)?.events ?? 0;
}

describe('a request for a host name Waybill is not known by', () => {
  it('is refused with 421 before any handler runs, for pages and the API', async () => {
    for (const path of ['/', '/logs/orders', '/api/logs', '/api/logs/orders/process-map']) {
      const response = await send('GET', path, { Host: 'rebind.attacker.example' });
      expect(response.status, path).toBe(421);
      expect(response.body).not.toContain('orders');
    }
    // Loopback names in any spelling are Waybill's own.
    for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) expect((await send('GET', '/api/logs', { Host: host })).status, host).toBe(200);
  });

  it('cannot replace a log: the rebinding attack stores nothing', async () => {
    const before = await eventsOf('orders');
    const upload = await send('POST', '/api/logs?file=orders.csv', { Host: 'rebind.attacker.example', 'Content-Type': 'text/csv' }, 'case_id,activity,timestamp\nX,a,2026-01-01T00:00:00Z\nX,b,2026-01-02T00:00:00Z\n');
    expect(upload.status).toBe(421);
    expect(await eventsOf('orders')).toBe(before);
  });
});

describe('a request that changes something, sent from another site', () => {
  const csv = 'case_id,activity,timestamp\nX,a,2026-01-01T00:00:00Z\n';

  it.each([
    ['Origin of another site, CSV body', { Origin: 'http://evil.example', 'Content-Type': 'text/csv' }],
    ['Origin of another site, form body', { Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['Origin of another site, no content type', { Origin: 'http://evil.example' }],
    ['Origin of the same host on another port', { Origin: 'http://127.0.0.1:1' }],
    ['Origin "null" (a sandboxed frame or a file)', { Origin: 'null', 'Content-Type': 'text/plain' }],
    ['no Origin but Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'text/plain' }],
  ])('is refused with 403: %s', async (_, headers) => {
    const response = await send('POST', '/api/logs?file=evil.csv', headers, csv);
    expect(response.status).toBe(403);
    expect(response.body).toBe('A page from another site may not change anything in Waybill.');
    expect(await eventsOf('evil')).toBe(0);
  });

  it('is refused for every method that changes state, the KPI settings among them', async () => {
    const response = await send('PUT', '/api/logs/orders/settings/kpis', { Origin: 'http://evil.example', 'Content-Type': 'application/json' }, '{}');
    expect(response.status).toBe(403);
    expect((await send('DELETE', '/api/logs/orders', { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('is accepted from Waybill’s own pages, and from clients that are no browser', async () => {
    const ownPage = await send('POST', '/api/logs?file=own.csv', { Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'text/csv' }, csv);
    expect(ownPage.status).toBe(201);
    const script = await send('POST', '/api/logs?file=script.csv', { 'Content-Type': 'text/csv' }, csv);
    expect(script.status).toBe(201);
    // A script's form-encoded body (curl's default) is its file, not a cross-site form.
    const curlDefault = await send('POST', '/api/logs?file=curl.csv', { 'Content-Type': 'application/x-www-form-urlencoded' }, csv);
    expect(curlDefault.status).toBe(201);
    // curl -F sends a form post: the API says to send the file itself.
    const boundary = 'curlFormBoundary';
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
    const curlForm = await send('POST', '/api/logs?file=x.csv', { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, form);
    expect(curlForm.status).toBe(415);
    expect(JSON.parse(curlForm.body)).toEqual({ error: "the body is a form post (multipart/form-data), not the file: send the file's bytes themselves as the body" });
    // Reading needs no Origin check: a cross-site page cannot read the answer anyway.
    expect((await send('GET', '/api/logs', { Origin: 'http://evil.example' })).status).toBe(200);
  });
});

describe('script in user values', () => {
  it('is shown as text on every page, never run', async () => {
    const page = await browser!.newPage({ extraHTTPHeaders: AUTHORIZATION });
    try {
      for (const path of ['/', '/logs/hostile', '/logs/hostile/operations']) {
        await page.goto(`${server!.url}${path}`);
        await page.waitForLoadState('networkidle');
        expect(await page.evaluate(() => (window as { __xss?: number }).__xss), path).toBeUndefined();
        expect(await page.locator('img[src=x]').count(), path).toBe(0);
      }
      // The map's activity table shows the name as text.
      await page.goto(`${server!.url}/logs/hostile`);
      await expect.poll(() => page.getByText(SCRIPT(1), { exact: true }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    } finally {
      await page.close();
    }
  });
});

describe('security headers', () => {
  it('give pages a policy that runs no inline script and cannot be framed', async () => {
    const page = await send('GET', '/logs/orders', {});
    expect(page.status).toBe(200);
    const policy = String(page.headers['content-security-policy']);
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('script-src')).toContain("'self'");
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    expect(directives.get('script-src')).not.toContain("'unsafe-eval'");
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('give API answers nosniff and a policy that loads nothing', async () => {
    for (const path of ['/api/logs', '/api/logs/nothing-here']) {
      const response = await send('GET', path, {});
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('leave every page working in Chromium: no policy violation, the map drawn', async () => {
    const page = await browser!.newPage({ extraHTTPHeaders: AUTHORIZATION });
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`Refused to load: CSP ${event.violatedDirective} ${event.blockedURI}`));
    });
    try {
      await page.goto(`${server!.url}/logs/orders`);
      await expect.poll(() => page.locator('[data-testid=process-map-chart] svg text').count(), { timeout: 30_000 }).toBeGreaterThan(3);
      await page.goto(`${server!.url}/logs/orders/operations`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.goto(`${server!.url}/upload`);
      await page.locator('input[type=file]').waitFor({ state: 'attached' });
      await page.goto(`${server!.url}/`);
      await page.getByRole('link', { name: 'orders' }).first().waitFor();
    } finally {
      await page.close();
    }
    expect(violations).toEqual([]);
  });
});
