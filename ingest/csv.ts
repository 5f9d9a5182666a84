import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../store/db.ts';
import { quoteLiteral } from '../store/sql.ts';
import type { StagedSource } from './build-log.ts';
import { IngestError } from './errors.ts';
import { type ColumnMapper, MAPPING_SAMPLE_ROWS, mappedColumns } from './mapping.ts';
import { openSource } from './source-file.ts';
import { sniffEncoding, type TextEncodingName, utf8Copy } from './text-encoding.ts';

const DELIMITERS = [',', ';', '\t', '|'] as const;
/** A cell that is data, not a column name: a date (2026-01-05, 05/01/2026, 5.1.26), a time or a number. */
const DATA_CELL = /^(\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}(:\d{2})?|[-+]?\d+([.,]\d+)?)([ T].*)?$/;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Loads a CSV file (optionally gzipped) into the temporary table `raw`.
 *
 * The header is read here, not by DuckDB's sniffer, which can mistake a ragged row
 * for the header. The sniffer only proposes types for the attribute columns; the
 * load itself has explicit columns and no auto-detection, so a row with the wrong
 * number of fields is an error with its line. Mapped columns are read as text so
 * Waybill decides how to read them. If a value late in the file breaks a type
 * guessed from the sample, the types are guessed again from every row, and failing
 * that the attributes stay text.
 */
export async function stageCsv(connection: DuckDBConnection, path: string, file: string, mapColumns: ColumnMapper, keepBadRows = false): Promise<StagedSource> {
  const encoding = await sniffEncoding(path);
  if (encoding === 'utf-8') {
    try {
      return await stageUtf8(connection, path, file, mapColumns, encoding, keepBadRows);
    } catch (error) {
      // Valid UTF-8 at the start, another encoding further on.
      if (!(error instanceof IngestError && /not utf-8 encoded|invalid unicode/i.test(`${error.problem} ${error.detail ?? ''}`))) throw error;
    }
  }
  const copy = await utf8Copy(path, encoding === 'utf-8' ? 'windows-1252' : encoding);
  try {
    const source = await stageUtf8(connection, copy.path, file, mapColumns, encoding === 'utf-8' ? 'windows-1252' : encoding, keepBadRows);
    return { ...source, dispose: copy.remove };
  } catch (error) {
    await copy.remove();
    throw error;
  }
}

/** Stages a UTF-8 file (`encoding` says what the user's file was). */
async function stageUtf8(connection: DuckDBConnection, path: string, file: string, mapColumns: ColumnMapper, encoding: TextEncodingName, keepBadRows: boolean): Promise<StagedSource> {
  const { names, delimiter, header } = await readHeader(path, file);
  const dialect = `delim = ${quoteLiteral(delimiter)}, quote = '"', escape = '"', header = ${header}`;
  const source = quoteLiteral(path);
  const mapping = mapColumns({ columns: names, rows: await firstRows(connection, source, dialect, names.length, file) });
  const mapped = mappedColumns(mapping);

  const sniffTypes = async (sampleAll: boolean): Promise<string[] | undefined> => {
    try {
      const described = await queryRows<{ column_name: string; column_type: string }>(
        connection,
        `DESCRIBE SELECT * FROM read_csv(${source}, ${dialect}${sampleAll ? ', sample_size = -1' : ''})`,
      );
      if (described.length !== names.length) return undefined;
      return described.map((row, i) => (mapped.has(names[i]!) ? 'VARCHAR' : row.column_type));
    } catch {
      return undefined; // the load below reports what is wrong with the file
    }
  };
  const allText = names.map(() => 'VARCHAR');
  // The strict reader, without its closing parenthesis (loadSettingAside adds options).
  const reader = (types: readonly string[]) =>
    `read_csv(${source}, ${dialect}, auto_detect = false, columns = {${types.map((type, i) => `'c${i}': ${quoteLiteral(type)}`).join(', ')}}`;
  const load = (types: readonly string[]) => connection.run(`CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM ${reader(types)})`);

  let types = (await sniffTypes(false)) ?? allText;
  for (let attempt = 0; ; attempt++) {
    try {
      await load(types);
      break;
    } catch (error) {
      const conversion = /could not convert|conversion error/i.test(message(error));
      if (conversion && attempt < 2) {
        types = attempt === 0 ? ((await sniffTypes(true)) ?? allText) : allText;
        continue;
      }
      // A malformed row (wrong number of fields, a stray quote): read the file again, setting such rows aside, to report them all.
      const rejected = await loadSettingAside(connection, reader(allText), file, error);
      if (!keepBadRows) throw malformedRows(file, rejected);
      const records = await recordsOfLines(path, rejected.map((r) => r.line), header);
      const skipped = [...records.values()].sort((a, b) => a - b);
      // raw's rowid counts the rows kept: shift it past the records set aside to find a row's line.
      const recordOf = (eventNo: number) => skipped.reduce((record, rejectedRecord) => (rejectedRecord <= record ? record + 1 : record), eventNo);
      return {
        file,
        format: 'csv',
        encoding,
        header,
        columns: names,
        mapping,
        rejected,
        linesOf: async (eventNos) => {
          const lines = await recordLines(path, eventNos.map(recordOf), header);
          return new Map(eventNos.map((n) => [n, lines.get(recordOf(n))!]));
        },
      };
    }
  }
  return { file, format: 'csv', encoding, header, columns: names, mapping, linesOf: (eventNos) => recordLines(path, eventNos, header) };
}

