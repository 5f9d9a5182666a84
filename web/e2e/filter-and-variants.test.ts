import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview, Variants } from '../../mining/index.ts';
import { AUTHORIZATION, authorizedFetch as fetch, launchChromium, startDemoServer, type DemoServer } from './demo-server.ts';

// The filter bar and the variants page on `waybill demo` in Debian's Chromium, every number checked against the API.
let server: DemoServer | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  page = await browser.newPage({ extraHTTPHeaders: AUTHORIZATION, viewport: { width: 1440, height: 1000 } });
  mkdirSync('test-results', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const LOG = 'order-to-cash';

async function api<T>(analysis: string, query = ''): Promise<T> {
  const response = await fetch(`${server!.url}/api/logs/${LOG}/${analysis}${query === '' ? '' : `?${query}`}`);
  expect(response.status, `${analysis}?${query}`).toBe(200);
  return (await response.json()) as T;
}

/** The bar's counts line as people read it. */
const counts = (overview: Overview) =>
  `${overview.cases.toLocaleString('en-US')} of ${overview.totalCases.toLocaleString('en-US')} cases`;

async function countsShown(): Promise<string> {
  return ((await page.getByTestId('filter-counts').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

describe('the filter bar', () => {
  it('shows what the filter keeps, and adds an attribute condition chosen from the values the log holds', async () => {
    const whole = await api<Overview>('overview');
    await page.goto(`${server!.url}/logs/${LOG}`);
    await expect.poll(countsShown, { timeout: 30_000 }).toContain(counts(whole));
    expect(await countsShown()).toContain(`${whole.events.toLocaleString('en-US')} of ${whole.totalEvents.toLocaleString('en-US')} events`);

    await page.getByLabel('Add a condition').selectOption('attribute');
    await page.getByLabel('Attribute').selectOption('warehouse');
    await page.getByLabel('Which values').selectOption('in');
    // The values offered are the log's, with their case counts.
    const values = await api<{ values: { value: string; cases: number }[] }>('attribute-values', 'attribute=warehouse');
    const atl = values.values.find((v) => v.value === 'ATL')!;
    await expect.poll(() => page.locator('label.value').filter({ hasText: 'ATL' }).textContent()).toContain(atl.cases.toLocaleString());
    await page.getByLabel('ATL').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/where=warehouse\+in\+%28ATL%29/);
    const kept = await api<Overview>('overview', 'where=warehouse%20in%20(ATL)');
    expect(kept.cases).toBe(atl.cases);
    await expect.poll(countsShown).toContain(counts(kept));
    await expect(page.getByRole('list', { name: 'Conditions' }).textContent()).resolves.toContain('warehouse in (ATL)');
    // The map is of those cases.
    await expect.poll(() => page.locator('dl').first().textContent()).toContain(kept.cases.toLocaleString('en-US'));
    await page.screenshot({ path: 'test-results/filter-attribute.png' });

    // Copy link puts the page's address, filter and all, on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());

    // Back and Forward walk the filter.
    await page.goBack();
    await expect.poll(countsShown).toContain(counts(whole));
    await page.goForward();
    await expect.poll(countsShown).toContain(counts(kept));
  });

  it('keeps the filter from page to page, and a chip removes its condition', async () => {
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.waitForURL(/\/operations\?where=/);
    await expect(page.getByRole('list', { name: 'Conditions' }).textContent()).resolves.toContain('warehouse in (ATL)');
    await page.getByRole('button', { name: 'Remove the condition warehouse in (ATL)' }).click();
    await page.waitForURL((url) => !url.search.includes('where'));
    const whole = await api<Overview>('overview');
    await expect.poll(countsShown).toContain(counts(whole));
    await expect(page.getByRole('list', { name: 'Conditions' }).textContent()).resolves.toContain('No filter');
  });

  it('adds a time window from the date fields and an activity condition, each as the API counts them', async () => {
    await page.goto(`${server!.url}/logs/${LOG}`);
    await page.getByLabel('Add a condition').selectOption('time');
    // The timeline draws a bar per day of the log.
    const whole = await api<Overview>('overview');
    await expect.poll(() => page.locator('svg.timeline rect.all').count()).toBe(whole.timeline.buckets.length);
    await page.getByLabel('From', { exact: true }).fill('2026-01-12');
    await page.getByLabel('To', { exact: true }).fill('2026-01-18');
    await page.getByLabel('Keep cases').selectOption('started');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/from=2026-01-12&to=2026-01-18&timeframe=started/);
    const week = await api<Overview>('overview', 'from=2026-01-12&to=2026-01-18&timeframe=started');
    expect(week.cases).toBeGreaterThan(0);
    expect(week.cases).toBeLessThan(whole.cases);
    await expect.poll(countsShown).toContain(counts(week));

    await page.getByLabel('Add a condition').selectOption('activity');
    await page.getByLabel('Cases that').selectOption('has');
    await page.getByRole('combobox', { name: /^Activity/ }).selectOption('Credit Hold');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/has=Credit\+Hold/);
    const held = await api<Overview>('overview', 'from=2026-01-12&to=2026-01-18&timeframe=started&has=Credit%20Hold');
    await expect.poll(countsShown).toContain(counts(held));
    await expect(page.getByRole('list', { name: 'Conditions' }).textContent()).resolves.toMatch(/Cases started 2026-01-12 to 2026-01-18.*has Credit Hold/);
    await page.screenshot({ path: 'test-results/filter-time-activity.png' });
    await page.getByRole('button', { name: 'Clear all' }).click();
    await expect.poll(countsShown).toContain(counts(whole));
  });

  it('says why a filter cannot be applied, and shows the whole log', async () => {
    await page.goto(`${server!.url}/logs/${LOG}?where=${encodeURIComponent('warehouse between 1 and 2')}`);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/This filter cannot be applied: warehouse holds varchar values; a range needs numbers or times/);
    await expect.poll(countsShown).toContain(counts(await api<Overview>('overview')));
    await expect.poll(() => page.locator('[data-testid=process-map-chart] svg text').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  });
});

describe('the variants page', () => {
  it('lists a page of variants with share, cumulative share and duration, and pages on', async () => {
    const first = await api<Variants>('variants', 'limit=50');
    await page.goto(`${server!.url}/logs/${LOG}/variants`);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(Math.min(50, first.variantCount));
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells[1]).toBe(first.variants[0]!.count.toLocaleString());
    expect(cells[3]).toContain(`${(first.variants[0]!.cumulativeShare * 100).toFixed(1)}%`);
    expect(await rows.first().locator('.sequence li').first().textContent()).toBe(first.variants[0]!.activities[0]);
    await expect(page.getByText(`1–50 of ${first.variantCount.toLocaleString()} variants`)).toBeDefined();
    await page.screenshot({ path: 'test-results/variants.png' });

    expect(first.variantCount).toBeGreaterThan(50);
    await page.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL(/page=2/);
    const second = await api<Variants>('variants', 'limit=50&offset=50');
    await expect.poll(async () => (await rows.first().locator('td').allTextContents())[0]).toBe('51');
    expect((await rows.first().locator('td').allTextContents())[1]).toBe(second.variants[0]!.count.toLocaleString());
  });

  it('opens the map of one variant’s cases', async () => {
    await page.goto(`${server!.url}/logs/${LOG}/variants`);
    const third = (await api<Variants>('variants', 'limit=3')).variants[2]!;
    await page.locator('tbody tr').nth(2).getByRole('link', { name: 'Map' }).click();
    await page.waitForURL(new RegExp(`/logs/${LOG}\\?variant=${third.rank}$`));
    await expect.poll(countsShown).toContain(`${third.count.toLocaleString('en-US')} of`);
    await expect(page.getByRole('list', { name: 'Conditions' }).textContent()).resolves.toContain(`variant ${third.rank}`);
  });
});
