import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Store } from '../../mining/index.ts';
import { jsonBodyLimit, sentAsJson, validJson } from './json-body.ts';
import { audit } from '../../store/audit.ts';
import { writeLogGroups } from '../../store/accounts.ts';
import { actorOf, identityOf, needs, type ApiEnv } from './actor.ts';
import { checkLogAccess } from './access.ts';
import { defaultLogName, formPostError, UploadError, type Uploads, type UploadState } from '../../ingest/index.ts';

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
  /** An upload is its sender's (and the admins'); to anyone else it does not exist. */
  const ownUpload = async (c: Context<ApiEnv>): Promise<UploadState> => {
    const state = await uploads.get(c.req.param('id') ?? '');
    const identity = identityOf(c);
    if (identity.role !== 'admin' && state.owner !== identity.name) throw new UploadError(404, `no upload ${JSON.stringify(c.req.param('id'))}`);
    return state;
  };
  // Errors (UploadError among them) are answered by the API's onError.
  return new Hono<ApiEnv>()
    .post('/logs', needs('analyst'), async (c) => {
      const name = c.req.query('file');
      if (name === undefined) throw new UploadError(400, 'name the file: POST /api/logs?file=orders.csv with the file as the body');
      // Refused before a byte is stored: the file must be the body itself.
      if (/^multipart\//i.test(c.req.header('content-type') ?? '')) throw formPostError();
      const length = c.req.header('content-length');
      const { state, preview } = await uploads.receive(name, c.req.raw.body, length === undefined ? undefined : Number(length), identityOf(c).name);
      await audit(await openStore(), actorOf(c), 'upload', null, `${state.file}: ${state.bytes.toLocaleString('en-US')} bytes (upload ${state.upload})`);
      return c.json({ ...state, preview }, 201);
    })
    .get('/uploads/:id', async (c) => c.json(await ownUpload(c)))
    .post('/uploads/:id/load', needs('analyst'), jsonBodyLimit('the load request'), sentAsJson('{ name?, mapping?, mode?, onBadRows?, timeZone? }'), validJson(LoadRequest), async (c) => {
      const request = c.req.valid('json');
      const upload = await ownUpload(c);
      const identity = identityOf(c);
      const mode = request.mode ?? 'create';
      if (mode === 'replace' && identity.role !== 'admin') throw new UploadError(403, `replacing a log needs the admin role; you are signed in as ${identity.name} (${identity.role}). Load it as a new log, or append to it`);
      const store = await openStore();
      const name = request.name ?? defaultLogName(upload.file);
      // Appending or replacing needs a log the sender may see; to anyone else it does not exist.
      if (mode !== 'create') await checkLogAccess(store, identity, name);
      // A log made by someone in groups is theirs to share: restricted to those groups until an admin opens it.
      const restrictTo = mode === 'create' && identity.role !== 'admin' ? identity.groups : [];
      return c.json(
        await uploads.load(store, upload.upload, {
          ...request,
          actor: actorOf(c),
          ...(restrictTo.length > 0 && { inTransaction: (connection) => writeLogGroups(connection, name, restrictTo) }),
        }),
        202,
      );
    })
    .get('/uploads/:id/events', async (c) => {
      const id = c.req.param('id');
      const first = await ownUpload(c);
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
