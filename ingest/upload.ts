import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Store } from '../store/db.ts';
import { IngestError, type RemedyWording } from './errors.ts';
import { type IngestOptions, type IngestProgress, type IngestResult, ingestFile } from './ingest-file.ts';
import { checkLogName } from './loads.ts';
import { previewFile, type SourcePreview } from './preview.ts';
import { readHead } from './source-file.ts';
import { BROKEN_GZIP, contentProblem, detectFormat } from './stage.ts';
import { defaultLogName } from './log-name.ts';

/**
 * Uploaded files: streamed to disk (never held in memory) under a size limit,
 * previewed, and loaded on confirmation in the background with progress a page
 * can follow. Each upload lives in `<dir>/<id>/<file name>`, its status beside it
 * in `.state.json` (an upload's name never starts with a dot), so a restarted
 * server knows which uploads are loaded, which failed and why, and which were
 * cut off mid-load. A failed upload may be loaded again with other options, so
 * its file stays; a loaded upload's file is deleted, its status kept. `sweep`
 * deletes uploads left alone for longer than an age, whatever their status.
 */

/** How long an upload left alone is kept by default: 24 hours. */
export const DEFAULT_UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The default upload size limit: 2 GiB. */
export const DEFAULT_UPLOAD_LIMIT = 2 * 1024 ** 3;

/**
 * The default limit on what a `.gz` upload inflates to: 10 GiB. A few megabytes of
 * gzip can inflate to gigabytes, and it is the inflated bytes that a load reads.
 */
export const DEFAULT_INFLATED_LIMIT = 10 * 1024 ** 3;

/** An upload the client must fix: 400 (a bad name), 413 (over the size limit) or 415 (content that is not what its name says). */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** The upload page's words for what to change: its choices, not CLI flags. */
export const UPLOAD_PAGE: RemedyWording = (remedy) => {
  switch (remedy.option) {
    case 'onBadRows':
      return 'to load the good rows and keep these aside, choose “set them aside, load the rest” under Bad rows';
    case 'mode':
      return `choose ${remedy.modes.map((mode) => (mode === 'append' ? '“add the new events”' : '“replace it”')).join(' or ')} under “If the log exists”, or another log name`;
    case 'mapping':
      return `choose the ${remedy.roles.join(', ')} column${remedy.roles.length === 1 ? '' : 's'}`;
    case 'name':
      return 'choose another log name';
  }
};

/**
 * What a browser is told of a failed upload or load: an ingest problem in the
 * upload page's words, without the text of the error beneath it (a DuckDB or
 * system message, which may name server paths); anything else only that it
 * failed. What is withheld goes to the server's log.
 */
export function browserMessage(error: unknown): string {
  if (error instanceof IngestError && error.detail === undefined) return error.describe(UPLOAD_PAGE);
  console.error(error);
  if (error instanceof IngestError) return `${error.describe(UPLOAD_PAGE, { detail: false })} (the server log has the details)`;
  return 'the load failed on the server; the server log has the details';
}

/** The longest file name most file systems store: 255 bytes. */
const MAX_NAME_BYTES = 255;

/**
 * Checks an upload's file name: a plain name of a format Waybill reads, with no
 * folder part, no `..`, no control characters and no leading dot, so it can
 * neither escape the upload folder nor hide in it.
 */
export function checkUploadName(name: string): string {
  if (name === '') throw new UploadError(400, 'the file name is empty: name the file, e.g. ?file=orders.csv');
  // The limit is in bytes, as the file system counts it: 200 "é" are 400 bytes in UTF-8.
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) throw new UploadError(400, `the file name is ${bytes} bytes long in UTF-8; shorten it to at most ${MAX_NAME_BYTES} bytes`);
  if (/[/\\\x00-\x1f\x7f]/.test(name) || name.startsWith('.') || name.includes('..')) {
    throw new UploadError(400, `the file name ${JSON.stringify(name)} may not hold a folder, "..", a leading dot or control characters`);
  }
  if (!detectFormat(name)) throw new UploadError(400, `${JSON.stringify(name)} is not a format Waybill reads: .csv, .tsv, .txt, .xes or .parquet (optionally .gz)`);
  return name;
}

