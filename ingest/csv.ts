import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../store/db.ts';
import { quoteLiteral } from '../store/sql.ts';
import { IngestError } from './errors.ts';
import { resolveMapping, type MappingOverrides } from './mapping.ts';
import type { StagedSource } from './build-log.ts';
import { isGzip } from './xes.ts';

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Loads a CSV file (optionally gzipped) into the temporary table `raw`.
 *
 * The header is read here, not by DuckDB's sniffer, which can mistake a ragged row
 * for the header. The sniffer only proposes types for the attribute columns; the
 * load itself is strict (explicit columns, no auto-detection), so a malformed row is
 * an error with its line. Mapped columns are read as text so Waybill decides how to
 * read them. If a value late in the file breaks a type guessed from the sample, the
 * types are guessed again from every row, and failing that the attributes stay text.
 */
export async function stageCsv(connection: DuckDBConnection, file: string, overrides: MappingOverrides): Promise<StagedSource> {
  const { names, delimiter } = await readHeader(file);
  const mapping = resolveMapping(names, overrides, file);
  const mapped = new Set(Object.values(mapping));
  const dialect = `delim = ${quoteLiteral(delimiter)}, quote = '"', escape = '"', header = true`;
  const path = quoteLiteral(file);

  const sniffTypes = async (sampleAll: boolean): Promise<string[] | undefined> => {
    try {
      const described = await queryRows<{ column_name: string; column_type: string }>(
        connection,
        `DESCRIBE SELECT * FROM read_csv(${path}, ${dialect}${sampleAll ? ', sample_size = -1' : ''})`,
      );
      const sniffedNames = described.map((row) => row.column_name);
      if (sniffedNames.length !== names.length || sniffedNames.some((n, i) => n !== names[i] && names[i] !== `column${i}`)) return undefined;
      return described.map((row, i) => (mapped.has(names[i]!) ? 'VARCHAR' : row.column_type));
    } catch {
      return undefined; // the strict load below reports what is wrong with the file
    }
  };
  const allText = names.map(() => 'VARCHAR');
  const load = (types: readonly string[]) =>
    connection.run(
      `CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv(${path}, ${dialect}, auto_detect = false,
         columns = {${names.map((n, i) => `${quoteLiteral(n)}: ${quoteLiteral(types[i]!)}`).join(', ')}})`,
    );

  let types = (await sniffTypes(false)) ?? allText;
  for (let attempt = 0; ; attempt++) {
    try {
      await load(types);
      break;
    } catch (error) {
      const conversion = /could not convert|conversion error|invalid input error: could not/i.test(message(error));
      if (!conversion || attempt === 2) throw csvError(file, error);
      types = attempt === 0 ? ((await sniffTypes(true)) ?? allText) : allText;
    }
  }
  // rowid 0 is the line after the header.
  return { file, format: 'csv', mapping, lineExpr: 'raw.rowid + 2' };
}

/** Reads the header line: column names (blank ones named columnN, as DuckDB does) and the delimiter. */
async function readHeader(file: string): Promise<{ names: string[]; delimiter: string }> {
  const line = await firstLine(file);
  if (line.trim() === '') throw new IngestError(file, 'the file is empty or its first line (the header) is blank', 1);
  const delimiter = DELIMITERS.map((d) => ({ d, n: splitCsvLine(line, d).length })).reduce((best, next) => (next.n > best.n ? next : best)).d;
  const names = splitCsvLine(line, delimiter).map((name, i) => (name.trim() === '' ? `column${i}` : name));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new IngestError(file, 'the header names this column twice; rename one', 1, name);
    seen.add(name);
  }
  return { names, delimiter };
}

async function firstLine(file: string): Promise<string> {
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  const stream = (await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
  const decoder = new TextDecoder('utf-8');
  let text = '';
  try {
    for await (const chunk of stream) {
      text += decoder.decode(chunk as Buffer, { stream: true });
      const end = text.search(/\r?\n/);
      if (end >= 0) return stripBom(text.slice(0, end));
      if (text.length > 1_000_000) throw new IngestError(file, 'the first line is over a million characters long; is this a CSV file?', 1);
    }
    return stripBom(text);
  } finally {
    raw.destroy();
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Splits one CSV line on the delimiter, honouring double-quoted fields ("" inside quotes is a quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * DuckDB's CSV errors name the line, then describe the fault, then list fixes that
 * are its options, not the user's: keep the line and the description.
 */
function csvError(file: string, error: unknown): IngestError {
  const lines = message(error).split('\n').map((l) => l.trim());
  const line = /line:?\s*(\d+)/i.exec(lines[0] ?? '')?.[1];
  const head = (lines[0] ?? '').replace(/^[A-Za-z ]+Error:\s*/, '').replace(/^CSV Error on Line:?\s*\d+\s*/i, '');
  const fixes = lines.findIndex((l) => l.startsWith('Possible fixes'));
  const details = lines.slice(1, fixes < 0 ? 4 : fixes).filter((l) => l !== '' && !l.startsWith('Original Line'));
  const problem = ([head, ...details].filter(Boolean).join('; ') || 'malformed row').replace(/\.$/, '');
  return new IngestError(file, `cannot read as CSV: ${problem}. Nothing was loaded.`, line === undefined ? undefined : Number(line));
}
