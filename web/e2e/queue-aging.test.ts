import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueAging } from '../../mining/index.ts';
import { launchChromium, startDemoServer, type DemoServer, AUTHORIZATION, authorizedFetch as fetch } from './demo-server.ts';

// `waybill demo` on a fresh database and Debian's Chromium: the demo's shipments log,
// whose end activity (Delivered) is inferred from the log.
let server: DemoServer | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  page = await browser.newPage({ extraHTTPHeaders: AUTHORIZATION, viewport: { width: 1440, height: 1000 } });
  mkdirSync('test-results', { recursive: true });
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const api = async (query: string): Promise<QueueAging> => (await (await fetch(`${server!.url}/api/logs/shipments/queue-aging${query}`)).json()) as QueueAging;
const openCases = async () => Number((await page.getByTestId('open-cases').textContent())?.replaceAll(',', ''));
const chips = async () => (await page.getByTestId('end-activities').locator('li').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
/** Opens the settings (they stay open across a change of them, so only when closed). */
async function openSettings() {
  const details = page.locator('details', { has: page.getByTestId('queue-settings') });
  if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open))) await details.locator('summary').click();
}
const endBox = (activity: string) => page.getByTestId('queue-settings').locator(`input[name=end][value="${activity}"]`);

describe('queue aging rule in the browser', () => {
  it('shows the inferred end activities and lets the user change them and the silence, in the URL', async () => {
    const inferred = await api('');
    expect(inferred).toMatchObject({ endActivitiesSource: 'inferred', endActivities: ['Delivered'] });
    await page.goto(`${server!.url}/logs/shipments/operations`);
    await expect.poll(openCases).toBe(inferred.openCases);
    await expect(page.getByTestId('queue-rule-text').textContent()).resolves.toBe(inferred.rule.text);
    await expect(chips()).resolves.toEqual([expect.stringMatching(/^Delivered 100\.0% of [\d,]+$/)]);

    // Also In Transit, and no silence.
    await openSettings();
    await expect(endBox('Delivered').isChecked()).resolves.toBe(true);
    await endBox('In Transit').check();
    await page.getByTestId('queue-settings').locator('select').selectOption('none');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/operations\?end=Delivered&end=In\+Transit&silence=none$/);
    const chosen = await api('?end=Delivered&end=In%20Transit&silence=none');
    expect(chosen.openCases).toBeLessThan(inferred.openCases);
    await expect.poll(openCases).toBe(chosen.openCases);
    await expect(page.getByTestId('queue-rule-text').textContent()).resolves.toBe(chosen.rule.text);
    await expect(chips()).resolves.toEqual([expect.stringMatching(/^Delivered /), expect.stringMatching(/^In Transit /)]);
    await page.screenshot({ path: 'test-results/queue-aging-settings.png', fullPage: true });

    // The URL holds the settings: a reload shows the same.
    await page.reload();
    await expect.poll(openCases).toBe(chosen.openCases);
    await openSettings();
    await expect(endBox('In Transit').isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('queue-settings').locator('select').inputValue()).resolves.toBe('none');

    // A silence of one's own: two days.
    await page.getByTestId('queue-settings').locator('select').selectOption('custom');
    await page.getByLabel('Quiet for more than').fill('2d');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/silence=2d$/);
    const twoDays = await api('?end=Delivered&end=In%20Transit&silence=2d');
    expect(twoDays.rule.silence).toEqual({ seconds: 172_800, source: 'option' });
    await expect.poll(openCases).toBe(twoDays.openCases);

    // A duration the API cannot read: the card says so and shows the default.
    await openSettings();
    await page.getByLabel('Quiet for more than').fill('soon');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/silence=soon$/);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('silence is none, auto or a duration such as 30d, not "soon"');
    await expect.poll(openCases).toBe(inferred.openCases);

    // Back to the default: the URL loses the settings.
    await openSettings();
    await page.getByRole('button', { name: 'Back to the default' }).click();
    await page.waitForURL(/\/operations$/);
    await expect.poll(openCases).toBe(inferred.openCases);
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
  });

  it("names the order's own end on the distribution log", async () => {
    const o2c = (await (await fetch(`${server!.url}/api/logs/order-to-cash/queue-aging`)).json()) as QueueAging;
    await page.goto(`${server!.url}/logs/order-to-cash/operations`);
    await expect.poll(openCases).toBe(o2c.openCases);
    await expect(chips()).resolves.toEqual(o2c.endActivities);
    await expect(page.getByTestId('queue-rule-text').textContent()).resolves.toContain("the order's own end (Payment Received");
  });
});
