import { hostname, networkInterfaces } from 'node:os';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/**
 * Checks every request before any handler runs, against two attacks a browser
 * can be made to carry out on a server it can reach:
 * - DNS rebinding: a page on attacker.example re-points its own name at
 *   127.0.0.1 and then talks to Waybill as "same origin". Its requests still say
 *   `Host: attacker.example`, so only host names Waybill is known by are answered.
 * - Cross-site requests: a page elsewhere posts to Waybill (a form, or fetch in
 *   no-cors mode, whatever the content type). Browsers mark those with `Origin`
 *   and `Sec-Fetch-Site`; a request that changes anything must come from
 *   Waybill's own pages, or from a client that is no browser at all.
 */

/** Headers on every response. Pages get their Content-Security-Policy from SvelteKit (svelte.config.js). */
export const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/** The policy of API responses: JSON and CSV, which load nothing and are framed by no one. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export interface Refusal {
  status: 403 | 421;
  /** Said to the client: nothing about the server. */
  message: string;
  /** Said to the server's log. */
  reason: string;
}

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The host names a server bound to `bindHost` answers to: localhost and the
 * loopback addresses, the bind address, and, when bound to every interface, this
 * machine's name and addresses; plus `extra` (WAYBILL_ALLOWED_HOSTS, the names a
 * reverse proxy or DNS gives it). `*` in `extra` allows any name.
 */
export function allowedHosts(bindHost: string, extra: readonly string[] = []): ReadonlySet<string> | 'any' {
  const names = extra.map(normalHost).filter((name) => name !== '');
  if (names.includes('*')) return 'any';
  const hosts = new Set(['localhost', '127.0.0.1', '::1', normalHost(bindHost), ...names]);
  if (WILDCARD_ADDRESSES.has(bindHost)) {
    hosts.add(normalHost(hostname()));
    for (const addresses of Object.values(networkInterfaces())) for (const address of addresses ?? []) hosts.add(normalHost(address.address));
  }
  hosts.delete('');
  return hosts;
}

/** The host part of a Host header or URL host, lower-case, without port or IPv6 brackets. */
export function normalHost(host: string): string {
  const trimmed = host.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed);
  if (bracketed) return bracketed[1]!;
  // A bare IPv6 address has several colons and no port.
  if (trimmed.split(':').length > 2) return trimmed;
  return trimmed.replace(/:\d*$/, '').replace(/\.$/, '');
}

/** Why `request` must not reach a handler, or null when it may. */
export function refusal(request: Pick<IncomingMessage, 'method' | 'headers'>, allowed: ReadonlySet<string> | 'any'): Refusal | null {
  const host = request.headers.host;
  if (host === undefined || (allowed !== 'any' && !allowed.has(normalHost(host)))) {
    return {
      status: 421,
      message: 'This Waybill server does not answer to that host name. Open it by the address its administrator gave you.',
      reason: `a request for host ${JSON.stringify(host ?? '')} (allowed: ${allowed === 'any' ? 'any' : [...allowed].join(', ')}; WAYBILL_ALLOWED_HOSTS adds names)`,
    };
  }
  if (SAFE_METHODS.has(request.method ?? 'GET')) return null;
  const origin = header(request, 'origin');
  const site = header(request, 'sec-fetch-site');
  if (origin !== undefined) {
    if (originHost(origin) !== host.trim().toLowerCase()) return crossSite(`${request.method} from origin ${JSON.stringify(origin)} to host ${JSON.stringify(host)}`);
  } else if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return crossSite(`${request.method} with Sec-Fetch-Site ${JSON.stringify(site)}`);
  }
  return null;
}

function crossSite(reason: string): Refusal {
  return { status: 403, message: 'A page from another site may not change anything in Waybill.', reason };
}

/** The host:port of an Origin header, as a Host header would carry it; '' for "null" or a malformed one. */
function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    return url.host.toLowerCase();
  } catch {
    return '';
  }
}

function header(request: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
