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
/** Appended text is encoded into the chunk's bytes every this many characters. */
const SPILL_CHARS = 1 << 14;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Collects text as bytes in chunks of about `chunkChars` characters, for a
 * writer to take when `isFull`. Callers append synchronously, which keeps the
 * per-line cost to a string append or a byte copy.
 *
 * Appended text is concatenated into a short string that is encoded (UTF-8)
 * into an off-heap buffer every {@link SPILL_CHARS} characters: lines built by
 * concatenation die young instead of piling up as a rope of millions of
 * pieces that survives garbage collections until the chunk is written.
 */
export class TextChunks {
  private pending = '';
  private bytes: Buffer;
  private used = 0;
  /** Buffers filled before a take (only when a caller appends far past `isFull`). */
  private filled: Buffer[] = [];

  constructor(private readonly chunkChars = DEFAULT_CHUNK_CHARS) {
    this.bytes = Buffer.allocUnsafe(this.capacity(0));
  }

  append(text: string): void {
    this.pending += text;
    if (this.pending.length >= SPILL_CHARS) this.spill();
  }

  /**
   * Appends one record of `count` fields joined by commas and ended by LF,
   * encoding the fields straight into the chunk's bytes: no joined string is
   * made. Fields are written as they are (no RFC 4180 quoting).
   */
  appendRow(fields: readonly string[], count = fields.length): void {
    if (this.pending !== '') this.spill();
    let length = count;
    for (let i = 0; i < count; i++) length += (fields[i] as string).length;
    this.reserve(length);
    const bytes = this.bytes;
    let pos = this.used;
    for (let i = 0; i < count; i++) {
      if (i > 0) bytes[pos++] = 44; // ,
      const field = fields[i] as string;
      const n = field.length;
      for (let j = 0; j < n; j++) {
        const c = field.charCodeAt(j);
        if (c < 0x80) {
          bytes[pos++] = c;
        } else {
          pos += bytes.write(field.slice(j), pos, 'utf8');
          break;
        }
      }
    }
    bytes[pos++] = 10; // LF
    this.used = pos;
  }

  get isFull(): boolean {
    return this.used + this.pending.length >= this.chunkChars;
  }

  /**
   * Hands over the bytes collected so far (each buffer its own memory, so it
   * can be written later or transferred to another thread) and starts afresh.
   */
  take(): Buffer[] {
    this.spill();
    const chunks = this.filled;
    this.filled = [];
    if (this.used > 0) {
      chunks.push(this.bytes.subarray(0, this.used));
      this.bytes = Buffer.allocUnsafe(this.capacity(0));
      this.used = 0;
    }
    return chunks;
  }

  /** Bytes for a chunk that must take at least `chars` more characters (UTF-8: up to 3 bytes each). */
  private capacity(chars: number): number {
    return Math.max(this.chunkChars + 3 * SPILL_CHARS, 3 * chars);
  }

  /** Makes room in the byte buffer for `chars` more characters. */
  private reserve(chars: number): void {
    if (this.bytes.length - this.used >= 3 * chars) return;
    if (this.used > 0) this.filled.push(this.bytes.subarray(0, this.used));
    this.bytes = Buffer.allocUnsafe(this.capacity(chars));
    this.used = 0;
  }

  /** Encodes the pending text into the byte buffer. */
  private spill(): void {
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    this.reserve(text.length);
    // ASCII (all generated ids and names) is copied byte for byte, much faster than UTF-8 encoding.
    this.used += this.bytes.write(text, this.used, NON_ASCII.test(text) ? 'utf8' : 'latin1');
  }
}

/**
 * Text chunks written to a stream, waiting for `drain` when the stream's
 * buffer is full, so memory stays bounded however much is written. Callers
 * `await flush()` only when `isFull`.
 */
export class ChunkedTextWriter extends TextChunks {
  constructor(
    private readonly stream: Writable,
    chunkChars = DEFAULT_CHUNK_CHARS,
  ) {
    super(chunkChars);
  }

  /** Writes the collected text; resolves once the stream can take more. */
  async flush(): Promise<void> {
    const chunks = this.take();
    if (chunks.length === 0) return;
    if (this.stream.errored) throw this.stream.errored;
    let ok = true;
    for (const chunk of chunks) ok = this.stream.write(chunk);
    if (!ok) await drained(this.stream);
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
