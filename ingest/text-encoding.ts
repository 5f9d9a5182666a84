import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openSource, readHead } from './source-file.ts';

/**
 * Text encodings a CSV export arrives in. DuckDB reads UTF-8 only (other
 * encodings would need an extension that cannot be downloaded here), so other
 * files are copied to UTF-8 first.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Bytes of the file's start that must decode as UTF-8 for it to be taken as UTF-8. */
const SAMPLE_BYTES = 1 << 20;

/**
 * The file's encoding: a byte-order mark decides (Excel's "Unicode text" is
 * UTF-16LE with one); else UTF-8 if its first megabyte decodes as UTF-8, else
 * Windows-1252 (what Excel and older ERPs on Windows write, a superset of Latin-1).
 * A stray non-UTF-8 byte later in the file is caught when DuckDB reads it.
 */
export async function sniffEncoding(path: string): Promise<TextEncodingName> {
  const { head, more } = await readHead(path, SAMPLE_BYTES);
  return encodingOf(head, more);
}

/** The encoding of a file that starts with `sample` (`more`: the file goes on past it), by the rule of sniffEncoding. */
export function encodingOf(sample: Buffer, more: boolean): TextEncodingName {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  try {
    // A multi-byte character cut by the sample's end is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: more });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** A UTF-8 copy of a (possibly gzipped) file in a temporary folder; `remove` deletes it. */
export async function utf8Copy(path: string, encoding: TextEncodingName): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'waybill-utf8-'));
  const target = join(dir, 'source.csv');
  const decoder = new TextDecoder(encoding === 'windows-1252' ? 'windows-1252' : encoding);
  try {
    await pipeline(
      await openSource(path),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) yield Buffer.from(decoder.decode(chunk, { stream: true }));
        yield Buffer.from(decoder.decode());
      },
      createWriteStream(target),
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { path: target, remove: () => rm(dir, { recursive: true, force: true }) };
}
