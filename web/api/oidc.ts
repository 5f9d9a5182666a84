import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as client from 'openid-client';
import { AccountError, allows, createSession, isRole, parseGroups, upsertSsoUser, type Role } from '../../store/accounts.ts';
import { audit } from '../../store/audit.ts';
import type { Store } from '../../store/db.ts';
import { addressOf, type ApiEnv } from './actor.ts';
import { safeNext, startSessionCookie } from './session.ts';

/**
 * Single sign-on through OpenID Connect (Entra ID, Okta, Keycloak, Google…): the
 * authorization-code flow with PKCE, state and nonce, by `openid-client`. The
 * user's name, role and groups come from the provider's claims on every sign-in,
 * so a change there takes effect at the next one.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** What the sign-in page's button says: "Sign in with …". */
  displayName: string;
  /** The claim holding the user's name (default preferred_username, then email, then sub). */
  nameClaim: string;
  /** The claim holding the provider's roles or groups that map to Waybill roles (default roles). */
  roleClaim: string;
  /** Provider value → Waybill role; the highest role a user's values map to is theirs. */
  roleMap: Map<string, Role>;
  /** The role of a user none of whose values map; undefined refuses them. */
  defaultRole?: Role;
  /** The claim whose values are the user's log groups (default groups). */
  groupsClaim: string;
  /** Where the provider sends the browser back to, e.g. https://waybill.example.com (default: the address the request came to). */
  publicUrl?: string;
}

/** Single sign-on settings from WAYBILL_OIDC_* variables; undefined when WAYBILL_OIDC_ISSUER is unset. */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcSettings | undefined {
  if (!env.WAYBILL_OIDC_ISSUER) return undefined;
  if (!env.WAYBILL_OIDC_CLIENT_ID) throw new Error('WAYBILL_OIDC_ISSUER is set but WAYBILL_OIDC_CLIENT_ID is not: single sign-on needs both');
  const roleMap = new Map<string, Role>();
  for (const pair of (env.WAYBILL_OIDC_ROLES ?? 'waybill-admin=admin,waybill-analyst=analyst,waybill-viewer=viewer').split(',')) {
    const [value, role] = pair.split('=').map((part) => part.trim());
    if (!value || !role || !isRole(role)) throw new Error(`WAYBILL_OIDC_ROLES takes VALUE=ROLE pairs (roles: viewer, analyst, admin), not ${JSON.stringify(pair)}`);
    roleMap.set(value, role);
  }
  const defaultRole = env.WAYBILL_OIDC_DEFAULT_ROLE;
  if (defaultRole !== undefined && defaultRole !== '' && !isRole(defaultRole)) throw new Error(`WAYBILL_OIDC_DEFAULT_ROLE must be viewer, analyst or admin, not ${JSON.stringify(defaultRole)}`);
  return {
    issuer: env.WAYBILL_OIDC_ISSUER,
    clientId: env.WAYBILL_OIDC_CLIENT_ID,
    ...(env.WAYBILL_OIDC_CLIENT_SECRET && { clientSecret: env.WAYBILL_OIDC_CLIENT_SECRET }),
    displayName: env.WAYBILL_OIDC_NAME || 'single sign-on',
    nameClaim: env.WAYBILL_OIDC_NAME_CLAIM || 'preferred_username',
    roleClaim: env.WAYBILL_OIDC_ROLE_CLAIM || 'roles',
    roleMap,
    ...(defaultRole && { defaultRole: defaultRole as Role }),
    groupsClaim: env.WAYBILL_OIDC_GROUPS_CLAIM || 'groups',
    ...(env.WAYBILL_PUBLIC_URL && { publicUrl: env.WAYBILL_PUBLIC_URL.replace(/\/+$/, '') }),
  };
}

/** The role a user's claim values map to: the highest, else the default. */
export function roleFromClaims(settings: OidcSettings, claims: Record<string, unknown>): Role | undefined {
  let best: Role | undefined;
  for (const value of claimValues(claims[settings.roleClaim])) {
    const role = settings.roleMap.get(value);
    if (role !== undefined && (best === undefined || allows(role, best))) best = role;
  }
  return best ?? settings.defaultRole;
}

function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((part) => part !== '');
  return Array.isArray(value) ? value.filter((part): part is string => typeof part === 'string') : [];
}

/** A sign-on under way: what the callback checks, for at most 10 minutes. */
interface Pending {
  verifier: string;
  nonce: string;
  next: string;
  until: number;
}

const STATE_COOKIE = 'waybill_oidc_state';

export class OidcSignIn {
  private config: Promise<client.Configuration> | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(readonly settings: OidcSettings) {}

  get displayName(): string {
    return this.settings.displayName;
  }

