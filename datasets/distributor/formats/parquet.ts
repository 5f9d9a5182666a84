import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { STREAM_FILES } from '../columns.ts';

/**
 * Turns the three CSV files in `dir` into Parquet with DuckDB (types inferred
 * over the whole file), each published atomically; the CSV files are removed.
 * Returns the Parquet file names.
 */
export async function convertToParquet(dir: string): Promise<string[]> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const quote = (path: string): string => `'${path.replaceAll("'", "''")}'`;
  try {
    const files: string[] = [];
    for (const file of Object.values(STREAM_FILES)) {
      const csv = join(dir, file);
      const name = file.replace(/\.csv$/, '.parquet');
      const parquet = join(dir, name);
      const partial = `${parquet}.${process.pid}.partial`;
      try {
        await connection.run(`COPY (SELECT * FROM read_csv(${quote(csv)}, header = true, sample_size = -1)) TO ${quote(partial)} (FORMAT parquet)`);
        await rename(partial, parquet);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      await rm(csv);
      files.push(name);
    }
    return files;
  } finally {
    connection.closeSync();
  }
}
