import { bodyLimit } from 'hono/body-limit';

/** The default cap on a JSON request body: 1 MiB, a thousand times what a load call or the KPI settings need. */
export const DEFAULT_JSON_LIMIT = 1024 * 1024;

/** The cap on JSON request bodies: WAYBILL_JSON_LIMIT bytes, else 1 MiB. */
export function jsonLimitBytes(): number {
  return Number(process.env.WAYBILL_JSON_LIMIT) || DEFAULT_JSON_LIMIT;
}

/**
 * Refuses (413) a JSON body over the cap before any of it is parsed: the server
 * lets request bodies through unbounded for uploads, and a parsed body of
 * hundreds of megabytes costs gigabytes of memory that are not given back.
 */
export function jsonBodyLimit(what: string) {
  const maxSize = jsonLimitBytes();
  return bodyLimit({ maxSize, onError: (c) => c.json({ error: `${what} may be at most ${describeBytes(maxSize)}` }, 413) });
}

function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes.toLocaleString('en-US')} bytes`;
}