export type UploadStatus = 'uploaded' | 'loading' | 'loaded' | 'failed';

/** What the API reports of an upload. */
export interface UploadState {
  upload: string;
  file: string;
  bytes: number;
  status: UploadStatus;
  progress: IngestProgress | null;
  result: IngestResult | null;
  error: string | null;
  /** Who sent it (the signed-in user), so no one else can follow or load it; null when the server does not know. */
  owner: string | null;
}

interface Upload extends UploadState {
  path: string;
  listeners: Set<(state: UploadState) => void>;
  /** The last write of `.state.json`; writes are chained so the file ends with the last status. */
  saved: Promise<void>;
}

const STATE_FILE = '.state.json';
/** What a load cut off by a restart (or a crash) of the server leaves: nothing stored, as every load is one transaction. */
const INTERRUPTED = 'the server stopped before this load finished; nothing was stored. Load it again.';

/** The uploads of one server process. */
export class Uploads {
  private readonly uploads = new Map<string, Upload>();
  /** Uploads whose bytes are still arriving: not yet in `uploads`, and not to be swept. */
  private readonly receiving = new Set<string>();
  /** Told the log's name each time an upload's load has committed (the server then computes its pages ahead). */
  onLoaded: ((log: string) => void) | undefined;

  constructor(
    readonly dir: string,
    readonly limitBytes = DEFAULT_UPLOAD_LIMIT,
    readonly inflatedLimitBytes = DEFAULT_INFLATED_LIMIT,
  ) {}

