import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Uploads } from '../../ingest/index.ts';
import { addUser, createToken, issueSignInLink, sessionIdentity, SESSION_IDLE_MS, updateUser } from '../../store/accounts.ts';
import { listAudit } from '../../store/audit.ts';
import { queryRows, withConnection, type Store } from '../../store/db.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { SignInLimiter } from './session.ts';

/** Signing in with a password, sessions in cookies, the start-up link and token, and the limit on failed tries. */

let store: Store;
let dir: string;
let remove: () => void;
let api: ReturnType<typeof createApi>;
const PASSWORD = 'correct horse battery';
const START_UP = 'start-up-token-for-this-test-0123456789';

beforeAll(async () => {
  ({ store, dir, remove } = await tempStore('waybill-session-'));
  await addUser(store, { name: 'ann', role: 'analyst', groups: ['north'], password: PASSWORD });
  await addUser(store, { name: 'bob', role: 'admin', password: PASSWORD });
  api = createApi(async () => store, new Uploads(join(dir, 'uploads')), { startupToken: START_UP, limiter: new SignInLimiter(3, 10) });
});
afterAll(() => remove());

const signIn = (name: string, password: string, base = 'http://localhost') =>
  api.request(`${base}/api/session`, { method: 'POST', body: JSON.stringify({ name, password }), headers: { 'content-type': 'application/json' } });
const cookieOf = (answer: Response) => /waybill_session=([^;]+)/.exec(answer.headers.get('set-cookie') ?? '')?.[1];
const whoAmI = async (cookie: string) => {
  const answer = await api.request('/api/session', { headers: { cookie: `waybill_session=${cookie}` } });
  return answer.status === 200 ? ((await answer.json()) as { name: string; role: string }) : answer.status;
};

