import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { inTransaction, queryRow, withConnection, type Store } from '../store/db.ts';
import { deleteLogRows } from '../store/logs.ts';
import { buildLog, type LogSummary, type StagedSource } from './build-log.ts';
import { stageCsv } from './csv.ts';
import { IngestError } from './errors.ts';
import type { MappingOverrides } from './mapping.ts';
import { stageXes } from './xes.ts';

export { IngestError } from './errors.ts';
export type { ColumnMapping, MappingOverrides } from './mapping.ts';
export type { LogSummary } from './build-log.ts';

export interface IngestOptions {
  /** The log's name; default: the file name without its extensions. */
  name?: string;
  mapping?: MappingOverrides;
  /** Replace an existing log of the same name instead of refusing. */
  replace?: boolean;
}

export type SourceFormat = 'csv' | 'xes';

/** The format a file name says it has (`.csv`, `.xes`, either with `.gz`). */
export function detectFormat(file: string): SourceFormat | undefined {
  const lower = file.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.xes')) return 'xes';
  return undefined;
}

/** The default log name for a file: its base name without format and compression extensions. */
export function defaultLogName(file: string): string {
  return basename(file).replace(/\.gz$/i, '').replace(/\.(csv|xes)$/i, '');
}

/**
 * Ingests one event-log file as a new log, in one transaction: on any error the
 * store is left exactly as it was, and the error names the file, line and column.
 */
export async function ingestFile(store: Store, file: string, options: IngestOptions = {}): Promise<LogSummary> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new IngestError(file, 'no such file');
  const format = detectFormat(path);
  if (!format) throw new IngestError(file, 'unknown format: expected .csv or .xes (optionally .gz)');
  const name = options.name ?? defaultLogName(path);
  if (name.trim() === '') throw new IngestError(file, 'the log name is empty; pass --name');
  const mapping = options.mapping ?? {};

  try {
    // Temporary tables live and die with this connection.
    return await withConnection(store, async (connection) => {
      // Parsing happens before the transaction opens: a slow parse holds no lock.
      const source: StagedSource =
        format === 'csv' ? await stageCsv(connection, path, file, mapping) : await stageXes(connection, path, file, mapping);
      return inTransaction(connection, async () => {
        const existing = await queryRow<{ log_id: number }>(connection, `SELECT log_id FROM logs WHERE name = $name`, { name });
        if (existing) {
          if (!options.replace) throw new IngestError(file, `a log named ${JSON.stringify(name)} exists; pass --replace to load it again, or --name to choose another name`);
          await deleteLogRows(connection, existing.log_id);
        }
        return buildLog(connection, name, source, path);
      });
    });
  } catch (error) {
    if (error instanceof IngestError) throw error;
    // Whatever else failed (the database, the disk), say which file it was.
    throw new IngestError(file, `${error instanceof Error ? error.message : String(error)}. Nothing was loaded.`);
  }
}
