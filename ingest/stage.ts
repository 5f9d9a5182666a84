import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StagedSource } from './build-log.ts';
import { stageCsv } from './csv.ts';
import type { ColumnMapper } from './mapping.ts';
import { stageParquet } from './parquet.ts';
import { isGzip, unpackedCopy } from './source-file.ts';
import { stageXes } from './xes.ts';

/** Which reader a file goes to, by its name; and how it becomes the temporary table `raw`. */

export type SourceFormat = 'csv' | 'xes' | 'parquet';

/** The format a file name says it has (`.csv`, `.tsv`, `.txt`, `.xes`, `.parquet`, any with `.gz`). */
export function detectFormat(file: string): SourceFormat | undefined {
  const lower = file.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv|tab|txt)$/.test(lower)) return 'csv';
  if (lower.endsWith('.xes')) return 'xes';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** The default log name for a file: its base name without format and compression extensions. */
export function defaultLogName(file: string): string {
  return basename(file).replace(/\.gz$/i, '').replace(/\.(csv|tsv|tab|txt|xes|parquet)$/i, '');
}


/** Loads the file into the temporary table `raw`. DuckDB reads Parquet from disk only, so a gzipped one is unpacked first. */
export async function stageSource(connection: DuckDBConnection, format: SourceFormat, path: string, file: string, mapColumns: ColumnMapper, keepBadRows = false): Promise<StagedSource> {
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

