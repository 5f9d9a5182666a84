import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import { openStore } from '../../mining/index.ts';
import { setLogGroups } from '../../store/accounts.ts';
import { closeStore } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { authorizedFetch, freePort, launchChromium, startServer, type DemoServer } from './demo-server.ts';

// Single sign-on through OpenID Connect, against a real provider (`oidc-provider`,
// the certified one Keycloak-like setups are tested with) run in this process: a
// browser clicks "Sign in with …" on Waybill's page, signs in at the provider,
// consents, and comes back signed in with the role and groups the provider's claims map to.

/** The provider's people: their role claim values and groups. */
const PEOPLE: Record<string, { roles: string[]; groups: string[] }> = {
  olivia: { roles: ['staff', 'wb-analysts'], groups: ['north'] },
  nadia: { roles: ['staff'], groups: [] },
};

let dir: string;
let server: DemoServer | undefined;
let idp: Server | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-sso-'));
  const db = join(dir, 'waybill.duckdb');
  const store = await openStore(db);
  await ingestFile(store, writeFixture(dir, 'orders.csv'), { name: 'orders' });
  await ingestFile(store, writeFixture(dir, 'returns.csv'), { name: 'returns' });
  await setLogGroups(store, 'returns', ['south']);
  await closeStore(db);

  const issuerPort = await freePort();
  const issuer = `http://127.0.0.1:${issuerPort}`;
  const secret = randomBytes(24).toString('hex');
  server = await startServer(db, 170_000, {
    WAYBILL_OIDC_ISSUER: issuer,
    WAYBILL_OIDC_CLIENT_ID: 'waybill',
    WAYBILL_OIDC_CLIENT_SECRET: secret,
    WAYBILL_OIDC_NAME: 'Test IdP',
    WAYBILL_OIDC_ROLES: 'wb-admins=admin,wb-analysts=analyst',
  });
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'waybill', client_secret: secret, redirect_uris: [`${server.url}/api/auth/oidc/callback`], response_types: ['code'], grant_types: ['authorization_code'] }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'roles', 'groups'] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, roles: PEOPLE[sub]?.roles ?? [], groups: PEOPLE[sub]?.groups ?? [] }),
    }),
  });
  idp = createServer(provider.callback());
  await new Promise<void>((resolve) => idp!.listen(issuerPort, '127.0.0.1', resolve));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => idp?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Clicks "Sign in with Test IdP" and signs in at the provider as `login`, consenting. */
async function signOnAs(login: string, from: string): Promise<Page> {
  const page = await (await browser!.newContext()).newPage();
  await page.goto(`${server!.url}${from}`);
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === server!.url);
  return page;
}

describe('single sign-on through OpenID Connect', () => {
  it('signs a user in with the role and groups their claims map to, back on the page they asked for', async () => {
    const page = await signOnAs('olivia', '/logs/orders');
    expect(new URL(page.url()).pathname).toBe('/logs/orders');
    const session = (await (await page.request.get(`${server!.url}/api/session`)).json()) as { name: string; role: string; groups: string[] };
    expect(session).toEqual({ name: 'olivia', role: 'analyst', groups: ['north'], by: 'session' });
    // Her groups decide what she sees: "returns" is for south.
    const logs = (await (await page.request.get(`${server!.url}/api/logs`)).json()) as { logs: { name: string }[] };
    expect(logs.logs.map((log) => log.name)).toEqual(['orders']);
    // The account exists now, marked as signing in through the provider (no password here).
    const users = (await (await authorizedFetch(`${server!.url}/api/users`)).json()) as { users: { name: string; source: string; hasPassword: boolean; role: string }[] };
    expect(users.users.find((user) => user.name === 'olivia')).toMatchObject({ source: 'oidc', hasPassword: false, role: 'analyst' });
    await page.context().close();
  });

  it('refuses someone whose claims map to no role, saying why, and records it', async () => {
    const page = await signOnAs('nadia', '/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByRole('alert').getByText(/your account has no Waybill role; ask for one of: wb-admins, wb-analysts/).waitFor();
    expect((await page.request.get(`${server!.url}/api/session`)).status()).toBe(401);
    const audit = (await (await authorizedFetch(`${server!.url}/api/audit`)).json()) as { entries: { actor: string; action: string; detail: string }[] };
    expect(audit.entries).toContainEqual(expect.objectContaining({ actor: 'nadia', action: 'sign-in failed' }));
    expect(audit.entries).toContainEqual(expect.objectContaining({ actor: 'olivia', action: 'sign-in', detail: 'signed in through Test IdP as analyst (groups north)' }));
    await page.context().close();
  });

  it('refuses a callback that this browser did not start', async () => {
    const page = await (await browser!.newContext()).newPage();
    await page.goto(`${server!.url}/api/auth/oidc/callback?code=stolen&state=forged`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByRole('alert').getByText(/not started here/).waitFor();
    await page.context().close();
  });
});
