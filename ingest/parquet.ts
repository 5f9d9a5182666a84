import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../store/db.ts';
import { quoteIdent, quoteLiteral } from '../store/sql.ts';
import type { StagedSource } from './build-log.ts';
import { IngestError } from './errors.ts';
import { type ColumnMapper, MAPPING_SAMPLE_ROWS } from './mapping.ts';

/**
 * Loads a Parquet file into the temporary table `raw` with DuckDB's built-in
 * reader: columns keep the file's types, renamed c0, c1 … like the other
 * sources. Parquet has no lines, so a row's "line" in messages is its 1-based
 * row number.
 */
export async function stageParquet(connection: DuckDBConnection, path: string, file: string, mapColumns: ColumnMapper): Promise<StagedSource> {
  const source = `read_parquet(${quoteLiteral(path)})`;
  let described: { column_name: string; column_type: string }[];
  try {
    described = await queryRows(connection, `DESCRIBE SELECT * FROM ${source}`);
  } catch (error) {
    throw new IngestError(file, 'cannot read as Parquet', undefined, undefined, undefined, { detail: (error instanceof Error ? error.message : String(error)).split('\n')[0] });
  }
  const names = described.map((row) => row.column_name);
  const head = await connection.runAndReadAll(`SELECT ${names.map((name) => `CAST(${quoteIdent(name)} AS VARCHAR)`).join(', ')} FROM ${source} LIMIT ${MAPPING_SAMPLE_ROWS}`);
  const mapping = mapColumns({ columns: names, rows: head.getRowsJS() as (string | null)[][] });
  await connection.run(`CREATE OR REPLACE TEMP TABLE raw AS SELECT ${names.map((name, i) => `${quoteIdent(name)} AS c${i}`).join(', ')} FROM ${source}`);
  return {
    file,
    format: 'parquet',
    columns: names,
    mapping,
    linesOf: async (eventNos) => new Map(eventNos.map((n) => [n, n + 1])),
  };
}
