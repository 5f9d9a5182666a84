import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bottlenecks, CaseDurationDistribution, DurationBreakdown, ExceptionTrends, MilestoneDurations, Overview, QueueAging, Reconciliation } from '../../mining/index.ts';
import type { LoadHistory } from '../../mining/loads/index.ts';
import { seriousViolations } from './accessibility.ts';
import { AUTHORIZATION, authorizedFetch as fetch, launchChromium, startDemoServer, type DemoServer } from './demo-server.ts';

// The analysis pages (cycle times, bottlenecks, reconciliation, loads) on `waybill demo` in Debian's
// Chromium: each number checked against the API, each click-through landing on exactly its cases,
// downloads, the dark scheme, and axe-core on every page.
let server: DemoServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
const firstData: Record<string, number> = {};

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  context = await browser.newContext({ extraHTTPHeaders: AUTHORIZATION, viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  mkdirSync('test-results/screenshots', { recursive: true });
});

afterAll(async () => {
  writeFileSync('test-results/analysis-pages-first-data.json', `${JSON.stringify(firstData, null, 2)}\n`);
  await browser?.close();
  await server?.stop();
});

const LOG = 'order-to-cash';

async function api<T>(log: string, analysis: string, query = ''): Promise<T> {
  const response = await fetch(`${server!.url}/api/logs/${encodeURIComponent(log)}/${analysis}${query === '' ? '' : `?${query}`}`);
  expect(response.status, `${analysis}?${query}`).toBe(200);
  return (await response.json()) as T;
}

/** Opens a page and waits until `ready` shows, recording the time from navigation to that first data. */
async function open(path: string, ready: string, name: string): Promise<void> {
  const started = Date.now();
  await page.goto(`${server!.url}${path}`);
  await page.getByTestId(ready).first().waitFor({ timeout: 30_000 });
  firstData[name] = Date.now() - started;
}

/** The case list's count line once it has loaded, e.g. "220 of 3,090 cases". */
async function caseCountShown(): Promise<string> {
  return ((await page.getByTestId('filter-counts').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function expectNoSeriousViolations(what: string, on: Page = page): Promise<void> {
  const violations = await seriousViolations(on);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

describe('the cycle-times page', () => {
  it('shows the percentiles, and each histogram bin opens exactly its cases', async () => {
    const distribution = await api<CaseDurationDistribution>(LOG, 'case-distribution', 'bins=40');
    await open(`/logs/${LOG}/cycle-times`, 'duration-histogram', 'cycle-times');
    const stats = page.getByTestId('cycle-stats');
    await expect.poll(() => stats.textContent()).toContain(distribution.cases.toLocaleString('en-US'));
    await page.screenshot({ path: 'test-results/screenshots/cycle-times.png', fullPage: true });
    await expectNoSeriousViolations('cycle times');

    await page.getByText('The bins as a table').click();
    // Every bin's link keeps exactly the bin's cases: no case in two bins, none in none.
    const hrefs = await page.getByTestId('histogram-table').locator('tbody a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')!));
    const nonEmpty = distribution.histogram.filter((bin) => bin.count > 0);
    expect(hrefs).toHaveLength(nonEmpty.length);
    for (const [i, href] of hrefs.entries()) {
      const query = new URL(href, server!.url).searchParams;
      expect((await api<Overview>(LOG, 'overview', query.toString())).cases, href).toBe(nonEmpty[i]!.count);
    }
    const link = page.getByTestId('histogram-table').locator('tbody a').first();
    await link.click();
    await page.waitForURL(/\/cases\?.*min-duration=/);
    await expect.poll(caseCountShown).toContain(`${nonEmpty[0]!.count.toLocaleString('en-US')} of`);
  });

  it('breaks durations down by an attribute whose values open their cases, and measures a milestone', async () => {
    const breakdown = await api<DurationBreakdown>(LOG, 'duration-breakdown', 'by=customer_tier');
    await open(`/logs/${LOG}/cycle-times?by=customer_tier`, 'breakdown', 'cycle-times-breakdown');
    const first = breakdown.buckets.find((b) => b.kind === 'value')!;
    await page.getByTestId('breakdown').getByRole('link', { name: first.label, exact: true }).click();
    await page.waitForURL(/\/cases\?where=customer_tier/);
    // customer_tier is the order's: every event of a case carries the same value, so the breakdown's count is the filter's.
    await expect.poll(caseCountShown).toContain(`${first.cases.toLocaleString('en-US')} of`);

    await page.goto(`${server!.url}/logs/${LOG}/cycle-times`);
    await page.getByLabel('Milestone start').selectOption('Order Validated');
    await page.getByLabel('Milestone end').selectOption('Shipped');
    await page.getByRole('button', { name: 'Measure' }).click();
    await page.waitForURL(/milestone-from=Order\+Validated&milestone-to=Shipped/);
    const milestone = await api<MilestoneDurations>(LOG, 'milestones', 'milestone-from=Order%20Validated&milestone-to=Shipped&bins=40');
    await expect.poll(() => page.getByTestId('cycle-stats').textContent()).toContain(`Measured${milestone.measured.toLocaleString('en-US')}`);
  });

  it('downloads a chart as PNG and as SVG', async () => {
    await open(`/logs/${LOG}/cycle-times`, 'duration-histogram', 'cycle-times');
    const chart = page.locator('.wrap', { has: page.getByTestId('duration-histogram') });
    await chart.hover();
    const [png] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('order-to-cash-cycle-time-histogram.png');
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
    const [svg] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'SVG' }).click()]);
    const text = readFileSync((await svg.path())!, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('<rect');
  });
});