/**
 * The first rows as the file writes them (text, NULL when blank), for the mapping
 * decision. Malformed rows are skipped here; the load reports them. One thread:
 * a parallel scan would read far more than the head.
 */
async function firstRows(connection: DuckDBConnection, source: string, dialect: string, width: number, file: string): Promise<(string | null)[][]> {
  const columns = Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  try {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_csv(${source}, ${dialect}, auto_detect = false, columns = {${columns}}, ignore_errors = true, parallel = false) LIMIT ${MAPPING_SAMPLE_ROWS}`);
    return reader.getRowsJS() as (string | null)[][];
  } catch (error) {
    throw csvError(file, error);
  }
}

/** Rows of a source that cannot be read at all (wrong number of fields, a broken quote): their line, what is wrong, and the line's text. */
export interface RejectedRow {
  line: number;
  problem: string;
  value: string;
}

/**
 * Loads `raw` from `reader` (a read_csv call without its closing parenthesis)
 * keeping malformed rows aside in DuckDB's rejects table, and returns those rows.
 * `cause` is the strict load's error, rethrown if this finds nothing to set aside.
 */
async function loadSettingAside(connection: DuckDBConnection, reader: string, file: string, cause: unknown): Promise<RejectedRow[]> {
  await connection.run(`DROP TABLE IF EXISTS csv_rejects`);
  await connection.run(`DROP TABLE IF EXISTS csv_reject_scans`);
  try {
    await connection.run(`CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM ${reader}, store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans')`);
  } catch {
    throw csvError(file, cause);
  }
  const rejected = await queryRows<{ line: number; error_type: string; error_message: string; csv_line: string | null }>(
    connection,
    `SELECT line::BIGINT AS line, error_type::VARCHAR AS error_type, error_message, csv_line FROM csv_rejects ORDER BY line`,
  );
  if (rejected.length === 0) throw csvError(file, cause);
  // Duplicate reports of one line (several problems) become one.
  const byLine = new Map<number, RejectedRow>();
  for (const row of rejected) {
    if (byLine.has(row.line)) continue;
    byLine.set(row.line, { line: row.line, problem: describeReject(row.error_type, row.error_message), value: row.csv_line ?? '' });
  }
  return [...byLine.values()];
}

function describeReject(type: string, detail: string): string {
  if (type === 'TOO MANY COLUMNS') return 'more fields than the header has';
  if (type === 'MISSING COLUMNS') return 'fewer fields than the header has';
  if (type === 'UNQUOTED VALUE' || type === 'UNTERMINATED QUOTE') return 'a quote is not closed';
  return detail.split('\n')[0]!.replace(/^.*?Error:\s*/, '').replace(/\.$/, '');
}

