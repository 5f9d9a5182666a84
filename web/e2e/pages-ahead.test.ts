import { readFileSync } from 'node:fs';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realLog } from '../../test-support/real-logs.ts';
import { AUTHORIZATION, authorizedFetch as fetch, launchChromium, COMPUTE_AHEAD, printed, startDemoServer, type DemoServer } from './demo-server.ts';

// The server computes every page of every log ahead, at start and after each load: a page
// opened first then asks the API only for answers it remembers. Checked from the browser,
// which sees, in each answer's Server-Timing, whether it was remembered ("hit") or computed.
let server: DemoServer | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  server = await startDemoServer(170_000, COMPUTE_AHEAD);
  await printed(server, /Computed \d+ pages of every log ahead/);
  browser = await launchChromium();
  page = await browser.newPage({ extraHTTPHeaders: AUTHORIZATION, viewport: { width: 1440, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Each remembered-or-computed answer the page's clicks fetch: its path and how it was found. */
function answersWhile(page: Page): { answers: { path: string; source: string }[]; stop: () => void } {
  const answers: { path: string; source: string }[] = [];
  const seen = (response: Response) => {
    const source = /result;desc=(\w+)/.exec(response.headers()['server-timing'] ?? '')?.[1];
    if (source !== undefined) answers.push({ path: decodeURIComponent(new URL(response.url()).pathname + new URL(response.url()).search), source });
  };
  page.on('response', seen);
  return { answers, stop: () => page.off('response', seen) };
}

const TABS = ['Operations', 'Bottlenecks', 'Variants', 'Cycle times', 'Cases', 'Reconciliation', 'Process map'];

describe('pages computed ahead', () => {
  it('answers every page of a log, opened for the first time from its tabs, from what the server computed at start', async () => {
    await page.goto(`${server!.url}/logs/order-to-cash/loads`);
    await page.locator('[data-testid=loads] tbody tr').first().waitFor();
    const { answers, stop } = answersWhile(page);
    for (const tab of TABS) {
      await page.getByRole('navigation', { name: 'Views of this log' }).getByRole('link', { name: tab, exact: true }).click();
      await page.waitForLoadState('networkidle');
    }
    stop();
    // Each page asked for its own analyses: at least one per tab, the operations page six.
    expect(answers.length).toBeGreaterThanOrEqual(TABS.length + 5);
    expect(answers.filter((answer) => answer.source !== 'hit')).toEqual([]);
  });

  it('answers the role start pages from memory too', async () => {
    await page.goto(`${server!.url}/`);
    const { answers, stop } = answersWhile(page);
    await page.getByTestId('role-card').first().click();
    await page.waitForLoadState('networkidle');
    stop();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.source !== 'hit')).toEqual([]);
  });

  it('computes a log’s pages again after an upload loads it, and a filtered view when asked', async () => {
    const uploaded = await fetch(`${server!.url}/api/logs?file=running-example.csv`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: readFileSync(realLog('running-example.csv')) });
    const { upload } = (await uploaded.json()) as { upload: string };
    expect((await fetch(`${server!.url}/api/uploads/${upload}/load`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'requests' }) })).status).toBe(202);
    await printed(server!, /Computed \d+ pages of "requests" ahead/, 60_000);
    await page.goto(`${server!.url}/logs/requests/loads`);
    await page.locator('[data-testid=loads] tbody tr').first().waitFor();
    const { answers, stop } = answersWhile(page);
    await page.getByRole('navigation', { name: 'Views of this log' }).getByRole('link', { name: 'Operations', exact: true }).click();
    await page.waitForLoadState('networkidle');
    stop();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.source !== 'hit')).toEqual([]);
    // A filter nobody asked for before is computed on request, then remembered.
    const path = `${server!.url}/api/logs/requests/variants?has=reject%20request`;
    expect((await fetch(path)).headers.get('server-timing')).toBe('result;desc=miss');
    expect((await fetch(path)).headers.get('server-timing')).toBe('result;desc=hit');
  });
});
