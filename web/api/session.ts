import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { checkPassword, createSession, endSession, redeemSignInLink, SESSION_MAX_MS } from '../../store/accounts.ts';
import { audit } from '../../store/audit.ts';
import type { Store } from '../../store/db.ts';
import { addressOf, identityOf, sessionOf, SESSION_COOKIE, type ApiEnv } from './actor.ts';
import { jsonBodyLimit } from './json-body.ts';
import type { OidcSignIn } from './oidc.ts';

/**
 * Failed sign-ins allowed in a window, per user name and per client address,
 * before further tries are refused (429) until the oldest failure leaves it.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly perName = 5,
    readonly perAddress = 20,
    readonly windowMs = 15 * 60 * 1000,
  ) {}

  /** Seconds to wait before trying again, or 0 when a try is allowed. */
  waitSeconds(name: string, address: string | undefined, now = Date.now()): number {
    const waits = [this.wait(`name:${name.toLowerCase()}`, this.perName, now), address === undefined ? 0 : this.wait(`address:${address}`, this.perAddress, now)];
    return Math.max(...waits);
  }

  failed(name: string, address: string | undefined, now = Date.now()): void {
    for (const key of [`name:${name.toLowerCase()}`, ...(address === undefined ? [] : [`address:${address}`])]) {
      this.failures.set(key, [...this.recent(key, now), now]);
    }
  }

  succeeded(name: string): void {
    this.failures.delete(`name:${name.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((time) => now - time < this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  private wait(key: string, limit: number, now: number): number {
    const times = this.recent(key, now);
    return times.length < limit ? 0 : Math.ceil((times[times.length - limit]! + this.windowMs - now) / 1000);
  }
}

/** Only a path on this site: `next` must never send a signed-in user elsewhere. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** Sent by the sign-in page's form (answered with a redirect), not by a script (answered with JSON). */
function isFormPost(c: Context): boolean {
  return /^application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '');
}

/** Sets the session cookie on the answer. */
export function startSessionCookie(c: Context, secret: string): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

/**
 * Signing in and out. `POST /session` takes `{ name, password }` as JSON (answering
 * JSON) or as the sign-in page's form (answering with a redirect, so the page works
 * without script); `GET /session` says who is signed in; `POST /session/end` signs
 * out; `GET /session/link?token=` is the one-time link printed at start.
 */
export function sessionRoutes(openStore: () => Promise<Store>, limiter: SignInLimiter, oidc: OidcSignIn | undefined) {
  return new Hono<ApiEnv>()
    .get('/auth/methods', (c) => c.json({ password: true, oidc: oidc ? { name: oidc.displayName } : null }))
    .post('/session', jsonBodyLimit('the sign-in request'), async (c) => {
      const isForm = isFormPost(c);
      const body = isForm ? await c.req.parseBody() : await c.req.json<unknown>().catch(() => ({}));
      const field = (key: string) => {
        const value = (body as Record<string, unknown>)[key];
        return typeof value === 'string' ? value : '';
      };
      const name = field('name').trim();
      const next = safeNext(field('next') || undefined);
      const refuse = (status: 400 | 401 | 429, error: string, retryAfter?: number) => {
        if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
        if (isForm) return c.redirect(`/sign-in?${new URLSearchParams({ failed: error, next })}`, 303);
        return c.json({ error }, status);
      };
      if (name === '' || field('password') === '') return refuse(400, 'give your user name and password');
      const address = addressOf(c);
      const wait = limiter.waitSeconds(name, address);
      if (wait > 0) return refuse(429, `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minutes`, wait);
      const store = await openStore();
      const user = await checkPassword(store, name, field('password'));
      if (!user) {
        limiter.failed(name, address);
        await audit(store, { name, via: 'web', ...(address && { address }) }, 'sign-in failed', null, 'wrong user name or password');
        return refuse(401, 'wrong user name or password');
      }
      limiter.succeeded(name);
      startSessionCookie(c, await createSession(store, user.name, address));
      await audit(store, { name: user.name, via: 'web', ...(address && { address }) }, 'sign-in', null, `signed in with a password as ${user.role}`);
      return isForm ? c.redirect(next, 303) : c.json({ name: user.name, role: user.role, groups: user.groups });
    })
    .get('/session/link', async (c) => {
      const store = await openStore();
      const user = redeemSignInLink(c.req.query('token') ?? '');
      if (user === undefined) return c.redirect(`/sign-in?${new URLSearchParams({ failed: 'that sign-in link was used already or has expired; sign in, or start the server again for a new link' })}`, 303);
      const address = addressOf(c);
      startSessionCookie(c, await createSession(store, user, address));
      await audit(store, { name: user, via: 'web', ...(address && { address }) }, 'sign-in', null, 'signed in with the one-time link printed at start');
      return c.redirect('/', 303);
    });
}

/** Routes for a signed-in identity: who it is, and signing out. */
export function signedInRoutes(openStore: () => Promise<Store>) {
  return new Hono<ApiEnv>()
    .get('/session', (c) => {
      const { name, role, groups, by } = identityOf(c);
      return c.json({ name, role, groups, by });
    })
    .post('/session/end', async (c) => {
      const secret = sessionOf(c);
      if (secret !== undefined) {
        const store = await openStore();
        await endSession(store, secret);
        const address = addressOf(c);
        await audit(store, { name: identityOf(c).name, via: 'web', ...(address && { address }) }, 'sign-out', null, 'signed out');
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      const isForm = isFormPost(c);
      return isForm ? c.redirect('/sign-in', 303) : c.json({ signedOut: true });
    });
}
