import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { CaseList, CaseTimeline, Overview, ProcessMap, Variants } from '../../mining/index.ts';
import { openStore } from '../../mining/index.ts';
import { closeStore } from '../../store/db.ts';
import { realLog } from '../../test-support/real-logs.ts';
import { AUTHORIZATION, authorizedFetch as fetch, launchChromium, startServer, type DemoServer } from './demo-server.ts';

// The case list and the case timeline in Chromium: 100,000 cases made here, and a real log (BPI receipt phase).
const WIDE = 'wide';
const WIDE_CASES = 100_000;
const REAL = 'receipt';

let dir: string;
let server: DemoServer | undefined;
let browser: Browser | undefined;
let page: Page;
const measured: Record<string, number> = {};

/** 100,000 cases of three events, a day apart each, with a region and an amount. */
function writeWideLog(path: string): string {
  const lines = ['case_id,activity,timestamp,region,amount'];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < WIDE_CASES; i++) {
    const at = start + i * 60_000;
    const region = ['north', 'south', 'east', 'west'][i % 4];
    const hours = 1 + (i % 97);
    lines.push(`c${i},Open,${new Date(at).toISOString()},${region},${i % 1000}`);
    lines.push(`c${i},Work,${new Date(at + hours * 1_800_000).toISOString()},,`);
    lines.push(`c${i},Close,${new Date(at + hours * 3_600_000).toISOString()},,`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-cases-'));
  const db = join(dir, 'waybill.duckdb');
  const store = await openStore(db);
  await ingestFile(store, writeWideLog(join(dir, `${WIDE}.csv`)), { name: WIDE });
  await ingestFile(store, realLog('receipt.xes'), { name: REAL });
  await closeStore(db);
  server = await startServer(db);
  browser = await launchChromium();
  page = await browser.newPage({ extraHTTPHeaders: AUTHORIZATION, viewport: { width: 1440, height: 1000 } });
  // A heartbeat every 20 ms tells whether the page's main thread ever stalled.
  await page.addInitScript(() => {
    const probe = window as unknown as { beats: number[] };
    probe.beats = [];
    setInterval(() => probe.beats.push(performance.now()), 20);
  });
  mkdirSync('test-results', { recursive: true });
}, 240_000);

