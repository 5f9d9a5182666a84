import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { IngestError } from './errors.ts';

/** Whether a file starts with the gzip magic bytes (the extension may lie). */
export async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** A stream of the file's bytes, decompressed when it is gzip. */
export async function openSource(path: string): Promise<Readable> {
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (!(await isGzip(path))) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}

/**
 * Feeds a file's text (UTF-8, decompressed when gzip) to `write` chunk by chunk, the
 * decoder's remainder last; stops early, quietly, once `stopped()` (the caller's
 * parser has failed, and the caller throws its own error). A read error is an
 * IngestError naming `file`.
 */
export async function streamText(path: string, file: string, write: (text: string) => void, stopped: () => boolean): Promise<void> {
  const stream = await openSource(path);
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream) {
      write(decoder.decode(chunk as Buffer, { stream: true }));
      if (stopped()) return;
    }
    write(decoder.decode());
  } catch (error) {
    if (stopped()) return;
    throw new IngestError(file, 'cannot read the file', undefined, undefined, undefined, { detail: error instanceof Error ? error.message : String(error) });
  } finally {
    stream.destroy();
  }
}

/** The file's bytes, decompressed, in a temporary folder (for readers that need a plain file); `remove` deletes it. */
export async function unpackedCopy(path: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'waybill-unpacked-'));
  const target = join(dir, basename(path).replace(/\.gz$/i, ''));
  try {
    await pipeline(await openSource(path), createWriteStream(target));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { path: target, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The SHA-256 of a file's bytes, hex. */
export function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done(hash.digest('hex')))
      .on('error', fail);
  });
}


/** The first `bytes` bytes of the file, decompressed when it is gzip (for sniffing formats and encodings). */
export async function readHead(path: string, bytes: number): Promise<{ head: Buffer; more: boolean }> {
  const stream = await openSource(path);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return { head: Buffer.concat(chunks).subarray(0, bytes), more: size > bytes };
}