describe('signing in', () => {
  it('keeps passwords as scrypt hashes, never as typed', async () => {
    const rows = await withConnection(store, (connection) => queryRows<{ hash: string }>(connection, `SELECT password_hash AS hash FROM users WHERE name = 'ann'`));
    expect(rows[0]!.hash).toMatch(/^scrypt\$65536\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(rows[0]!.hash).not.toContain(PASSWORD);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie (Secure over HTTPS) that a signed-out session no longer opens', async () => {
    const answer = await signIn('ann', PASSWORD);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ name: 'ann', role: 'analyst', groups: ['north'] });
    const header = answer.headers.get('set-cookie')!;
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Secure/);
    expect((await signIn('ann', PASSWORD, 'https://waybill.example.com')).headers.get('set-cookie')).toMatch(/Secure/);

    const cookie = cookieOf(answer)!;
    expect(await whoAmI(cookie)).toMatchObject({ name: 'ann', role: 'analyst' });
    const out = await api.request('/api/session/end', { method: 'POST', headers: { cookie: `waybill_session=${cookie}` } });
    expect(out.status).toBe(200);
    expect(await whoAmI(cookie)).toBe(401);
  });

  it('answers the sign-in form with a redirect to the page asked for, never to another site', async () => {
    const form = (next: string, password = PASSWORD) =>
      api.request('/api/session', { method: 'POST', body: new URLSearchParams({ name: 'bob', password, next }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const good = await form('/logs/orders?has=Shipped');
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/logs/orders?has=Shipped');
    for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example']) expect((await form(evil)).headers.get('location')).toBe('/');
    const bad = await form('/audit', 'wrong password!');
    expect(bad.status).toBe(303);
    expect(bad.headers.get('location')).toMatch(/^\/sign-in\?failed=wrong\+user\+name\+or\+password&next=%2Faudit$/);
  });

  it('takes a role or group change at once, and ends the sessions of a removed user', async () => {
    const cookie = cookieOf(await signIn('bob', PASSWORD))!;
    await addUser(store, { name: 'cy', role: 'viewer', password: PASSWORD });
    const cy = cookieOf(await signIn('cy', PASSWORD))!;
    expect(await whoAmI(cy)).toMatchObject({ role: 'viewer' });
    const patch = await api.request('/api/users/cy', { method: 'PATCH', body: JSON.stringify({ role: 'analyst' }), headers: { cookie: `waybill_session=${cookie}`, 'content-type': 'application/json' } });
    expect(patch.status).toBe(200);
    expect(await whoAmI(cy)).toMatchObject({ role: 'analyst' });
    expect((await api.request('/api/users/cy', { method: 'DELETE', headers: { cookie: `waybill_session=${cookie}` } })).status).toBe(200);
    expect(await whoAmI(cy)).toBe(401);
  });

  it('ends a session a week after its last use', async () => {
    const cookie = cookieOf(await signIn('bob', PASSWORD))!;
    expect(await sessionIdentity(store, cookie)).toMatchObject({ name: 'bob' });
    expect(await sessionIdentity(store, cookie, Date.now() + SESSION_IDLE_MS + 60_000)).toBeUndefined();
  });

  it('refuses sign-ins for a while after repeated failures, and records them', async () => {
    await addUser(store, { name: 'dee', role: 'viewer', password: PASSWORD });
    for (let i = 0; i < 3; i++) expect((await signIn('dee', `guess number ${i}`)).status).toBe(401);
    const refused = await signIn('dee', PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(await refused.json()).toEqual({ error: 'too many failed sign-ins; try again in 15 minutes' });
    // An unknown name fails as a wrong password does, and in about the same time.
    const started = Date.now();
    expect(await (await signIn('nobody', PASSWORD)).json()).toEqual({ error: 'wrong user name or password' });
    expect(Date.now() - started).toBeGreaterThan(20);
    const failures = (await listAudit(store)).filter((entry) => entry.action === 'sign-in failed' && entry.actor === 'dee');
    expect(failures).toHaveLength(3);
  });

  it('signs in once with the start-up link, and never again with the same link', async () => {
    const token = issueSignInLink('bob');
    const first = await api.request(`/api/session/link?token=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    expect(await whoAmI(cookieOf(first)!)).toMatchObject({ name: 'bob', role: 'admin' });
    const again = await api.request(`/api/session/link?token=${token}`);
    expect(again.headers.get('location')).toMatch(/^\/sign-in\?failed=that\+sign-in\+link\+was\+used\+already/);
    expect(cookieOf(again)).toBeUndefined();
  });

  it('takes API tokens and the start-up token as Bearer; a wrong token is refused even beside a good cookie', async () => {
    const bearer = (token: string, extra: Record<string, string> = {}) => api.request('/api/session', { headers: { authorization: `Bearer ${token}`, ...extra } });
    expect(await (await bearer(START_UP)).json()).toMatchObject({ name: 'WAYBILL_API_TOKEN', role: 'admin', by: 'start-up token' });
    const { token } = await createToken(store, { label: 'report script', role: 'analyst', owner: 'ann', createdBy: 'ann' });
    expect(await (await bearer(token)).json()).toMatchObject({ name: 'ann', role: 'analyst', by: 'token' });
    // Its owner demoted, the token can do no more than they can.
    await updateUser(store, 'ann', { role: 'viewer' });
    expect(await (await bearer(token)).json()).toMatchObject({ role: 'viewer' });
    const cookie = cookieOf(await signIn('bob', PASSWORD))!;
    expect((await bearer(`${token}x`, { cookie: `waybill_session=${cookie}` })).status).toBe(401);
    expect((await api.request('/api/logs', { headers: { authorization: 'Basic Ym9iOnB3' } })).status).toBe(401);
    const unsigned = await api.request('/api/logs');
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('www-authenticate')).toBe('Bearer realm="waybill"');
  });
});

describe('hostile values in accounts', () => {
  it('refuses SQL, script and path tricks in user, group and token names with a 400, and stores nothing', async () => {
    const admin = cookieOf(await signIn('bob', PASSWORD))!;
    const send = (path: string, method: string, body: unknown) =>
      api.request(path, { method, body: JSON.stringify(body), headers: { cookie: `waybill_session=${admin}`, 'content-type': 'application/json' } });
    const before = (await (await api.request('/api/users', { headers: { cookie: `waybill_session=${admin}` } })).json()) as { users: unknown[] };
    const HOSTILE = [`x' OR '1'='1`, `'; DROP TABLE users; --`, '<script>alert(1)</script>', '../../etc/passwd', 'a\u0000b', 'x'.repeat(200)];
    for (const value of HOSTILE) {
      const user = await send('/api/users', 'POST', { name: value, role: 'viewer', password: 'a long enough password' });
      expect(user.status, value).toBe(400);
      expect(((await user.json()) as { error: string }).error, value).toMatch(/^(a user name has letters|name: )/);
      const group = await send('/api/users', 'POST', { name: 'fine', role: 'viewer', groups: [value], password: 'a long enough password' });
      expect(group.status, value).toBe(400);
    }
    expect(((await (await api.request('/api/users', { headers: { cookie: `waybill_session=${admin}` } })).json()) as { users: unknown[] }).users).toEqual(before.users);
    // A token's label is free text: stored as given, shown as text, never run.
    const label = '<img src=x onerror=alert(1)>';
    const made = await send('/api/tokens', 'POST', { label, role: 'viewer' });
    expect(made.status).toBe(201);
    expect(((await made.json()) as { info: { label: string } }).info.label).toBe(label);
    expect((await send('/api/users', 'POST', { name: 'eve', role: 'superuser', password: 'a long enough password' })).status).toBe(400);
    expect((await send('/api/users', 'POST', { name: 'eve', role: 'viewer', password: 'a long enough password', admin: true })).status).toBe(400);
  });
});