/** The error for malformed rows under policy reject: how many, and the first few with their lines. */
function malformedRows(file: string, rejected: readonly RejectedRow[]): IngestError {
  const [first, ...rest] = rejected;
  const more = rest.slice(0, 4).map((row) => `line ${row.line} (${row.problem})`);
  const summary = rejected.length > 1 ? `; ${rejected.length} malformed rows in all, also ${more.join(', ')}${rejected.length > 5 ? ', …' : ''}` : '';
  return new IngestError(
    file,
    `cannot read as CSV: ${first!.problem}${summary}. Nothing was loaded.`,
    first!.line,
    undefined,
    first!.value,
    { remedy: { option: 'onBadRows' } },
  );
}

/**
 * Reads the first line: the delimiter, and the column names — or, when the line
 * holds data (a date, a time or a number where a name would be), no header:
 * the columns are then named column1, column2 ….
 */
async function readHeader(path: string, file: string): Promise<{ names: string[]; delimiter: string; header: boolean }> {
  const line = await firstLine(path, file);
  if (line.trim() === '') throw new IngestError(file, 'the file is empty or its first line (the header) is blank', 1);
  const delimiter = DELIMITERS.map((d) => ({ d, n: splitCsvLine(line, d).length })).reduce((best, next) => (next.n > best.n ? next : best)).d;
  const cells = splitCsvLine(line, delimiter);
  if (cells.some((cell) => DATA_CELL.test(cell.trim()))) return { names: cells.map((_, i) => `column${i + 1}`), delimiter, header: false };
  const names = cells.map((name, i) => (name.trim() === '' ? `column${i}` : name));
  // DuckDB, like SQL, compares column names without regard to case.
  const seen = new Map<string, string>();
  for (const name of names) {
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      throw new IngestError(file, `the header names this column twice${other === name ? '' : ` (as ${JSON.stringify(other)} too)`}; rename one`, 1, name);
    }
    seen.set(name.toLowerCase(), name);
  }
  return { names, delimiter, header: true };
}

async function firstLine(path: string, file: string): Promise<string> {
  const stream = await openSource(path);
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
    stream.destroy();
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * Walks the file's data records with the reader's quoting rules (a quoted field
 * may span lines, blank lines hold no record), calling `visit(record, line)` with
 * each record's number (0-based, as raw's rowid counts) and the physical line it
 * starts on, until `visit` returns true. Only error paths read a file this way.
 */
async function scanRecords(path: string, header: boolean, visit: (record: number, line: number) => boolean): Promise<void> {
  const stream = await openSource(path);
  let line = 1;
  let record = header ? -1 : 0; // the header is record -1, data records count from 0
  let recordLine = 1;
  let hasContent = false;
  let quoted = false;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      for (let i = 0; i < bytes.length; i++) {
        const byte = bytes[i]!;
        if (byte === QUOTE) quoted = !quoted; // an escaped "" toggles twice
        if (byte === LF) {
          if (!quoted && hasContent) {
            if (record >= 0 && visit(record, recordLine)) return;
            record += 1;
            hasContent = false;
          }
          line += 1;
          if (!quoted && !hasContent) recordLine = line;
        } else if (byte !== CR) {
          hasContent = true;
        }
      }
    }
    if (hasContent && record >= 0) visit(record, recordLine);
  } finally {
    stream.destroy();
  }
}

/** The physical line on which each of these data records starts (a record's number is not its line). */
export async function recordLines(path: string, eventNos: readonly number[], header = true): Promise<Map<number, number>> {
  const wanted = new Set(eventNos);
  const found = new Map<number, number>();
  if (wanted.size > 0) {
    await scanRecords(path, header, (record, line) => {
      if (wanted.has(record)) found.set(record, line);
      return found.size === wanted.size;
    });
  }
  return found;
}

/** The data record that starts on each of these physical lines. */
export async function recordsOfLines(path: string, lines: readonly number[], header = true): Promise<Map<number, number>> {
  const wanted = new Set(lines);
  const found = new Map<number, number>();
  if (wanted.size > 0) {
    await scanRecords(path, header, (record, line) => {
      if (wanted.has(line)) found.set(line, record);
      return found.size === wanted.size;
    });
  }
  return found;
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
  return new IngestError(file, 'cannot read as CSV', line === undefined ? undefined : Number(line), undefined, undefined, { detail: problem });
}
