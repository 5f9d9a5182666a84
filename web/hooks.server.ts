import type { Handle } from '@sveltejs/kit';
import { createApi } from './api/index.ts';
import { openStore, resolveDbPath } from '../mining/index.ts';

// One process, one port: the Hono API answers /api, SvelteKit the pages.
const api = createApi(() => openStore(resolveDbPath()));

export const handle: Handle = async ({ event, resolve }) => {
  if (event.url.pathname === '/api' || event.url.pathname.startsWith('/api/')) return api.fetch(event.request);
  return resolve(event);
};
