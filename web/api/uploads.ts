import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Store } from '../../mining/index.ts';
import { jsonBodyLimit } from './json-limit.ts';
import { audit } from '../../store/audit.ts';
import { actorOf } from './actor.ts';
import { formPostError, UploadError, type Uploads, type UploadState } from '../../ingest/upload.ts';

/** How a confirmed upload is loaded: every field optional; unknown fields are refused. */
const LoadRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    mapping: z
      .object({ case: z.union([z.string(), z.array(z.string()).min(1)]), activity: z.union([z.string(), z.array(z.string()).min(1)]), timestamp: z.string(), resource: z.string(), lifecycle: z.string() })
      .partial()
      .strict()
      .optional(),
    mode: z.enum(['create', 'replace', 'append']).optional(),
    onBadRows: z.enum(['reject', 'quarantine']).optional(),
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();

/**
 * Upload routes: `POST /logs?file=NAME` streams the body to disk and answers with
 * the preview (columns, first rows, mapping); `POST /uploads/:id/load` starts the
 * load with the confirmed mapping; `GET /uploads/:id` and the server-sent events
 * of `GET /uploads/:id/events` follow its progress.
 */
export function uploadRoutes(openStore: () => Promise<Store>, uploads: Uploads) {
  // Errors (UploadError among them) are answered by the API's onError.
  return new Hono()
    .post('/logs', async (c) => {
      const name = c.req.query('file');
      if (name === undefined) throw new UploadError(400, 'name the file: POST /api/logs?file=orders.csv with the file as the body');
      // Refused before a byte is stored: the file must be the body itself.
      if (/^multipart\//i.test(c.req.header('content-type') ?? '')) throw formPostError();
      const length = c.req.header('content-length');
      const { state, preview } = await uploads.receive(name, c.req.raw.body, length === undefined ? undefined : Number(length));
      await audit(await openStore(), actorOf(c), 'upload', null, `${state.file}: ${state.bytes.toLocaleString('en-US')} bytes (upload ${state.upload})`);
      return c.json({ ...state, preview }, 201);
    })
    .get('/uploads/:id', async (c) => c.json(await uploads.get(c.req.param('id'))))
    .post('/uploads/:id/load', jsonBodyLimit('the load request'), async (c) => {
      const body: unknown = await c.req.json().catch(() => {
        throw new UploadError(400, 'the body must be JSON: { name?, mapping?, mode?, onBadRows? }');
      });
      const parsed = LoadRequest.safeParse(body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UploadError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
      }
      return c.json(await uploads.load(await openStore(), c.req.param('id'), { ...parsed.data, actor: actorOf(c) }), 202);
    })
    .get('/uploads/:id/events', async (c) => {
      const id = c.req.param('id');
      const first = await uploads.get(id);
      return streamSSE(c, async (stream) => {
        let last = first;
        const changes: UploadState[] = [];
        let wake: (() => void) | undefined;
        const stop = await uploads.follow(id, (state) => {
          changes.push(state);
          wake?.();
        });
        stream.onAbort(stop);
        try {
          await stream.writeSSE({ event: 'state', data: JSON.stringify(first) });
          while (last.status === 'uploaded' || last.status === 'loading') {
            if (changes.length === 0) await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            for (const state of changes.splice(0)) {
              last = state;
              await stream.writeSSE({ event: 'state', data: JSON.stringify(state) });
            }
            if (stream.aborted) break;
          }
        } finally {
          stop();
        }
      });
    });
}