  /** The provider's configuration, discovered once; a failed discovery is tried again next time. */
  private configuration(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    const url = new URL(issuer);
    // Plain HTTP only to a provider on this machine (a test's, or one behind the same proxy).
    const loopback = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    this.config ??= client.discovery(url, clientId, clientSecret, undefined, loopback ? { execute: [client.allowInsecureRequests] } : undefined).catch((error: unknown) => {
      this.config = undefined;
      throw error;
    });
    return this.config;
  }

  routes(openStore: () => Promise<Store>) {
    const callbackOf = (requestUrl: string) => `${this.settings.publicUrl ?? new URL(requestUrl).origin}/api/auth/oidc/callback`;
    const failed = (reason: string) => `/sign-in?${new URLSearchParams({ failed: reason })}`;
    return new Hono<ApiEnv>()
      .get('/auth/oidc/start', async (c) => {
        const config = await this.configuration().catch((error: unknown) => {
          console.error('Single sign-on: the identity provider could not be reached:', error);
          return undefined;
        });
        if (!config) return c.redirect(failed('the identity provider cannot be reached now; try again, or sign in with a password'), 303);
        const now = Date.now();
        for (const [key, { until }] of this.pending) if (until < now) this.pending.delete(key);
        const state = client.randomState();
        const verifier = client.randomPKCECodeVerifier();
        const nonce = client.randomNonce();
        this.pending.set(state, { verifier, nonce, next: safeNext(c.req.query('next')), until: now + 10 * 60 * 1000 });
        // The state is bound to this browser too, so a link from someone else's sign-on cannot sign this browser in as them.
        setCookie(c, STATE_COOKIE, state, { httpOnly: true, sameSite: 'Lax', path: '/api/auth/oidc', secure: new URL(c.req.url).protocol === 'https:', maxAge: 600 });
        const url = client.buildAuthorizationUrl(config, {
          redirect_uri: callbackOf(c.req.url),
          scope: 'openid profile email',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        return c.redirect(url.href, 302);
      })
      .get('/auth/oidc/callback', async (c) => {
        const state = c.req.query('state') ?? '';
        const pending = this.pending.get(state);
        this.pending.delete(state);
        const bound = getCookie(c, STATE_COOKIE);
        deleteCookie(c, STATE_COOKIE, { path: '/api/auth/oidc' });
        if (c.req.query('error')) return c.redirect(failed(`the identity provider refused: ${c.req.query('error_description') ?? c.req.query('error')}`), 303);
        if (!pending || pending.until < Date.now() || bound !== state) return c.redirect(failed('that sign-on took too long or was not started here; try again'), 303);
        const config = await this.configuration();
        // The provider sent the browser to the callback address; the code is checked against that same address.
        const current = new URL(callbackOf(c.req.url));
        current.search = new URL(c.req.url).search;
        let claims: Record<string, unknown>;
        try {
          const tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.verifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true });
          const idClaims = tokens.claims()!;
          const info = config.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(config, tokens.access_token, idClaims.sub) : {};
          claims = { ...idClaims, ...info };
        } catch (error) {
          console.error('Single sign-on: the code could not be exchanged:', error);
          return c.redirect(failed('the identity provider did not confirm the sign-on; try again'), 303);
        }
        const settings = this.settings;
        const raw = [claims[settings.nameClaim], claims.preferred_username, claims.email, claims.sub].find((value) => typeof value === 'string' && value !== '') as string;
        const name = raw.replace(/[^\w.@+-]/gu, '_').slice(0, 128);
        const role = roleFromClaims(settings, claims);
        const store = await openStore();
        const address = addressOf(c);
        const actor = { name, via: 'web' as const, ...(address && { address }) };
        if (role === undefined) {
          await audit(store, actor, 'sign-in failed', null, `single sign-on: no Waybill role in the "${settings.roleClaim}" claim`);
          return c.redirect(failed(`your account has no Waybill role; ask for one of: ${[...settings.roleMap.keys()].join(', ')}`), 303);
        }
        let groups: string[];
        try {
          groups = parseGroups(claimValues(claims[settings.groupsClaim]).map((group) => group.slice(0, 64)));
          await upsertSsoUser(store, { name, role, groups });
        } catch (error) {
          if (!(error instanceof AccountError)) throw error;
          await audit(store, actor, 'sign-in failed', null, `single sign-on: ${error.message}`);
          return c.redirect(failed(error.message), 303);
        }
        startSessionCookie(c, await createSession(store, name, address));
        await audit(store, actor, 'sign-in', null, `signed in through ${settings.displayName} as ${role}${groups.length > 0 ? ` (groups ${groups.join(', ')})` : ''}`);
        return c.redirect(pending.next, 303);
      });
  }
}
