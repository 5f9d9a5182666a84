import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanizeSeconds } from '../../mining/format.ts';
import type { ProcessMap } from '../../mining/index.ts';
import { defaultPathShare, simplifyPaths } from '../../mining/process-map/simplify.ts';
import { realLog } from '../../test-support/real-logs.ts';
import { launchChromium, startDemoServer, type DemoServer, AUTHORIZATION, authorizedFetch as fetch } from './demo-server.ts';

// The real thing: `waybill demo` on a fresh database, Debian's Chromium, the demo log.
let server: DemoServer | undefined;
let browser: Browser | undefined;
let page: Page;
let map: ProcessMap;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  page = await browser.newPage({ extraHTTPHeaders: AUTHORIZATION, viewport: { width: 1440, height: 1000 } });
  const response = await fetch(`${server.url}/api/logs/order-to-cash/process-map`);
  expect(response.status).toBe(200);
  map = (await response.json()) as ProcessMap;
  mkdirSync('test-results', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const CHART_TEXT = '[data-testid=process-map-chart] svg text';

/** The chart's SVG texts in document order (a wrapped name is several consecutive texts). */
async function chartTexts(): Promise<string[]> {
  return page.locator(CHART_TEXT).allTextContents();
}

/** Whether `name` is drawn whole: one text, or consecutive texts that join into it. */
function drawn(texts: string[], name: string): boolean {
  return texts.some((_, start) => {
    let joined = '';
    for (const text of texts.slice(start)) {
      joined = joined === '' ? text : `${joined} ${text}`;
      if (joined === name) return true;
      if (!name.startsWith(joined)) return false;
    }
    return false;
  });
}

const DURATION = /^-?\d+(ms|s|m|h|d|y)( \d+(s|m|h|d))?$/;

describe('process map in the browser', () => {
  it('goes from the list of logs to the order-to-cash map', async () => {
    await page.goto(server?.url ?? '');
    const link = page.getByRole('link', { name: 'order-to-cash', exact: true });
    await link.click();
    await page.waitForURL(/\/logs\/order-to-cash/);
    await expect.poll(async () => (await chartTexts()).length, { timeout: 30_000 }).toBeGreaterThan(map.activities.length);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('order-to-cash');
    await expect(page.locator('dl').textContent()).resolves.toContain(map.cases.toLocaleString('en-US'));
  });

  it('draws every activity of the demo log as SVG text in the chart', async () => {
    expect(map.activities.length).toBeGreaterThanOrEqual(8);
    const texts = await chartTexts();
    const missing = map.activities.map((activity) => activity.name).filter((name) => !drawn(texts, name));
    expect(missing).toEqual([]);
    // Each node shows its event count under its name.
    for (const activity of map.activities) expect(texts).toContain(activity.count.toLocaleString('en-US'));
    await page.screenshot({ path: 'test-results/process-map.png', fullPage: true });
  });

  it('draws the map, opened directly, at a legible size that fills its frame', async () => {
    await page.goto(`${server?.url}/logs/order-to-cash`);
    await page.locator(CHART_TEXT).first().waitFor();
    const { frame, drawn, name } = await page.evaluate(() => {
      const chart = document.querySelector('[data-testid=process-map-chart]') as HTMLElement;
      const texts = [...chart.querySelectorAll('svg text')] as SVGTextElement[];
      const boxes = texts.map((text) => text.getBoundingClientRect());
      const frame = chart.getBoundingClientRect();
      return {
        frame: { width: frame.width, height: frame.height },
        drawn: { width: Math.max(...boxes.map((b) => b.right)) - Math.min(...boxes.map((b) => b.left)), height: Math.max(...boxes.map((b) => b.bottom)) - Math.min(...boxes.map((b) => b.top)) },
        name: texts.find((text) => text.textContent === 'Order Captured')?.getBoundingClientRect().height ?? 0,
      };
    });
    // Activity names in their 13 px font, not shrunk; the map fills the frame's height (it is taller than wide).
    expect(name).toBeGreaterThanOrEqual(10);
    expect(drawn.height).toBeGreaterThan(frame.height * 0.8);
    expect(drawn.width).toBeLessThanOrEqual(frame.width);
  });

  it('labels edges with counts, then with median durations in the performance view', async () => {
    const before = await chartTexts();
    expect(before.filter((text) => DURATION.test(text))).toEqual([]);
    const busiest = map.edges[0];
    expect(before).toContain(busiest?.count.toLocaleString('en-US'));

    await page.getByText('Performance', { exact: true }).click();
    await page.waitForURL(/view=performance/);
    await expect.poll(async () => (await chartTexts()).filter((text) => DURATION.test(text)).length).toBeGreaterThan(0);
    const after = await chartTexts();
    // Every transition on the map says its median (the map opens with the default share of paths).
    const shown = simplifyPaths(map, defaultPathShare(map));
    const medians = shown.edges.map((edge) => humanizeSeconds(edge.duration.median));
    for (const median of medians) expect(after).toContain(median);
    expect(after.filter((text) => DURATION.test(text)).length).toBe(medians.length);
    // Names stay; only the edge labels changed.
    expect(map.activities.every((activity) => drawn(after, activity.name))).toBe(true);
    await page.screenshot({ path: 'test-results/process-map-performance.png', fullPage: true });
  });

  it('switches the performance view to the total time of each handoff', async () => {
    await page.getByLabel('Time').selectOption('total');
    await page.waitForURL(/stat=total/);
    const shown = simplifyPaths(map, defaultPathShare(map));
    const totals = shown.edges.map((edge) => humanizeSeconds(edge.duration.sum));
    await expect.poll(async () => {
      const drawnTexts = new Set(await chartTexts());
      return totals.filter((total) => !drawnTexts.has(total));
    }).toEqual([]);
    await expect(page.locator('.legend').textContent()).resolves.toContain('total time');
    await page.screenshot({ path: 'test-results/process-map-total.png', fullPage: true });
  });

  it('lists the activities in a table below the map', async () => {
    const rows = page.getByRole('table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(map.activities.length);
    await expect(rows.first().locator('th').textContent()).resolves.toBe(map.activities[0]?.name);
  });

  it('says clearly when a log does not exist', async () => {
    const response = await page.goto(`${server?.url}/logs/no-such-log`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('There is no log named “no-such-log”');
  });
});

describe('uploading a log in the browser', () => {
  it('previews a CSV, takes the chosen mapping and name, shows progress and opens the new log', async () => {
    const csv = [
      'Ticket;Step;When;Agent',
      'T-1;Opened;2026-01-05 08:00;ann',
      'T-1;Closed;2026-01-05 09:30;bob',
      'T-2;Opened;2026-01-06 10:00;ann',
      'T-2;Escalated;2026-01-06 10:20;cat',
      'T-2;Closed;2026-01-07 16:00;bob',
    ].join('\n');
    await page.goto(`${server!.url}/`);
    await page.getByRole('link', { name: 'Upload a log' }).click();
    await page.locator('input[type=file]').setInputFiles({ name: 'tickets.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await page.getByRole('heading', { name: 'tickets.csv' }).waitFor();
    // The preview shows the rows; no column has a name Waybill knows, so the roles come from the values, and the user can change them.
    expect(await page.locator('table.data tbody tr').count()).toBe(5);
    expect(await page.getByLabel('Case').inputValue()).toBe('Ticket');
    expect(await page.getByLabel('Timestamp').inputValue()).toBe('When');
    await page.getByLabel('Case').selectOption('Ticket');
    await page.getByLabel('Activity').selectOption('Step');
    await page.getByLabel('Timestamp').selectOption('When');
    await page.getByLabel('Resource').selectOption('Agent');
    await page.getByLabel('Log name').fill('help desk');
    await page.screenshot({ path: 'test-results/upload-preview.png', fullPage: true });
    await page.getByRole('button', { name: 'Load “help desk”' }).click();
    await page.getByRole('heading', { name: 'Loaded “help desk”' }).waitFor();
    expect(await page.locator('section.card').textContent()).toContain('5 events, 2 cases, 3 activities');
    await page.getByRole('link', { name: 'Open its process map' }).click();
    await page.locator(CHART_TEXT).first().waitFor();
    expect(drawn(await chartTexts(), 'Escalated')).toBe(true);
  });

  it('says why a file cannot be loaded, and stores nothing', async () => {
    await page.goto(`${server!.url}/upload`);
    await page.locator('input[type=file]').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('case_id,activity,timestamp\nA,x,not a time\n') });
    await page.getByRole('button', { name: 'Load “broken”' }).click();
    await page.getByRole('heading', { name: 'The load failed' }).waitFor();
    expect(await page.locator('.problem-text').textContent()).toMatch(/line 2, column "timestamp": cannot read the timestamp/);
    const logs = (await (await fetch(`${server!.url}/api/logs`)).json()) as { logs: { name: string }[] };
    expect(logs.logs.map((l) => l.name)).not.toContain('broken');
  });
});

describe('a failed upload in the browser', () => {
  it('shows why, and loads the same upload again with another mapping, time zone and bad-row policy, sending the file once', async () => {
    const csv = [
      'Order;Step;Time;Driver',
      'D-1;Booked;05/01/2026 08:00;ann',
      'D-1;Delivered;05/01/2026 17:30;bob',
      'D-2;Booked;13/01/2026 09:00;ann',
      'D-2;Delivered;n/a;cat',
      'D-3;Booked;14/01/2026 10:00;bob',
      'D-3;Delivered;15/01/2026 12:00;cat',
    ].join('\n');
    const posts: string[] = [];
    const count = (request: import('playwright-core').Request) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname);
    };
    page.on('request', count);
    try {
      await page.goto(`${server!.url}/upload`);
      await page.locator('input[type=file]').setInputFiles({ name: 'deliveries.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
      await page.getByRole('heading', { name: 'deliveries.csv' }).waitFor();
      expect(await page.getByLabel('Timestamp').inputValue()).toBe('Time');
      const failure = () => page.locator('section.problem[role=alert]');

      // A wrong timestamp column.
      await page.getByLabel('Timestamp').selectOption('Step');
      await page.getByRole('button', { name: 'Load “deliveries”' }).click();
      await failure().getByRole('heading', { name: 'The load failed' }).waitFor();
      expect(await failure().locator('.problem-text').textContent()).toMatch(/column "Step": cannot read the timestamp/);
      await page.screenshot({ path: 'test-results/upload-failed.png', fullPage: true });

      // The right column, and a time zone with a typo.
      await page.getByLabel('Timestamp').selectOption('Time');
      await page.getByLabel('Time zone').fill('Europe/Berln');
      await page.getByRole('button', { name: 'Load again “deliveries”' }).click();
      await page.getByRole('alert').filter({ hasText: /unknown time zone "Europe\/Berln"/ }).waitFor();

      // The zone fixed: now the row without a time is refused, naming its line.
      await page.getByLabel('Time zone').fill('Europe/Berlin');
      await page.getByRole('button', { name: 'Load again “deliveries”' }).click();
      await failure().filter({ hasText: /line 5, column "Time": cannot read the timestamp/ }).waitFor();

      // Set it aside, and the rest loads.
      await page.getByLabel('Bad rows').selectOption('quarantine');
      await page.getByRole('button', { name: 'Load again “deliveries”' }).click();
      await page.getByRole('heading', { name: 'Loaded “deliveries”' }).waitFor();
      expect(await page.locator('section.card').textContent()).toContain('5 events, 3 cases, 2 activities');
      expect(await page.locator('section.card').textContent()).toContain('1 bad rows set aside');
    } finally {
      page.off('request', count);
    }
    expect(posts.filter((path) => path === '/api/logs')).toHaveLength(1);
    expect(posts.filter((path) => /^\/api\/uploads\/[0-9a-f-]+\/load$/.test(path))).toHaveLength(4);
    // Naive times were read in Berlin: 08:00 there is 07:00 UTC.
    const logs = (await (await fetch(`${server!.url}/api/logs`)).json()) as { logs: { name: string; firstTimestamp: string }[] };
    expect(new Date(logs.logs.find((l) => l.name === 'deliveries')!.firstTimestamp).toISOString()).toBe('2026-01-05T07:00:00.000Z');
  });
});

describe('operations page in the browser', () => {
  it('shows KPIs, bottlenecks, queue aging and exception trends of the order-to-cash log', async () => {
    const kpis = (await (await fetch(`${server!.url}/api/logs/order-to-cash/kpis`)).json()) as { kpis: { id: string; value: number | null; reason: string | null }[] };
    const touchless = kpis.kpis.find((kpi) => kpi.id === 'touchless_order_rate');
    const otif = kpis.kpis.find((kpi) => kpi.id === 'otif');
    expect(touchless?.value).toBeTypeOf('number');
    expect(otif?.reason).toMatch(/^not computable/);

    await page.goto(`${server!.url}/logs/order-to-cash/operations`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('order-to-cash');
    // The touchless rate as a percentage with one decimal; OTIF says why it has no number.
    const touchlessCard = page.getByTestId('kpi-touchless_order_rate');
    await expect(touchlessCard.textContent()).resolves.toContain(`${((touchless?.value ?? 0) * 100).toFixed(1)}%`);
    // OTIF is one line of the KPIs the log cannot support, naming what it misses.
    const otifCard = page.getByTestId('kpis-not-computable').getByTestId('kpi-otif');
    await expect(otifCard.locator('.reason').textContent()).resolves.toBe(otif?.reason?.replace('not computable: missing ', ''));
    expect(await otifCard.textContent()).not.toMatch(/\d%/);

    const bottlenecks = (await (await fetch(`${server!.url}/api/logs/order-to-cash/bottlenecks?rank-by=total&limit=10`)).json()) as {
      handoffs: { from: string; to: string; count: number }[];
    };
    const first = page.getByTestId('handoffs').locator('tbody tr').first();
    const top = bottlenecks.handoffs[0];
    await expect(first.locator('th').textContent()).resolves.toBe(`${top?.from} → ${top?.to}`);
    await expect(first.locator('td').first().textContent()).resolves.toBe(top?.count.toLocaleString('en-US'));

    // The queue-aging chart draws bars with the busiest step's name on its axis.
    const aging = page.getByTestId('queue-aging-chart');
    await aging.locator('svg, canvas').first().waitFor();
    await expect.poll(async () => aging.locator('svg path').count()).toBeGreaterThan(4);
    await expect(page.getByTestId('oldest-cases').locator('tbody tr').count()).resolves.toBeGreaterThan(0);

    await page.getByTestId('exception-chart').locator('svg').first().waitFor();
    await expect(page.getByTestId('exception-types').locator('tbody tr').count()).resolves.toBeGreaterThan(0);

    // The busiest resource, as the API's resource workload ranks it.
    const workload = (await (await fetch(`${server!.url}/api/logs/order-to-cash/resource-workload?limit=10`)).json()) as { resources: { resource: string; events: number }[] };
    const busiest = page.getByTestId('resource-workload').locator('tbody tr').first();
    await expect(busiest.locator('th').textContent()).resolves.toBe(workload.resources[0]?.resource);
    await expect(busiest.locator('td').first().textContent()).resolves.toBe(workload.resources[0]?.events.toLocaleString('en-US'));
    await page.screenshot({ path: 'test-results/operations.png', fullPage: true });

    // The tabs lead back to the process map.
    await page.getByRole('link', { name: 'Process map', exact: true }).click();
    await page.waitForURL(/\/logs\/order-to-cash$/);
    await page.getByRole('link', { name: 'Operations', exact: true }).waitFor();

    // From the operations page, the slowest handoff opens the list of exactly the cases that have it.
    await page.getByRole('link', { name: 'Operations', exact: true }).click();
    await page.waitForURL(/\/logs\/order-to-cash\/operations$/);
    await page.getByTestId('handoffs').locator('tbody tr').first().locator('th a').click();
    await page.waitForURL(/\/order-to-cash\/cases\?follows=/);
    const behind = (await (await fetch(`${server!.url}/api/logs/order-to-cash/overview?${new URLSearchParams({ follows: `${top?.from} -> ${top?.to}` })}`)).json()) as { cases: number };
    await expect.poll(() => page.getByTestId('cases-summary').textContent(), { timeout: 30_000 }).toContain(`${behind.cases.toLocaleString('en-US')} cases`);
  });
});

describe('an object-centric log in the browser', () => {
  it('opens from the list as a choice of case notions, each opening its map and its operations', async () => {
    await page.goto(server?.url ?? '');
    await page.getByRole('link', { name: 'distributor', exact: true }).click();
    await page.waitForURL(/\/logs\/distributor$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('distributor');
    await expect(page.getByText(/An object-centric log: 61,670 events/).count()).resolves.toBe(1);
    const notions = await page.locator('tbody th a').allTextContents();
    expect(notions).toEqual(['PO line', 'order', 'order line', 'purchase order', 'shipment']);
    await page.screenshot({ path: 'test-results/case-notions.png', fullPage: true });
    await page.getByRole('link', { name: 'order', exact: true }).click();
    await page.waitForURL(/\/logs\/distributor%40order$|\/logs\/distributor@order$/);
    await expect.poll(async () => (await chartTexts()).length, { timeout: 30_000 }).toBeGreaterThan(10);
    // The operations view of the object-centric log offers the same choice, each opening that notion's operations.
    await page.goto(`${server?.url}/logs/distributor/operations`);
    await page.getByRole('row', { name: /^shipment/ }).getByRole('link', { name: 'Operations' }).click();
    await page.waitForURL(/\/logs\/distributor(%40|@)shipment\/operations$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('distributor@shipment');
  });
});

/** Text shown on the page that is serialized JSON: an element starting `{"…` or `["…`, or holding an object's `{ "key":`. */
async function rawJson(): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')].flatMap((element) => {
      const text = (element as HTMLElement).innerText ?? '';
      return /^\s*[[{]"/.test(text) || /\{\s*"[^"]+"\s*:/.test(text) ? [`${element.tagName}: ${text.slice(0, 80)}`] : [];
    }),
  );
}

describe('operations page of a log that is not a distribution log', () => {
  it('says what each KPI misses, maps one to the log’s activities and keeps it, and picks exception types from them', async () => {
    // The textbook running example (compensation requests), uploaded as an analyst would.
    const uploaded = await fetch(`${server!.url}/api/logs?file=running-example.csv`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: readFileSync(realLog('running-example.csv')) });
    expect(uploaded.status).toBe(201);
    const { upload } = (await uploaded.json()) as { upload: string };
    expect((await fetch(`${server!.url}/api/uploads/${upload}/load`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'requests' }) })).status).toBe(202);
    await expect.poll(async () => ((await (await fetch(`${server!.url}/api/uploads/${upload}`)).json()) as { status: string }).status, { timeout: 30_000 }).toBe('loaded');

    await page.goto(`${server!.url}/logs/requests/operations`);
    // Nothing distributional here: every KPI is one line naming what it misses; no tiles, no JSON, no <pre>.
    const lacking = page.getByTestId('kpis-not-computable');
    await expect(lacking.locator('li').count()).resolves.toBe(8);
    await expect(page.getByRole('list', { name: 'Key performance indicators' }).count()).resolves.toBe(0);
    await expect(lacking.getByTestId('kpi-order_cycle_time').locator('.reason').textContent()).resolves.toBe('activity "Order Captured"; activity "Payment Received"');
    await expect(lacking.getByTestId('kpi-fill_rate').locator('.reason').textContent()).resolves.toContain('attribute "quantity_allocated"');
    await expect(page.getByTestId('exceptions-note').textContent()).resolves.toContain('choose which of this log’s activities are exceptions');
    expect(await rawJson()).toEqual([]);
    expect(await page.locator('main pre').count()).toBe(0);
    await page.screenshot({ path: 'test-results/operations-non-distribution.png', fullPage: true });

    // Order cycle time from the log's own activities: every case an order, register request → pay compensation.
    await page.getByRole('button', { name: 'Map to this log: Order cycle time' }).click();
    const form = page.getByTestId('kpi-mapping-order_cycle_time');
    await form.getByLabel('Orders are the cases with').selectOption({ label: 'every case' });
    await form.getByLabel('From').selectOption('register request');
    await form.getByLabel('To').selectOption('pay compensation');
    await page.screenshot({ path: 'test-results/operations-map-kpi.png' });
    await form.getByRole('button', { name: 'Save for this log' }).click();
    // Cases 2, 3 and 6 are paid: 9d 0h, 15d 20h and 9d 20h; the median is 9d 20h.
    const tile = page.getByRole('list', { name: 'Key performance indicators' }).getByTestId('kpi-order_cycle_time');
    await expect.poll(async () => tile.locator('.value').textContent().catch(() => null)).toBe(humanizeSeconds(852_300));
    await expect(lacking.locator('li').count()).resolves.toBe(7);

    // Saved with the log: a reload computes it again, and the API has the settings.
    await page.reload();
    await expect(tile.locator('.value').textContent()).resolves.toBe(humanizeSeconds(852_300));
    const saved = (await (await fetch(`${server!.url}/api/logs/requests/settings/kpis`)).json()) as { settings: unknown };
    expect(saved.settings).toEqual({ orderActivity: null, cycleTime: { start: 'register request', end: 'pay compensation' } });

    // Exception types from the log's activities: trends appear, and the exception rate counts the same activity.
    const picker = page.getByTestId('exception-picker');
    await picker.getByLabel('reinitiate request').check();
    await picker.getByRole('button', { name: 'Save for this log' }).click();
    await page.getByTestId('exception-chart').locator('svg').first().waitFor();
    await expect(page.getByTestId('exception-definitions').locator('.chip').allTextContents()).resolves.toEqual(['reinitiate request']);
    await expect(page.getByTestId('exception-types').locator('tbody th').allTextContents()).resolves.toEqual(['reinitiate request']);
    // Cases 3 and 5 of six were reinitiated.
    await expect(page.getByTestId('kpi-exception_rate').locator('.value').textContent()).resolves.toBe('33.3%');
    await page.reload();
    await page.getByTestId('exception-chart').locator('svg').first().waitFor();
    await expect(page.getByTestId('exception-definitions').locator('.chip').allTextContents()).resolves.toEqual(['reinitiate request']);
    expect(await rawJson()).toEqual([]);
    await page.screenshot({ path: 'test-results/operations-non-distribution-mapped.png', fullPage: true });
  });
});

describe('audit trail in the browser', () => {
  it('lists who loaded what — the demo from the command line, uploads and settings from the web — and downloads it as CSV', async () => {
    await page.goto(`${server!.url}/`);
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    const rows = page.getByTestId('audit-trail').locator('tbody tr');
    const texts = await rows.allTextContents();
    // The demo's logs were loaded at the command line; the uploads above, and the saved settings, from this browser.
    expect(texts.some((text) => /command line\s*load\s*order-to-cash/.test(text))).toBe(true);
    expect(texts.some((text) => /WAYBILL_API_TOKEN\s*127\.0\.0\.1\s*web\s*load\s*deliveries/.test(text))).toBe(true);
    expect(texts.some((text) => /web\s*settings\s*requests/.test(text))).toBe(true);
    // A log's own trail, and the CSV of it.
    await page.getByTestId('audit-trail').getByRole('link', { name: 'deliveries' }).first().click();
    await page.getByRole('heading', { name: 'Audit trail of deliveries' }).waitFor();
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toBe('/api/audit.csv?log=deliveries');
    const csv = await (await fetch(`${server!.url}${href}`)).text();
    expect(csv.split('\r\n')[0]).toBe('at,actor,via,address,action,log,detail');
    expect(csv).toMatch(/,WAYBILL_API_TOKEN,web,127\.0\.0\.1,load,deliveries,/);
    await page.screenshot({ path: 'test-results/audit-trail.png', fullPage: true });
  });
});

describe('a notebook in the browser', () => {
  it('opens the weekly operations review from the Notebooks link, with its KPI tiles, tables, charts and open work, and runs it again with other parameters', async () => {
    await page.goto(`${server!.url}/`);
    await page.getByRole('link', { name: 'Notebooks', exact: true }).click();
    await page.getByTestId('notebook-link').filter({ hasText: 'Weekly operations review — order-to-cash' }).click();
    await page.getByTestId('notebook-chart').first().locator('svg').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Weekly operations review — order-to-cash');
    // The KPI tiles are the operations page's, with the numbers the API computes.
    const { kpis } = (await (await fetch(`${server!.url}/api/logs/order-to-cash/kpis`)).json()) as { kpis: { name: string; computable: boolean }[] };
    const tiles = await page.getByTestId('notebook-analysis').first().getByRole('listitem').allTextContents();
    for (const kpi of kpis.filter((k) => k.computable)) expect(tiles.some((tile) => tile.toLowerCase().includes(kpi.name.toLowerCase()))).toBe(true);
    const weekly = page.getByTestId('notebook-table').filter({ hasText: 'weekly' }).locator('tbody tr');
    await expect(weekly.count()).resolves.toBe(6);
    await expect(page.getByTestId('notebook-chart').count()).resolves.toBe(2);
    await page.screenshot({ path: 'test-results/screenshots/notebook-weekly-review.png', fullPage: true });
    // Its parameters are a form: two weeks, and the tables follow.
    await page.getByRole('textbox', { name: 'weeks' }).fill('2');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/weeks=2/);
    await expect.poll(() => weekly.count()).toBe(2);
    // A parameter it cannot take says why, beside the form.
    await page.getByRole('textbox', { name: 'weeks' }).fill('many');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByTestId('notebook-problem').textContent()).resolves.toMatch(/^notebooks\/weekly-operations-review\.md:\d+ \(query weekly\): .*many/);
  });
});
