import type { Handle } from '@sveltejs/kit';
import { createApi } from './api/index.ts';
import { dirname, join } from 'node:path';
import { DEFAULT_INFLATED_LIMIT, DEFAULT_UPLOAD_LIMIT, DEFAULT_UPLOAD_MAX_AGE_MS, Uploads } from '../ingest/index.ts';
import { openStore, resolveDbPath } from '../mining/index.ts';
import { MapLayouts } from './api/map-layouts.ts';
import { identify, serverRequest } from './api/actor.ts';
import { PagesAhead, type Opened } from '$lib/server/warm-up.ts';
import { OidcSignIn, oidcSettingsFromEnv } from './api/oidc.ts';
import { allows, type Role } from '../store/accounts.ts';

// Uploads go beside the database; WAYBILL_UPLOAD_LIMIT (bytes) caps their size, and
// WAYBILL_UPLOAD_DECOMPRESSED_LIMIT (bytes) what a .gz upload inflates to.
const uploads = new Uploads(
  join(dirname(resolveDbPath()), 'uploads'),
  Number(process.env.WAYBILL_UPLOAD_LIMIT) || DEFAULT_UPLOAD_LIMIT,
  Number(process.env.WAYBILL_UPLOAD_DECOMPRESSED_LIMIT) || DEFAULT_INFLATED_LIMIT,
);
// Uploads left alone for WAYBILL_UPLOAD_MAX_AGE seconds (default 24 hours) are deleted at
// start and every hour after; the timer does not keep a stopping server alive.
const maxAgeMs = Number(process.env.WAYBILL_UPLOAD_MAX_AGE) * 1000 || DEFAULT_UPLOAD_MAX_AGE_MS;
const sweep = () => void uploads.sweep(maxAgeMs).catch((error: unknown) => console.error('Sweeping old uploads failed:', error));
sweep();
setInterval(sweep, 60 * 60 * 1000).unref();
const store = () => openStore(resolveDbPath());
const oidcSettings = oidcSettingsFromEnv();
// Maps are laid out here, in a thread of ELK's own.
const layouts = new MapLayouts();
// One process, one port: the Hono API answers /api, SvelteKit the pages.
const api = createApi(store, uploads, { layouts, ...(oidcSettings && { oidc: new OidcSignIn(oidcSettings) }) });
// Every page of every log is computed ahead, now and after each upload's load, so whoever opens a
// page first finds its numbers remembered (WAYBILL_COMPUTE_AHEAD=off leaves pages to be computed when asked).
const pagesAhead = new PagesAhead(async (input, init) => api.fetch(serverRequest(new URL(input instanceof Request ? input.url : String(input), 'http://waybill.local'), init), { clientAddress: 'waybill' }));
if (process.env.WAYBILL_COMPUTE_AHEAD !== 'off') {
  const timed = (what: string, work: () => Promise<Opened>) => {
    const started = performance.now();
    return work().then((opened) => {
      console.log(`Computed ${opened.pages} pages ${what} ahead in ${((performance.now() - started) / 1000).toFixed(1)} s; their answers are remembered until their log changes.`);
      return opened;
    });
  };
  void timed('of every log', () => pagesAhead.everything()).then((opened) => {
    // With no log yet, ELK still compiles its code on a few made-up maps, so the first real one does not wait for that.
    if (opened.logs === 0) layouts.warm();
  });
  uploads.onLoaded = (log) => void timed(`of ${JSON.stringify(log)}`, () => pagesAhead.log(log));
} else {
  layouts.warm();
}

/** Pages anyone may open: signing in. */
const OPEN_PAGES = new Set(['/sign-in']);
/** Pages that need more than a viewer. */
const PAGE_ROLES: [RegExp, Role][] = [
  [/^\/(audit|admin)(\/|$)/, 'admin'],
  [/^\/upload(\/|$)/, 'analyst'],
  [/^\/notebooks(\/|$)/, 'analyst'],
];

export const handle: Handle = async ({ event, resolve }) => {
  const { pathname } = event.url;
  if (pathname === '/api' || pathname.startsWith('/api/')) return api.fetch(event.request, { clientAddress: event.getClientAddress() });
  if (OPEN_PAGES.has(pathname)) return resolve(event);
  // Pages take what the API takes: the session cookie, or an API token (so a script or a browser test needs no sign-in).
  let identity;
  try {
    identity = await identify(await store(), event.request.headers, process.env.WAYBILL_API_TOKEN);
  } catch (error) {
    console.error(error);
    return new Response('Waybill cannot read its database now; the server log says why.', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  if (!identity) {
    const next = pathname + event.url.search;
    return new Response(null, { status: 303, headers: { location: `/sign-in?${new URLSearchParams({ next })}` } });
  }
  const needed = PAGE_ROLES.find(([pattern]) => pattern.test(pathname))?.[1];
  if (needed !== undefined && !allows(identity.role, needed)) {
    return new Response(`This page needs the ${needed} role; you are signed in as ${identity.name} (${identity.role}).`, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  event.locals.identity = identity;
  return resolve(event);
};
