import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { memoryLimit, queryRows, resolveDbPath, tempDirectory } from '../store/db.ts';
import type { StagedSource } from './build-log.ts';
import { IngestError } from './errors.ts';
import type { Role } from './infer/index.ts';
import { defaultLogName } from './log-name.ts';
import { mapperFor, type MappingDecision, type MappingOverrides, type RoleChoice, roleChoices } from './mapping.ts';
import { readHead } from './source-file.ts';
import { contentProblem, detectFormat, stageSource } from './stage.ts';

/**
 * What a file looks like before it is loaded: its columns, first rows, and the
 * mapping decision a load with the same overrides makes (`mapping` null when a
 * role is undecidable: `problem` says which, naming the candidates).
 */
export interface SourcePreview extends MappingDecision {
  file: string;
  format: string;
  encoding: string | null;
  header: boolean | null;
  columns: string[];
  /** The first rows, every value as text (null when missing). */
  sample: (string | null)[][];
  /** Each role as the upload form offers it: the decision, ready to show and change. */
  roles: Record<Role, RoleChoice>;
  /** The log name a load takes when none is given (defaultLogName). */
  logName: string;
}

const SAMPLE_ROWS = 20;
/**
 * How much of a large CSV a preview reads: its first 8 MiB (decompressed), cut at a
 * line's end. Enough for the mapping's sample and the rows shown, and it keeps a
 * preview of a 2 GiB upload to a second and a few megabytes.
 */
export const PREVIEW_BYTES = 8 * 1024 * 1024;

/**
 * Reads a source the way ingest does, in a throwaway in-memory DuckDB, and
 * shows it: columns, the first rows and the mapping. Nothing is stored. One
 * function serves `waybill ingest FILE --preview` and the upload API.
 */
/** The first PREVIEW_BYTES of a CSV larger than that, as a file of its own; undefined for a smaller one. */
async function csvHead(path: string): Promise<{ path: string; remove: () => Promise<void> } | undefined> {
  const { head, more } = await readHead(path, PREVIEW_BYTES);
  if (!more) return undefined;
  const lineEnd = head.lastIndexOf(0x0a);
  const dir = await mkdtemp(join(tmpdir(), 'waybill-preview-'));
  const target = join(dir, 'head.csv');
  await writeFile(target, lineEnd > 0 ? head.subarray(0, lineEnd + 1) : head);
  return { path: target, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function previewFile(path: string, file = path, overrides: MappingOverrides = {}): Promise<SourcePreview> {
  const format = detectFormat(path);
  if (!format) throw new IngestError(file, 'unknown format: expected .csv, .tsv, .txt, .xes or .parquet (optionally .gz)');
  if (format === 'csv') {
    // The content check reads the file itself: a binary file named .csv is refused as it would be on load.
    const problem = await contentProblem(path, format);
    if (problem !== undefined) throw new IngestError(file, problem);
    const head = await csvHead(path);
    if (head) {
      try {
        return await previewFile(head.path, file, overrides);
      } finally {
        await head.remove();
      }
    }
  }
  // Staging reads the whole source into this database: it gets the store's memory limit and spills to a folder of
  // its own beside the store's, or a preview of a large upload would hold it all in memory (DuckDB's default is 80%).
  const spill = join(tempDirectory(resolveDbPath()), `preview-${randomUUID()}`);
  // DuckDB makes the folder it spills to, not the folders above it.
  mkdirSync(dirname(spill), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    memory_limit: memoryLimit(),
    temp_directory: spill,
  });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    let decision: MappingDecision | undefined;
    const decide = mapperFor(overrides, file, (made) => (decision = made));
    const source: StagedSource = await stageSource(connection, format, path, file, (sample) => {
      try {
        return decide(sample);
      } catch (error) {
        if (!(error instanceof IngestError) || decision === undefined) throw error;
        // Undecided: the first column stands in for every role, so the rows can still be shown.
        return { case: sample.columns[0]!, activity: sample.columns[0]!, timestamp: sample.columns[0]! };
      }
      // Malformed rows are set aside, not fatal: the preview shows the rest, and the load's bad-row choice decides.
    }, true);
    try {
      const rows = await queryRows<Record<string, string | null>>(
        connection,
        `SELECT ${source.columns.map((_, i) => `CAST(c${i} AS VARCHAR) AS c${i}`).join(', ')} FROM raw ORDER BY rowid LIMIT ${SAMPLE_ROWS}`,
      );
      return {
        file,
        format: source.format,
        encoding: source.encoding ?? null,
        header: source.header ?? null,
        columns: [...source.columns],
        sample: rows.map((row) => source.columns.map((_, i) => row[`c${i}`] ?? null)),
        ...decision!,
        roles: roleChoices(decision!, source.columns),
        logName: defaultLogName(file),
      };
    } finally {
      await source.dispose?.();
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}