  /**
   * Streams `body` to disk as `name`; refuses past the size limit (declared or
   * actual), leaving nothing behind. Returns the upload with its preview.
   */
  async receive(name: string, body: ReadableStream<Uint8Array> | null, declaredBytes?: number, owner?: string): Promise<{ state: UploadState; preview: SourcePreview }> {
    const file = checkUploadName(name);
    if (body === null) throw new UploadError(400, 'the request has no body: send the file\'s bytes as the body');
    if (declaredBytes !== undefined && declaredBytes > this.limitBytes) throw this.tooLarge();
    const id = randomUUID();
    const folder = join(this.dir, id);
    const path = join(folder, file);
    await mkdir(folder, { recursive: true });
    this.receiving.add(id);
    let bytes = 0;
    const limit = this.limitBytes;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        bytes += chunk.length;
        done(bytes > limit ? this.tooLarge() : null, chunk);
      },
    });
    const inflating = /\.gz$/i.test(file) ? inflatedCounter(this.inflatedLimitBytes, () => this.inflatesTooLarge()) : null;
    try {
      await pipeline([Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), counter, ...(inflating ? [inflating.step] : []), createWriteStream(path)]);
      await checkContent(path, file);
      // Gzip whose data breaks off past the head: later reads would fail on it.
      if (inflating?.broken()) throw new UploadError(415, `${file} ${BROKEN_GZIP}`);
      const preview = await previewFile(path, file);
      const upload: Upload = { upload: id, file, bytes, status: 'uploaded', progress: null, result: null, error: null, owner: owner ?? null, path, listeners: new Set(), saved: Promise.resolve() };
      // Saved now, so a restarted server still knows whose it is.
      await this.save(upload);
      this.uploads.set(id, upload);
      return { state: snapshot(upload), preview };
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    } finally {
      this.receiving.delete(id);
    }
  }

  /** An upload's state; it survives a restart of the server as long as its file is on disk. */
  async get(id: string): Promise<UploadState> {
    return snapshot(await this.find(id));
  }

  /**
   * Starts loading the upload with `options` and returns at once; progress and
   * the outcome are in its state (and told to `follow` listeners). An upload
   * that failed may be loaded again, with other options, without sending it again.
   */
  async load(store: Store, id: string, options: Omit<IngestOptions, 'onProgress'>): Promise<UploadState> {
    const upload = await this.find(id);
    if (upload.status === 'loading') throw new UploadError(409, 'this upload is being loaded already');
    if (upload.status === 'loaded') throw new UploadError(409, 'this upload is loaded already');
    const name = options.name ?? defaultLogName(upload.file);
    checkLogName(name, upload.file, options.mode);
    upload.status = 'loading';
    upload.error = null;
    upload.result = null;
    upload.progress = { phase: 'reading', fraction: 0 };
    this.tell(upload);
    await this.save(upload);
    ingestFile(store, upload.path, {
      source: `upload ${upload.file}`,
      shownAs: upload.file,
      ...options,
      name,
      onProgress: (progress) => {
        upload.progress = progress;
        this.tell(upload);
      },
    }).then(
      // The end is written to disk before anyone is told, so a server started again right after shows the same.
      async (result) => {
        await this.save(upload, { status: 'loaded', result });
        this.tell(upload);
        this.onLoaded?.(result.name);
        // Its events are in the store now; the status stays, so the page (and a restarted server) can still show the result.
        await unlink(upload.path).catch(() => undefined);
      },
      async (error: unknown) => {
        await this.save(upload, { status: 'failed', error: browserMessage(error) });
        this.tell(upload);
      },
    );
    return snapshot(upload);
  }

  /** Calls `listener` with each change of the upload's state until the returned function is called. */
  async follow(id: string, listener: (state: UploadState) => void): Promise<() => void> {
    const upload = await this.find(id);
    upload.listeners.add(listener);
    return () => upload.listeners.delete(listener);
  }

  /**
   * Writes the upload's status beside its file, then takes `change` in memory. The
   * file is replaced whole (written aside, then renamed), so a reader never sees half
   * of it. A failed write loses only what a restart would remember; the running
   * server keeps the state.
   */
  private save(upload: Upload, change: Partial<Pick<UploadState, 'status' | 'result' | 'error'>> = {}): Promise<void> {
    // The file's name and size are kept too: a loaded upload's file is gone.
    const { file, bytes, status, result, error, owner } = { ...upload, ...change };
    const path = join(dirname(upload.path), STATE_FILE);
    const write = async () => {
      await writeFile(`${path}.next`, JSON.stringify({ file, bytes, status, result, error, owner }));
      await rename(`${path}.next`, path);
    };
    upload.saved = upload.saved
      .then(write)
      .catch(() => undefined)
      .then(() => void Object.assign(upload, change));
    return upload.saved;
  }

  private tell(upload: Upload): void {
    const state = snapshot(upload);
    for (const listener of upload.listeners) listener(state);
  }

  private async find(id: string): Promise<Upload> {
    const known = this.uploads.get(id);
    if (known) return known;
    // Uploaded before a restart: the file is still there, waiting to be loaded.
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new UploadError(404, `no upload ${JSON.stringify(id)}`);
    const folder = join(this.dir, id);
    const saved = await readSavedState(join(folder, STATE_FILE));
    const onDisk = (await readdir(folder).catch(() => [])).find((name) => !name.startsWith('.'));
    // A loaded upload's file was deleted after its load; its saved status says what it was.
    const file = onDisk ?? (saved.status === 'loaded' ? saved.file : undefined);
    if (file === undefined) throw new UploadError(404, `no upload ${JSON.stringify(id)}`);
    const path = join(folder, file);
    const bytes = onDisk === undefined ? (saved.bytes ?? 0) : (await stat(path)).size;
    const upload: Upload = { upload: id, status: 'uploaded', progress: null, result: null, error: null, owner: null, ...saved, file, bytes, path, listeners: new Set(), saved: Promise.resolve() };
    // A load under way when the server stopped was rolled back with it.
    if (upload.status === 'loading') Object.assign(upload, { status: 'failed', error: INTERRUPTED });
    this.uploads.set(id, upload);
    return upload;
  }

  /**
   * Deletes the uploads left alone for longer than `maxAgeMs`: nothing written in
   * their folder since (receiving, saving a status), whether never loaded, failed
   * or loaded. Uploads being received or loaded now are kept. Returns their ids.
   */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<string[]> {
    const swept: string[] = [];
    for (const id of await readdir(this.dir).catch(() => [])) {
      if (this.receiving.has(id) || this.uploads.get(id)?.status === 'loading') continue;
      const folder = join(this.dir, id);
      if (now - (await lastTouched(folder)) <= maxAgeMs) continue;
      await rm(folder, { recursive: true, force: true });
      this.uploads.delete(id);
      swept.push(id);
    }
    return swept;
  }

  private tooLarge(): UploadError {
    return new UploadError(413, `the file is larger than the upload limit of ${this.limitBytes.toLocaleString('en-US')} bytes (WAYBILL_UPLOAD_LIMIT sets it)`);
  }

  private inflatesTooLarge(): UploadError {
    return new UploadError(
      413,
      `the file inflates to more than the limit of ${this.inflatedLimitBytes.toLocaleString('en-US')} bytes once decompressed (WAYBILL_UPLOAD_DECOMPRESSED_LIMIT sets it); send a smaller file`,
    );
  }
}

