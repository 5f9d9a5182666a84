import type { DuckDBConnection } from '@duckdb/node-api';
import type { StagedSource } from './build-log.ts';
import { stageCsv } from './csv.ts';
import type { ColumnMapper } from './mapping.ts';
import { stageParquet } from './parquet.ts';
import { IngestError } from './errors.ts';
import { isGzip, readHead, unpackedCopy } from './source-file.ts';
import { encodingOf } from './text-encoding.ts';
import { stageXes } from './xes.ts';

/** Which reader a file goes to, by its name; whether its first bytes agree; and how it becomes the temporary table `raw`. */

export type SourceFormat = 'csv' | 'xes' | 'parquet';

/** The format a file name says it has (`.csv`, `.tsv`, `.txt`, `.xes`, `.parquet`, any with `.gz`). */
export function detectFormat(file: string): SourceFormat | undefined {
  const lower = file.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv|tab|txt)$/.test(lower)) return 'csv';
  if (lower.endsWith('.xes')) return 'xes';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}



/** Bytes of a file's (unpacked) start that tell text from binary data. */
const HEAD_BYTES = 64 * 1024;

/**
 * Why the file's first bytes contradict the format its name gives, or undefined:
 * `.gz` without gzip's magic bytes (or gzip without `.gz`, which the CSV reader
 * would take for text), a `.parquet` without Parquet's `PAR1`, or binary data (an
 * image, a spreadsheet, a Parquet file) named as text. Checked before any reader
 * runs, so the answer says what to change rather than what the reader stumbled on.
 */
/** What is wrong with a .gz file whose compressed data ends early or fails its check. */
export const BROKEN_GZIP = 'is not a complete gzip file (cut short or damaged): compress it again, or send the whole file';

export async function contentProblem(path: string, format: SourceFormat): Promise<string | undefined> {
  const named = /\.gz$/i.test(path);
  const gzip = await isGzip(path);
  if (named && !gzip) return 'is named .gz but is not gzip-compressed: remove .gz from its name, or compress it with gzip';
  if (!named && gzip && format === 'csv') return 'is gzip-compressed, but its name does not end in .gz: add .gz to its name';
  let head: Buffer;
  let more: boolean;
  try {
    ({ head, more } = await readHead(path, HEAD_BYTES));
  } catch {
    return BROKEN_GZIP;
  }
  const parquet = head.subarray(0, 4).toString('latin1') === 'PAR1';
  if (format === 'parquet') return parquet ? undefined : 'is not a Parquet file (it does not start with Parquet\'s "PAR1")';
  if (parquet) return 'is a Parquet file: name it .parquet';
  if (!isText(head, more)) return `holds binary data, not ${format === 'xes' ? 'XES' : 'CSV'} text: export the event log as CSV (or TSV, XES or Parquet)`;
  return undefined;
}

/** Whether bytes read as text in an encoding Waybill reads: no NUL, and next to no other control characters. */
function isText(head: Buffer, more: boolean): boolean {
  const text = new TextDecoder(encodingOf(head, more)).decode(head);
  const controls = text.match(/[\x00-\x08\x0e-\x1f\x7f]/g) ?? [];
  return !text.includes('\0') && controls.length <= text.length / 100;
}

/** Loads the file into the temporary table `raw`. DuckDB reads Parquet from disk only, so a gzipped one is unpacked first. */
export async function stageSource(connection: DuckDBConnection, format: SourceFormat, path: string, file: string, mapColumns: ColumnMapper, keepBadRows = false): Promise<StagedSource> {
  const problem = await contentProblem(path, format);
  if (problem !== undefined) throw new IngestError(file, problem);
  if (format === 'csv') return stageCsv(connection, path, file, mapColumns, keepBadRows);
  if (format === 'xes') return stageXes(connection, path, file, mapColumns);
  if (!(await isGzip(path))) return stageParquet(connection, path, file, mapColumns);
  const copy = await unpackedCopy(path);
  try {
    return { ...(await stageParquet(connection, copy.path, file, mapColumns)), dispose: copy.remove };
  } catch (error) {
    await copy.remove();
    throw error;
  }
}

