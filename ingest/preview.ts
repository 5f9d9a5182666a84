import { DuckDBInstance } from '@duckdb/node-api';
import { queryRows } from '../store/db.ts';
import type { StagedSource } from './build-log.ts';
import { type MappingProposal, proposeMapping } from './infer/index.ts';
import { IngestError } from './errors.ts';
import { type ColumnMapping, mapperFor, type MappingOverrides } from './mapping.ts';
import { detectFormat, stageSource } from './stage.ts';

/** What a file looks like before it is loaded: its columns, first rows and the mapping ingest would use. */
export interface SourcePreview {
  file: string;
  format: string;
  encoding: string | null;
  header: boolean | null;
  columns: string[];
  /** The first rows, every value as text (null when missing). */
  sample: (string | null)[][];
  /** The mapping a load would use, or null when it cannot be told by the names (see `problem`). */
  mapping: ColumnMapping | null;
  problem: string | null;
  /** What the values suggest for each role, with a confidence and a reason, and the runner-ups (see ingest/infer). */
  proposal: MappingProposal;
}

const SAMPLE_ROWS = 20;
/** Rows the proposal looks at: enough for cases to repeat. */
const PROPOSAL_ROWS = 1_000;

/**
 * Reads a source the way ingest does, in a throwaway in-memory DuckDB, and
 * shows it: columns, the first rows and the mapping. Nothing is stored. One
 * function serves `waybill ingest FILE --preview` and the upload API.
 */
export async function previewFile(path: string, file = path, overrides: MappingOverrides = {}): Promise<SourcePreview> {
  const format = detectFormat(path);
  if (!format) throw new IngestError(file, 'unknown format: expected .csv, .tsv, .txt, .xes or .parquet (optionally .gz)');
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    let problem: string | null = null;
    const resolve = mapperFor(overrides, file);
    const source: StagedSource = await stageSource(connection, format, path, file, (columns) => {
      try {
        return resolve(columns);
      } catch (error) {
        if (!(error instanceof IngestError)) throw error;
        // No mapping yet: the first column stands in for every role, so the rows can still be shown.
        problem = error.problem;
        return { case: columns[0]!, activity: columns[0]!, timestamp: columns[0]! };
      }
      // Malformed rows are set aside, not fatal: the preview shows the rest, and the load's bad-row choice decides.
    }, true);
    try {
      const rows = await queryRows<Record<string, string | null>>(
        connection,
        `SELECT ${source.columns.map((_, i) => `CAST(c${i} AS VARCHAR) AS c${i}`).join(', ')} FROM raw ORDER BY rowid LIMIT ${PROPOSAL_ROWS}`,
      );
      const values = rows.map((row) => source.columns.map((_, i) => row[`c${i}`] ?? null));
      return {
        file,
        format: source.format,
        encoding: source.encoding ?? null,
        header: source.header ?? null,
        columns: [...source.columns],
        sample: values.slice(0, SAMPLE_ROWS),
        mapping: problem === null ? source.mapping : null,
        problem,
        proposal: proposeMapping({ columns: source.columns, rows: values }),
      };
    } finally {
      await source.dispose?.();
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
