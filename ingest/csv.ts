import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../store/db.ts';
import { quoteLiteral } from '../store/sql.ts';
import { IngestError } from './errors.ts';
import { resolveMapping, type MappingOverrides } from './mapping.ts';
import type { StagedSource } from './build-log.ts';

/**
 * Loads a CSV file (optionally .gz) into the temporary table `raw` with DuckDB's
 * reader. Mapped columns are read as text so Waybill, not the sniffer, decides how
 * to read them; other columns keep the types DuckDB detects. If a late value breaks
 * a type guessed from the sample, the file is read again with every row sampled.
 */
export async function stageCsv(connection: DuckDBConnection, file: string, overrides: MappingOverrides): Promise<StagedSource> {
  const path = quoteLiteral(file);
  let columns: string[];
  try {
    const described = await queryRows<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM read_csv(${path}, header = true)`);
    columns = described.map((row) => row.column_name);
  } catch (error) {
    throw new IngestError(file, `cannot read as CSV: ${duckdbMessage(error)}`);
  }
  const mapping = resolveMapping(columns, overrides, file);
  const textColumns = [...new Set(Object.values(mapping))].map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(', ');
  const load = (sampleAll: boolean) =>
    connection.run(
      `CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv(${path}, header = true, types = {${textColumns}}${sampleAll ? ', sample_size = -1' : ''})`,
    );
  try {
    try {
      await load(false);
    } catch (error) {
      if (!/could not convert|conversion error/i.test(duckdbMessage(error))) throw error;
      await load(true);
    }
  } catch (error) {
    throw csvError(file, error);
  }
  // rowid 0 is the line after the header.
  return { file, format: 'csv', mapping, lineExpr: 'raw.rowid + 2' };
}

function duckdbMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** DuckDB names the line in its CSV errors; keep that, put the file first, drop its long hints. */
function csvError(file: string, error: unknown): IngestError {
  const message = duckdbMessage(error);
  const line = /line:?\s*(\d+)/i.exec(message)?.[1];
  const firstLine = message.split('\n').find((l) => l.trim() !== '') ?? message;
  return new IngestError(file, `cannot read as CSV: ${firstLine.replace(/^[A-Za-z ]+Error:\s*/, '')}`, line === undefined ? undefined : Number(line));
}
