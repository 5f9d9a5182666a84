import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startDemoServer, type DemoServer, AUTHORIZATION } from './demo-server.ts';

// What a person uploading a file is told when it cannot be loaded: what to change, in the page's words.
let server: DemoServer | undefined;
let browser: Browser | undefined;
let page: Page;
const statuses: number[] = [];

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  page = await browser.newPage({ extraHTTPHeaders: AUTHORIZATION, viewport: { width: 1280, height: 900 } });
  page.on('response', (response) => {
    if (response.url().includes('/api/logs?file=')) statuses.push(response.status());
  });
  mkdirSync('test-results', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Neither a server path, nor DuckDB's words, nor a CLI flag. */
function expectForBrowser(text: string | null): void {
  expect(text).not.toMatch(/\/tmp\/|\/work\/|\/home\/|duckdb|Conversion Error|Binder Error|(^|[\s(])--[a-z]/i);
}

describe('upload errors in the browser', () => {
  it('refuses binary data named .csv at once, saying what to send instead', async () => {
    await page.goto(`${server!.url}/upload`);
    await page.locator('input[type=file]').setInputFiles({ name: 'scan.csv', mimeType: 'text/csv', buffer: randomBytes(4096) });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/scan\.csv holds binary data, not CSV text: export the event log as CSV/);
    expectForBrowser(await alert.textContent());
    expect(statuses.at(-1)).toBe(415);
    await page.screenshot({ path: 'test-results/upload-binary.png', fullPage: true });
  });

  it('says how to load a file with bad rows using the page\'s own choices, not a CLI flag', async () => {
    await page.goto(`${server!.url}/upload`);
    await page.locator('input[type=file]').setInputFiles({ name: 'dirty.csv', mimeType: 'text/csv', buffer: Buffer.from('case_id,activity,timestamp\nA,x,2026-01-01T08:00:00Z\nA,y,not a time\n') });
    await page.getByRole('button', { name: 'Load “dirty”' }).click();
    await page.getByRole('heading', { name: 'The load failed' }).waitFor();
    const said = await page.locator('.problem-text').textContent();
    expect(said).toBe('dirty.csv, line 3, column "timestamp": cannot read the timestamp. Nothing was loaded (to load the good rows and keep these aside, choose “set them aside, load the rest” under Bad rows). (value "not a time")');
    expectForBrowser(said);
    await page.screenshot({ path: 'test-results/upload-bad-rows.png', fullPage: true });
  });

  it('refuses a log name holding "@", which case notions use', async () => {
    await page.goto(`${server!.url}/upload`);
    await page.locator('input[type=file]').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from('case_id,activity,timestamp\nA,x,2026-01-01T08:00:00Z\n') });
    await page.getByLabel('Log name').fill('distributor@order');
    await page.getByRole('button', { name: 'Load “distributor@order”' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/"@" is reserved for case notions: "distributor@order" would be the case notion "order" of the object-centric log "distributor"; choose another log name/);
    expectForBrowser(await alert.textContent());
    await page.screenshot({ path: 'test-results/upload-at-name.png', fullPage: true });
  });
});