describe('the bottlenecks page', () => {
  it('ranks the activities cases wait for, opens their cases, and exports each table as CSV', async () => {
    const bottlenecks = await api<Bottlenecks>(LOG, 'bottlenecks', 'rank-by=total&limit=50');
    await open(`/logs/${LOG}/bottlenecks`, 'activity-waits', 'bottlenecks');
    await expectNoSeriousViolations('bottlenecks');
    await page.screenshot({ path: 'test-results/screenshots/bottlenecks.png', fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('section', { has: page.getByTestId('handoffs') }).getByRole('button', { name: 'CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toBe('From → to,Count,Median (seconds),Total (seconds)');
    expect(csv).toHaveLength(bottlenecks.handoffs.length + 1);
    const top = bottlenecks.handoffs[0]!;
    expect(csv[1]).toBe(`${top.from} → ${top.to},${top.count},${top.medianSeconds},${top.totalSeconds}`);

    const wait = bottlenecks.activities[0]!;
    const expected = await api<Overview>(LOG, 'overview', `has=${encodeURIComponent(wait.activity)}`);
    await page.getByTestId('activity-waits').getByRole('link', { name: wait.activity, exact: true }).click();
    await page.waitForURL(/\/cases\?has=/);
    await expect.poll(caseCountShown).toContain(`${expected.cases.toLocaleString('en-US')} of`);
  });
});

describe('the reconciliation page', () => {
  it('shows ordered against shipped against invoiced; a line opens its timeline and a SKU its PO lines', async () => {
    const reconciliation = await api<Reconciliation>('distributor', 'reconciliation', 'limit=200');
    await open('/logs/distributor/reconciliation', 'order-line-variances', 'reconciliation');
    await expect.poll(() => page.getByTestId('order-lines').textContent()).toContain(reconciliation.orderLines.totals!.lines.toLocaleString('en-US'));
    await page.screenshot({ path: 'test-results/screenshots/reconciliation.png', fullPage: true });
    await expectNoSeriousViolations('reconciliation');

    const line = reconciliation.orderLines.variances[0]!.line;
    await page.getByTestId('order-line-variances').getByRole('link', { name: line, exact: true }).click();
    await page.waitForURL(`**/logs/distributor%40order%20line/cases/${encodeURIComponent(line)}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(line);

    await page.goBack();
    const sku = reconciliation.purchaseLines.bySku[0]!;
    await page.getByTestId('sku-match').getByRole('link', { name: sku.sku, exact: true }).click();
    await page.waitForURL(/distributor%40PO%20line\/cases\?where=sku/);
    await expect.poll(caseCountShown).toContain(`${sku.lines.toLocaleString('en-US')} of`);
  });
});

/** The count a cases link opens, as the API's overview answers its filter. */
async function casesBehind(href: string, log = LOG): Promise<number> {
  const query = new URL(href, server!.url).searchParams.toString();
  return (await api<Overview>(log, 'overview', query)).cases;
}

describe('click-through from the operations page', () => {
  it('opens exactly the cases behind each KPI tile, queue bucket and exception point', async () => {
    await open(`/logs/${LOG}/operations`, 'queue-steps', 'operations');
    await page.screenshot({ path: 'test-results/screenshots/operations.png', fullPage: true });
    const kpis = await api<{ kpis: { id: string; counts: Record<string, number> }[] }>(LOG, 'kpis');
    const counts = (id: string) => kpis.kpis.find((k) => k.id === id)!.counts;

    // KPI tiles: the exception rate's exceptional orders and the others; the cycle time's measured orders.
    const tile = (id: string) => page.getByTestId(`kpi-${id}`);
    const exceptional = await tile('exception_rate').getByRole('link', { name: 'Cases counted' }).getAttribute('href');
    const unexceptional = await tile('exception_rate').getByRole('link', { name: 'not counted' }).getAttribute('href');
    expect(await casesBehind(exceptional!)).toBe(counts('exception_rate').exceptional);
    expect(await casesBehind(unexceptional!)).toBe(counts('exception_rate').orders! - counts('exception_rate').exceptional!);
    expect(await casesBehind((await tile('order_cycle_time').getByRole('link', { name: 'Cases counted' }).getAttribute('href'))!)).toBe(counts('order_cycle_time').orders);
    const touchless = counts('touchless_order_rate');
    expect(await casesBehind((await tile('touchless_order_rate').getByRole('link', { name: 'Cases counted' }).getAttribute('href'))!)).toBe(touchless.touchless);
    expect(await casesBehind((await tile('touchless_order_rate').getByRole('link', { name: 'not counted' }).getAttribute('href'))!)).toBe(touchless.completed! - touchless.touchless!);
    // The fill rate counts units, not cases: no link, rather than a wrong one.
    expect(await page.getByTestId('kpi-fill_rate').getByRole('link').count()).toBe(0);

    // Every bucket of every step, and every step's total.
    const aging = await api<QueueAging>(LOG, 'queue-aging');
    const rows = page.getByTestId('queue-steps').locator('tbody tr');
    expect(await rows.count()).toBe(aging.steps.length);
    let buckets = 0;
    for (const [i, step] of aging.steps.entries()) {
      const links = rows.nth(i).locator('td a');
      const hrefs = await links.evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')!));
      const nonEmpty = step.buckets.filter((b) => b.count > 0);
      expect(hrefs).toHaveLength(nonEmpty.length);
      for (const [k, bucket] of nonEmpty.entries()) expect(await casesBehind(hrefs[k]!), `${step.activity} ${bucket.label}`).toBe(bucket.count);
      expect(await casesBehind((await rows.nth(i).locator('th a').getAttribute('href'))!), step.activity).toBe(step.count);
      buckets += nonEmpty.length;
    }
    expect(buckets).toBeGreaterThan(3);

    // Every point of every exception type, by week of case start.
    const trends = await api<ExceptionTrends>(LOG, 'exceptions');
    await page.getByText(/Cases with each exception per/).click();
    const cells = await page.getByTestId('exception-periods').locator('tbody a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')!));
    const points = trends.types.flatMap((type) => type.series.filter((p) => p.cases > 0).map((p) => p.cases));
    expect(cells.length).toBe(points.length);
    const opened = [];
    for (const href of cells) opened.push(await casesBehind(href));
    expect(opened.sort()).toEqual([...points].sort());

    // And by clicking, through the browser: the first bucket link lands on its cases.
    const first = aging.steps[0]!;
    const firstBucket = first.buckets.find((b) => b.count > 0)!;
    await rows.first().locator('td a').first().click();
    await page.waitForURL(/\/cases\?/);
    await expect.poll(caseCountShown).toContain(`${firstBucket.count.toLocaleString('en-US')} of`);
    await page.screenshot({ path: 'test-results/screenshots/queue-bucket-cases.png', fullPage: true });
  });
});

describe('operations controls', () => {
  it('sets a service level per step and the moment ages are measured at, in the URL', async () => {
    await open(`/logs/${LOG}/operations`, 'queue-steps', 'operations');
    const aging = await api<QueueAging>(LOG, 'queue-aging');
    const step = aging.steps[0]!.activity;
    await page.getByText('Service levels per step').click();
    await page.getByLabel(`SLA for ${step}`).fill('2d');
    await page.getByTestId('sla-settings').getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.getAll('sla').includes(`${step}=2d`));
    const withSla = await api<QueueAging>(LOG, 'queue-aging', `sla=${encodeURIComponent(`${step}=2d`)}`);
    const over = withSla.steps.find((s) => s.activity === step)!.overSla!;
    await expect.poll(() => page.getByTestId('queue-steps').locator('tbody tr').first().textContent()).toContain(over.toLocaleString('en-US'));
    expect(over).toBeGreaterThan(0);

    // Opened until it shows: the queue panel streams in again after the SLA's navigation, closed.
    const settings = page.getByTestId('queue-settings');
    await expect
      .poll(async () => {
        if (!(await settings.isVisible())) await page.getByText(/Change end activities, silence and the moment/).click();
        return settings.isVisible();
      })
      .toBe(true);
    await page.getByLabel(/^As of/).fill('2026-02-01');
    await page.getByTestId('queue-settings').getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/as-of=2026-02-01/);
    const earlier = await api<QueueAging>(LOG, 'queue-aging', 'as-of=2026-02-01');
    await expect.poll(() => page.getByTestId('open-cases').textContent()).toBe(earlier.openCases.toLocaleString('en-US'));
    // At a chosen moment the counts say why they do not open their cases.
    expect(await page.getByTestId('queue-steps').locator('td a').count()).toBe(0);
  });
});

describe('role start pages', () => {
  it('shows each role its panels, every panel with data on the demo, and a count opens exactly its cases', async () => {
    const roles = (await (await fetch(`${server!.url}/api/roles`)).json()) as { roles: { id: string; title: string; panels: unknown[] }[] };
    await page.goto(`${server!.url}/`);
    await expect(page.getByTestId('role-card').count()).resolves.toBe(roles.roles.length);
    for (const role of roles.roles) {
      await open(`/roles/${role.id}`, 'role-panel', `role ${role.id}`);
      const panels = page.getByTestId('role-panel');
      expect(await panels.count(), role.id).toBe(role.panels.length);
      // No panel says its data could not be had: the built-in roles fit the demo.
      expect(await page.locator('[data-testid="role-panel"] .problem').count(), role.id).toBe(0);
      await page.screenshot({ path: `test-results/screenshots/role-${role.id}.png`, fullPage: true });
      await expectNoSeriousViolations(`start page ${role.id}`);
    }

    // Customer service: the credit holds' queue row opens exactly the holds waiting.
    await page.goto(`${server!.url}/roles/customer-service`);
    const holds = page.getByTestId('role-panel').filter({ hasText: 'Credit holds and their ages' });
    const aging = await api<QueueAging>(LOG, 'queue-aging');
    const waiting = aging.steps.find((step) => step.activity === 'Credit Hold')!;
    await holds.getByRole('link', { name: 'Credit Hold', exact: true }).click();
    await page.waitForURL(/\/logs\/order-to-cash\/cases\?/);
    await expect.poll(caseCountShown).toContain(`${waiting.count.toLocaleString('en-US')} of`);
  });
});

describe('the filter bar’s duration range and case notion', () => {
  it('chooses a duration range by dragging across the histogram, and switches a linked log’s case notion', async () => {
    await page.goto(`${server!.url}/logs/${LOG}/variants`);
    await page.getByLabel('Add a condition').selectOption('duration');
    const histogram = page.getByTestId('duration-range');
    await histogram.waitFor();
    const box = (await histogram.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect(page.getByLabel('At least').inputValue()).resolves.toMatch(/^\d+$/);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/min-duration=\d+&max-duration=\d+/);
    const query = new URL(page.url()).searchParams;
    const kept = await api<Overview>(LOG, 'overview', `min-duration=${query.get('min-duration')}&max-duration=${query.get('max-duration')}`);
    expect(kept.cases).toBeGreaterThan(0);
    await expect.poll(caseCountShown).toContain(`${kept.cases.toLocaleString('en-US')} of`);

    await page.goto(`${server!.url}/logs/${encodeURIComponent('distributor@order')}/cycle-times`);
    const notion = page.getByTestId('notion-switch');
    await notion.waitFor();
    await notion.selectOption('distributor@shipment');
    await page.waitForURL(/\/logs\/distributor%40shipment\/cycle-times/);
    await page.getByTestId('duration-histogram').waitFor();
  });
});

describe('keyboard access', () => {
  /** Presses Tab until the focused element's text is `text` (at most `limit` times). */
  async function tabTo(text: string, limit = 80): Promise<void> {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');
      if (focused === text) return;
    }
    throw new Error(`Tab never reached “${text}”`);
  }

  it('reaches a page, its histogram’s bins and their cases without a mouse', async () => {
    await page.goto(`${server!.url}/logs/${LOG}`);
    await page.getByTestId('filter-counts').waitFor();
    await tabTo('Cycle times');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/cycle-times$/);
    await page.getByTestId('duration-histogram').waitFor();
    await tabTo('The bins as a table');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/cases\?.*min-duration=/);
    await expect.poll(caseCountShown).toMatch(/^[\d,]+ of /);
  });
});

describe('the loads page', () => {
  it('lists what went into the log, without a filter bar that would change nothing', async () => {
    const history = await api<LoadHistory>(LOG, 'loads');
    await open(`/logs/${LOG}/loads`, 'loads', 'loads');
    const rows = page.getByTestId('loads').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(history.loads.length);
    await expect(rows.first().textContent()).resolves.toContain(history.loads[0]!.rowsRead.toLocaleString('en-US'));
    expect(await page.getByTestId('filter-counts').count()).toBe(0);
    await expectNoSeriousViolations('loads');
  });
});

describe('the colour scheme', () => {
  it('follows the system’s dark setting, and the toggle’s choice survives a reload', async () => {
    const dark = await browser!.newContext({ extraHTTPHeaders: AUTHORIZATION, colorScheme: 'dark', viewport: { width: 1440, height: 1000 } });
    const darkPage = await dark.newPage();
    const background = () => darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await darkPage.goto(`${server!.url}/logs/${LOG}/cycle-times`);
    await darkPage.getByTestId('duration-histogram').waitFor();
    expect(await background()).toBe('rgb(14, 21, 32)');
    // The chart's axis labels follow the scheme too.
    const label = darkPage.getByTestId('duration-histogram').locator('text').first();
    await expect.poll(() => label.getAttribute('fill')).not.toBe('#64748b');
    await darkPage.screenshot({ path: 'test-results/screenshots/cycle-times-dark.png', fullPage: true });
    await expectNoSeriousViolations('cycle times, dark', darkPage);

    // System → dark → light: the light choice holds against the system's dark setting, after a reload too.
    await darkPage.getByTestId('theme-toggle').click();
    await darkPage.getByTestId('theme-toggle').click();
    expect(await background()).toBe('rgb(245, 247, 250)');
    await darkPage.reload();
    await darkPage.getByTestId('duration-histogram').waitFor();
    expect(await background()).toBe('rgb(245, 247, 250)');
    await dark.close();
  });
});

describe('accessibility', () => {
  it('every page has no serious or critical WCAG 2.1 A/AA violation (axe-core)', async () => {
    const pages: [string, string][] = [
      ['/', 'log list'],
      [`/logs/${LOG}`, 'process map'],
      [`/logs/${LOG}/variants`, 'variants'],
      [`/logs/${LOG}/cases`, 'cases'],
      [`/logs/${LOG}/cases/${encodeURIComponent('SO-1000001')}`, 'case timeline'],
      [`/logs/${LOG}/operations`, 'operations'],
      [`/logs/${LOG}?has=Credit%20Hold`, 'filtered map'],
      ['/logs/distributor', 'case notions'],
      ['/upload', 'upload'],
      ['/admin', 'users and access'],
      ['/audit', 'audit'],
    ];
    const found: Record<string, unknown> = {};
    for (const [path, name] of pages) {
      await page.goto(`${server!.url}${path}`);
      await page.waitForLoadState('networkidle');
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[name] = violations;
    }
    expect(found).toEqual({});
  });
});

describe('the reader’s locale', () => {
  it('formats counts and dates the reader’s way, the same from the server as after hydration', async () => {
    const overview = await api<Overview>(LOG, 'overview');
    const german = await browser!.newContext({ extraHTTPHeaders: AUTHORIZATION, locale: 'de-DE', viewport: { width: 1440, height: 1000 } });
    const germanPage = await german.newPage();
    const errors: string[] = [];
    germanPage.on('console', (message) => {
      if (message.type() === 'error' || /hydration/i.test(message.text())) errors.push(message.text());
    });
    await germanPage.goto(`${server!.url}/logs/${LOG}/loads`);
    await germanPage.getByTestId('loads').waitFor();
    const loadedAt = new Date((await api<LoadHistory>(LOG, 'loads')).loads[0]!.loadedAt);
    const day = loadedAt.toLocaleDateString('de-DE', { dateStyle: 'medium', timeZone: 'UTC' });
    await expect(germanPage.getByTestId('loads').textContent()).resolves.toContain(day);
    await germanPage.goto(`${server!.url}/logs/${LOG}/variants`);
    const counts = germanPage.getByTestId('filter-counts');
    await expect.poll(() => counts.textContent()).toContain(overview.totalCases.toLocaleString('de-DE'));
    expect(overview.totalCases.toLocaleString('de-DE')).toContain('.');
    expect(errors).toEqual([]);
    await german.close();
  });
});
