import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field per RFC 4180: wrapped in double quotes, with inner quotes
 * doubled, when it holds a comma, a quote, CR or LF; otherwise as is.
 */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV record: fields escaped, joined by commas, ended by LF. */
export function csvRecord(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

/** About 1 MiB of text per write: few syscalls, little memory. */
const DEFAULT_CHUNK_CHARS = 1 << 20;

/**
 * Collects text and hands it to a stream in chunks, waiting for `drain` when the
 * stream's buffer is full, so memory stays bounded however much is written.
 * Callers append synchronously and `await flush()` only when `isFull`, which
 * keeps the per-line cost to a string append.
 */
export class ChunkedTextWriter {
  private buffer = '';

  constructor(
    private readonly stream: Writable,
    private readonly chunkChars = DEFAULT_CHUNK_CHARS,
  ) {}

  append(text: string): void {
    this.buffer += text;
  }

  get isFull(): boolean {
    return this.buffer.length >= this.chunkChars;
  }

  /** Writes the collected text; resolves once the stream can take more. */
  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (this.stream.errored) throw this.stream.errored;
    if (!this.stream.write(chunk)) await drained(this.stream);
  }

  /** Flushes the rest, ends the stream and waits until it is finished. */
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }
}

/** Resolves on `drain`, rejects on `error` or an early `close`. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(stream.errored ?? new Error('stream closed before it drained'));
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Writes a text file through a {@link ChunkedTextWriter} and publishes it
 * atomically: the text goes to a temporary file beside `path`, renamed over
 * `path` only when everything was written, so no reader ever sees half a file.
 * On failure the temporary file is removed and the error rethrown.
 */
export async function writeTextFileAtomically<T>(
  path: string,
  write: (out: ChunkedTextWriter) => Promise<T>,
): Promise<T> {
  const partial = `${path}.${process.pid}.partial`;
  const stream = createWriteStream(partial);
  // Errors surface through `stream.errored`, `drained` and `finished`; this
  // listener only stops an early one (say, a missing folder) from crashing the process.
  stream.on('error', () => {});
  try {
    const out = new ChunkedTextWriter(stream);
    const result = await write(out);
    await out.close();
    await rename(partial, path);
    return result;
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
