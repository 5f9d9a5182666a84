import type { Handle } from '@sveltejs/kit';
import { createApi } from './api/index.ts';
import { dirname, join } from 'node:path';
import { DEFAULT_INFLATED_LIMIT, DEFAULT_UPLOAD_LIMIT, DEFAULT_UPLOAD_MAX_AGE_MS, Uploads } from '../ingest/upload.ts';
import { openStore, resolveDbPath } from '../mining/index.ts';

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
// One process, one port: the Hono API answers /api, SvelteKit the pages.
const api = createApi(() => openStore(resolveDbPath()), uploads);

export const handle: Handle = async ({ event, resolve }) => {
  if (event.url.pathname === '/api' || event.url.pathname.startsWith('/api/')) return api.fetch(event.request, { clientAddress: event.getClientAddress() });
  return resolve(event);
};
