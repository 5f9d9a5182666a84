import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { parse } from 'hono/utils/cookie';
import { allows, sameSecret, sessionIdentity, tokenIdentity, type Identity, type Role } from '../../store/accounts.ts';
import type { Actor } from '../../store/audit.ts';
import type { Store } from '../../store/db.ts';

/** What the server hands the API with each request: the client's address (SvelteKit's getClientAddress). */
export interface ApiBindings {
  clientAddress?: string;
}

/** The API's context: who sent the request, once the sign-in check has run. */
export interface ApiEnv {
  Bindings: ApiBindings;
  Variables: { identity: Identity };
}

/** The session cookie: HttpOnly, SameSite=Lax, Secure when the page came over HTTPS. */
export const SESSION_COOKIE = 'waybill_session';

/** The start-up token's identity: automation acting as an admin (WAYBILL_API_TOKEN). */
const START_UP: Identity = { name: 'WAYBILL_API_TOKEN', role: 'admin', groups: [], by: 'start-up token' };

/** The server's own requests of its API: pages computed ahead (web/lib/server/warm-up.ts), read-only. */
const SERVER: Identity = { name: 'waybill', role: 'admin', groups: [], by: 'server' };
const serverRequests = new WeakSet<Request>();

/**
 * A request the server makes of its own API, which acts as an admin: it is marked
 * in this process's memory, so no request from outside can pass for one.
 */
export function serverRequest(url: URL, init?: RequestInit): Request {
  const request = new Request(url, init);
  serverRequests.add(request);
  return request;
}

/** Who the server's own request is; undefined for any other. */
export function serverIdentity(request: Request): Identity | undefined {
  return serverRequests.has(request) ? SERVER : undefined;
}

/**
 * Who sent a request: a `Bearer` API token (or the start-up token), else the
 * session cookie. An Authorization header that is not a valid token is not
 * passed over for the cookie: a script with a wrong token learns it at once.
 */
export async function identify(store: Store, headers: Headers, startupToken: string | undefined): Promise<Identity | undefined> {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (token === undefined) return undefined;
    if (startupToken && sameSecret(token, startupToken)) return START_UP;
    return tokenIdentity(store, token);
  }
  const session = parse(headers.get('cookie') ?? '', SESSION_COOKIE)[SESSION_COOKIE];
  return session ? sessionIdentity(store, session) : undefined;
}

/** The session cookie of a request, if any. */
export function sessionOf(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/** The identity the sign-in check found; every route but signing in runs after it. */
export function identityOf(c: Context<ApiEnv>): Identity {
  return c.get('identity');
}

/** Refuses (403) a request whose identity's role is below `role`. */
export function needs(role: Role): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const identity = identityOf(c);
    if (!allows(identity.role, role)) return c.json({ error: `this needs the ${role} role; you are signed in as ${identity.name} (${identity.role})` }, 403);
    await next();
  };
}

/** The client's address, as the server saw it. */
export function addressOf(c: Context<ApiEnv>): string | undefined {
  return (c.env as ApiBindings | undefined)?.clientAddress;
}

/** Who sent this request, for the audit trail. */
export function actorOf(c: Context<ApiEnv>): Actor {
  const address = addressOf(c);
  return { name: c.get('identity')?.name ?? 'anonymous', via: 'web', ...(address && { address }) };
}
