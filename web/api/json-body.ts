import { zValidator } from '@hono/zod-validator';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { ZodType } from 'zod';

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

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Refuses a body not sent as JSON (415) or not JSON at all (400), in words naming
 * what was expected (`shape`). A validator alone would read a body sent as text or a
 * form as `{}` and quietly load or save defaults.
 */
export function sentAsJson(shape: string) {
  return createMiddleware(async (c, next) => {
    if (!JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) return c.json({ error: `send the body as JSON (Content-Type: application/json): ${shape}` }, 415);
    // Parsed once: the validator after this reads the cached body.
    const parsed = await c.req.json().then(
      () => true,
      () => false,
    );
    if (!parsed) return c.json({ error: `the body must be JSON: ${shape}` }, 400);
    await next();
  });
}

/** Checks the JSON body against `schema` (a 400 names the first field that is wrong); `hc` types the client's `json` by it. */
export function validJson<T extends ZodType>(schema: T) {
  return zValidator('json', schema, (result, c) => {
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return c.json({ error: `${issue.path.join('.') || 'body'}: ${issue.message}` }, 400);
    }
  });
}
