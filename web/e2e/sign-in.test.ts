import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import { openStore } from '../../mining/index.ts';
import { closeStore } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { launchChromium, startServer, type DemoServer } from './demo-server.ts';

// Signing in as a person does, in Chromium against a real `waybill serve`: the
// one-time link printed at start, the admin page making a user and restricting a
// log, that user's password sign-in seeing only what their groups allow, signing out.

let dir: string;
let server: DemoServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-sign-in-'));
  const db = join(dir, 'waybill.duckdb');
  const store = await openStore(db);
  await ingestFile(store, writeFixture(dir, 'orders.csv'), { name: 'orders' });
  await ingestFile(store, writeFixture(dir, 'returns.csv'), { name: 'returns' });
  await closeStore(db);
  server = await startServer(db);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A page in a browser context of its own: its own cookies, no token. */
async function freshPage(): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

async function signInLink(): Promise<string> {
  await expect.poll(() => /Open this link to sign in as admin/.test(server!.output()), { timeout: 10_000 }).toBe(true);
  return /(http:\/\/\S+\/api\/session\/link\?token=\S+)/.exec(server!.output())![1]!;
}

describe('signing in', () => {
  it('sends a visitor to the sign-in page, keeping where they were going', async () => {
    const page = await freshPage();
    await page.goto(`${server!.url}/logs/orders`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/logs/orders');
    await page.getByRole('heading', { name: 'Sign in to Waybill' }).waitFor();
    // The API says the same in JSON.
    expect((await page.request.get(`${server!.url}/api/logs`)).status()).toBe(401);
    await page.context().close();
  });

  it('signs the admin in once with the printed link; an admin makes a user and restricts a log; that user sees only the rest', async () => {
    const link = await signInLink();
    const admin = await freshPage();
    await admin.goto(link);
    expect(new URL(admin.url()).pathname).toBe('/');
    await admin.getByText('admin', { exact: true }).first().waitFor();
    await admin.getByRole('link', { name: 'Users & access' }).click();
    await admin.getByRole('heading', { name: 'Users & access' }).waitFor();

    // A viewer in group "north"…
    const add = admin.locator('form.add').first();
    await add.getByLabel('Name').fill('vera');
    await add.getByLabel('Role').selectOption('viewer');
    await add.getByLabel('Groups').fill('north');
    await add.getByLabel('Password').fill('vera has a long password');
    await add.getByRole('button', { name: 'Add user' }).click();
    await admin.locator('tr[data-user=vera]').waitFor();
    // …and "returns" for group "south" only.
    const returns = admin.locator('tr[data-log=returns]');
    await returns.getByLabel('Groups of returns').fill('south');
    await returns.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Access to returns saved.').waitFor();

    // The link is spent.
    const again = await freshPage();
    await again.goto(link);
    expect(new URL(again.url()).pathname).toBe('/sign-in');
    await again.getByText(/that sign-in link was used already/).waitFor();
    await again.context().close();

    // vera signs in with her password: "orders" is there, "returns" is not, and neither are the admin's pages.
    const vera = await freshPage();
    await vera.goto(`${server!.url}/logs/returns`);
    await vera.getByLabel('User name').fill('vera');
    await vera.getByLabel('Password').fill('not her password');
    await vera.getByRole('button', { name: 'Sign in' }).click();
    await vera.getByRole('alert').getByText('wrong user name or password').waitFor();
    await vera.getByLabel('User name').fill('vera');
    await vera.getByLabel('Password').fill('vera has a long password');
    await vera.getByRole('button', { name: 'Sign in' }).click();
    await vera.waitForURL(/\/logs\/returns$/);
    // Over plain HTTP the cookie cannot be Secure (the browser would drop it on a LAN address); script cannot read it.
    const [cookie] = await vera.context().cookies();
    expect(cookie).toMatchObject({ name: 'waybill_session', httpOnly: true, sameSite: 'Lax', secure: false });
    // A log she may not see is, to her, a log that does not exist.
    await expect(vera.getByRole('alert').textContent()).resolves.toContain('There is no log named “returns”');
    await vera.goto(`${server!.url}/`);
    await vera.getByRole('link', { name: 'orders' }).first().waitFor();
    expect(await vera.getByRole('link', { name: 'returns' }).count()).toBe(0);
    expect(await vera.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    expect(await vera.getByRole('link', { name: 'Upload a log' }).count()).toBe(0);
    expect((await vera.goto(`${server!.url}/upload`))!.status()).toBe(403);
    expect((await vera.goto(`${server!.url}/audit`))!.status()).toBe(403);
    expect((await vera.request.get(`${server!.url}/api/audit`)).status()).toBe(403);

    // Signing out ends the session: the pages ask for a sign-in again.
    await vera.goto(`${server!.url}/`);
    await vera.getByRole('button', { name: 'Sign out' }).click();
    await vera.waitForURL(/\/sign-in$/);
    await vera.goto(`${server!.url}/`);
    expect(new URL(vera.url()).pathname).toBe('/sign-in');

    // The admin's audit page shows all of it.
    await admin.goto(`${server!.url}/audit`);
    for (const action of ['sign-in', 'sign-in failed', 'sign-out', 'user added', 'access changed']) {
      expect(await admin.getByRole('cell', { name: action, exact: true }).count(), action).toBeGreaterThan(0);
    }
    await admin.context().close();
    await vera.context().close();
  });
});