afterAll(async () => {
  console.log(`case list in the browser (ms): ${JSON.stringify(measured)}`);
  writeFileSync('test-results/case-list-times.json', JSON.stringify(measured, null, 2));
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function api<T>(log: string, analysis: string, query = ''): Promise<T> {
  const response = await fetch(`${server!.url}/api/logs/${encodeURIComponent(log)}/${analysis}${query === '' ? '' : `?${query}`}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const rows = () => page.locator('[data-testid=cases-scroller] [role=row]');
const firstCells = async () => rows().first().locator('[role=cell]').allTextContents();

describe('the case list', () => {
  it('shows all 100,000 cases, scrolls to the last without freezing, and sorts', async () => {
    const started = Date.now();
    await page.goto(`${server!.url}/logs/${WIDE}/cases`);
    await expect.poll(() => rows().count(), { timeout: 60_000 }).toBeGreaterThan(10);
    measured.firstRowsMs = Date.now() - started;
    expect((await firstCells())[0]).toBe('c0');
    // The first page shows at once; every case follows as Arrow columns, then the list scrolls and sorts.
    await expect.poll(() => page.getByTestId('cases-summary').textContent(), { timeout: 60_000 }).toContain('100,000 cases; click a column to sort');
    measured.allRowsMs = Date.now() - started;
    // Only the rows in view are in the page.
    expect(await rows().count()).toBeLessThan(100);

    const scroller = page.getByTestId('cases-scroller');
    const from = await page.evaluate(() => performance.now());
    await scroller.evaluate(async (element) => {
      for (let step = 1; step <= 40; step++) {
        element.scrollTop = (element.scrollHeight * step) / 40;
        await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
      }
    });
    await expect.poll(async () => (await rows().last().locator('[role=cell]').first().textContent())).toBe(`c${WIDE_CASES - 1}`);
    const to = await page.evaluate(() => performance.now());
    measured.longestStallWhileScrollingMs = Math.round(
      await page.evaluate(([start, end]) => {
        const beats = [start, ...(window as unknown as { beats: number[] }).beats.filter((b) => b > start && b < end), end];
        return Math.max(...beats.slice(1).map((b, i) => b - beats[i]!));
      }, [from, to] as const),
    );
    // Scrolling never froze the page (a frame is 16 ms; a freeze people notice is a second).
    expect(measured.longestStallWhileScrollingMs).toBeLessThan(1000);

    await page.getByRole('button', { name: 'Duration' }).click();
    const longest = await api<CaseList>(WIDE, 'cases', 'sort=duration&order=desc&limit=1');
    await scroller.evaluate((element) => (element.scrollTop = 0));
    await expect.poll(async () => (await firstCells())[0]).toBe(longest.rows[0]!.case);
    await page.screenshot({ path: 'test-results/cases-100k.png' });
  });

  it('follows the filter: only the cases it keeps', async () => {
    await page.goto(`${server!.url}/logs/${WIDE}/cases?where=region%20%3D%20east`);
    await expect.poll(() => page.getByTestId('cases-summary').textContent(), { timeout: 60_000 }).toContain(`${(WIDE_CASES / 4).toLocaleString('en-US')} cases`);
    expect((await firstCells())[0]).toBe('c2');
    expect(await firstCells()).toContain('east');
    // The same cases download as CSV: a header and one line per case.
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toBe(`/api/logs/${WIDE}/cases.csv?where=region+%3D+east`);
    const csv = (await (await fetch(`${server!.url}${href}`)).text()).trimEnd().split('\r\n');
    expect(csv[0]).toBe('case,start,end,duration_seconds,events,variant,region,amount');
    expect(csv.length - 1).toBe(WIDE_CASES / 4);
    expect(csv[1]!.startsWith('c2,')).toBe(true);
  });
});

describe('from a variant to its cases to one case', () => {
  it('lists exactly the cases of a variant, and opens a case’s timeline with every event', async () => {
    const variant = (await api<Variants>(REAL, 'variants', 'limit=1')).variants[0]!;
    await page.goto(`${server!.url}/logs/${REAL}/variants`);
    await page.locator('tbody tr').first().getByRole('link', { name: 'Cases' }).click();
    await page.waitForURL(new RegExp(`/logs/${REAL}/cases\\?variant=${variant.rank}$`));
    await expect.poll(() => page.getByTestId('cases-summary').textContent(), { timeout: 30_000 }).toContain(`${variant.count.toLocaleString('en-US')} cases`);
    const name = (await firstCells())[0]!;
    await rows().first().getByRole('link').click();
    await page.waitForURL(/\/cases\/[^/?]+/);
    const timeline = await api<CaseTimeline>(REAL, 'case-timeline', `case=${encodeURIComponent(name)}`);
    expect(timeline.events.map((e) => e.activity)).toEqual(variant.activities);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(name);
    await expect(page.locator('ol.events > li strong').allTextContents()).resolves.toEqual(variant.activities);
    await page.screenshot({ path: 'test-results/case-timeline.png', fullPage: true });
  });
});

describe('from the map to the cases behind a path, and on to one of them', () => {
  it('opens the cases of a clicked transition, exactly those the filter keeps, and a case that has it', async () => {
    const map = await api<ProcessMap>(REAL, 'process-map', 'paths=auto');
    await page.goto(`${server!.url}/logs/${REAL}`);
    const texts = page.locator('[data-testid=process-map-chart] svg text');
    await expect.poll(() => texts.count(), { timeout: 60_000 }).toBeGreaterThan(map.activities.length);
    const drawn = await texts.allTextContents();
    // A transition whose label no other text on the map repeats, the busiest such.
    const edge = map.edges.find((e) => drawn.filter((t) => t === e.count.toLocaleString('en-US')).length === 1)!;
    await texts.filter({ hasText: new RegExp(`^${edge.count.toLocaleString('en-US')}$`) }).click();
    await page.waitForURL(/\/cases\?follows=/);
    expect(new URL(page.url()).searchParams.get('follows')).toBe(`${edge.from} -> ${edge.to}`);
    const behind = await api<Overview>(REAL, 'overview', new URLSearchParams({ follows: `${edge.from} -> ${edge.to}` }).toString());
    await expect.poll(() => page.getByTestId('cases-summary').textContent(), { timeout: 30_000 }).toContain(`${behind.cases.toLocaleString('en-US')} cases`);
    await expect(page.getByRole('list', { name: 'Conditions' }).textContent()).resolves.toContain(`${edge.from} → ${edge.to}`);
    await page.screenshot({ path: 'test-results/map-edge-cases.png' });

    await rows().first().getByRole('link').click();
    await page.waitForURL(/\/cases\/[^/?]+/);
    const activities = await page.locator('ol.events > li strong').allTextContents();
    expect(activities.some((a, i) => a === edge.from && activities[i + 1] === edge.to)).toBe(true);
    await page.screenshot({ path: 'test-results/map-edge-case-timeline.png', fullPage: true });
  });
});

describe('every page on a real log', () => {
  it('shows the BPI receipt log on each page, and each page’s first number opens its cases', async () => {
    mkdirSync('test-results/screenshots', { recursive: true });
    const overview = await api<Overview>(REAL, 'overview');
    const views: [path: string, ready: string][] = [
      ['', '[data-testid=process-map-chart] svg text'],
      ['/variants', 'table.data tbody tr'],
      ['/cases', '[data-testid=cases-scroller] [role=row]'],
      ['/cycle-times', '[data-testid=duration-histogram] svg'],
      ['/bottlenecks', '[data-testid=activity-waits] tbody tr'],
      ['/operations', '[data-testid=queue-steps] tbody tr'],
      ['/reconciliation', '[data-testid=order-lines]'],
      ['/loads', '[data-testid=loads] tbody tr'],
    ];
    for (const [path, ready] of views) {
      await page.goto(`${server!.url}/logs/${REAL}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      await expect(page.getByTestId('filter-counts').count()).resolves.toBe(path === '/loads' ? 0 : 1);
      await page.screenshot({ path: `test-results/screenshots/receipt${path.replace('/', '-') || '-map'}.png`, fullPage: true });
    }
    // Not a distribution log: reconciliation says what it lacks rather than showing zeros.
    await page.goto(`${server!.url}/logs/${REAL}/reconciliation`);
    await expect(page.getByTestId('order-lines').textContent()).resolves.toMatch(/Not computable on this log/);
    // Bottlenecks: the busiest wait opens exactly the cases with that activity.
    const bottlenecks = await api<{ activities: { activity: string }[] }>(REAL, 'bottlenecks', 'limit=50');
    const activity = bottlenecks.activities[0]!.activity;
    const expected = await api<Overview>(REAL, 'overview', `has=${encodeURIComponent(activity)}`);
    await page.goto(`${server!.url}/logs/${REAL}/bottlenecks`);
    await page.getByTestId('activity-waits').getByRole('link', { name: activity, exact: true }).click();
    await page.waitForURL(/\/cases\?has=/);
    await expect.poll(async () => (await page.getByTestId('filter-counts').textContent())?.replace(/\s+/g, ' ')).toContain(`${expected.cases.toLocaleString('en-US')} of ${overview.totalCases.toLocaleString('en-US')} cases`);
  });
});