/**
 * Passes gzip bytes through unchanged while inflating a copy and counting what it
 * inflates to, so an upload that would inflate past `limit` is refused while it
 * streams, not after gigabytes were written. Each chunk is passed on once it has
 * been inflated, so the count never lags the upload by more than a chunk. Bytes
 * that are not gzip, or gzip that breaks off or fails its check (`broken`), are left
 * to the content check (415): counting just stops.
 */
function inflatedCounter(limit: number, tooLarge: () => UploadError): { step: Transform; broken: () => boolean } {
  const gunzip = createGunzip();
  let inflated = 0;
  let broken = false;
  // The step waiting for gunzip; a gunzip error does not call a write's callback, so it is released here too.
  let waiting: (() => void) | undefined;
  const release = () => {
    const next = waiting;
    waiting = undefined;
    next?.();
  };
  gunzip.on('data', (chunk: Buffer) => (inflated += chunk.length));
  gunzip.on('error', () => {
    broken = true;
    release();
  });
  const over = () => (inflated > limit ? tooLarge() : null);
  const step = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (broken) return done(null, chunk);
      waiting = () => done(over(), chunk);
      gunzip.write(chunk, release);
    },
    flush(done) {
      if (broken) return done();
      waiting = () => done(over());
      gunzip.end(release);
    },
    destroy(error, done) {
      gunzip.destroy();
      done(error);
    },
  });
  return { step, broken: () => broken };
}

/** A browser form post wraps the file in a multipart body: its boundary line, then a part's headers. */
const MULTIPART = /^--[^\r\n]{1,200}\r?\n(?:[^\r\n]*\r?\n){0,4}?content-disposition:\s*form-data/i;

/** The answer to a form post, whether its content type or its first bytes tell it. */
export function formPostError(): UploadError {
  return new UploadError(415, 'the body is a form post (multipart/form-data), not the file: send the file\'s bytes themselves as the body');
}

/** Refuses (415) a body that is a form post rather than the file, or whose bytes are not what its name says. */
async function checkContent(path: string, file: string): Promise<void> {
  const { head } = await readHead(path, 1024).catch(() => ({ head: Buffer.alloc(0) }));
  if (MULTIPART.test(head.toString('latin1'))) throw formPostError();
  const problem = await contentProblem(path, detectFormat(file)!);
  if (problem !== undefined) throw new UploadError(415, `${file} ${problem}`);
}

/** The last time anything in an upload's folder was written (the folder's own time when it is empty or unreadable). */
async function lastTouched(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => []);
  const times = await Promise.all([folder, ...names.map((name) => join(folder, name))].map((path) => stat(path).then((s) => s.mtimeMs, () => 0)));
  return Math.max(...times);
}

/** What `.state.json` says of an upload; nothing when it is missing or unreadable (then the upload counts as not loaded). */
async function readSavedState(path: string): Promise<Partial<Pick<UploadState, 'file' | 'bytes' | 'status' | 'result' | 'error' | 'owner'>>> {
  try {
    const { file, bytes, status, result, error, owner } = JSON.parse(await readFile(path, 'utf8')) as Partial<UploadState>;
    if (status !== 'uploaded' && status !== 'loading' && status !== 'loaded' && status !== 'failed') return {};
    return {
      status,
      result: result ?? null,
      error: error ?? null,
      owner: typeof owner === 'string' ? owner : null,
      ...(typeof file === 'string' && { file }),
      ...(typeof bytes === 'number' && { bytes }),
    };
  } catch {
    return {};
  }
}

function snapshot({ upload, file, bytes, status, progress, result, error, owner }: Upload): UploadState {
  return { upload, file, bytes, status, progress, result, error, owner };
}
