import { DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { queryRows } from '../store/db.ts';
import type { StagedSource } from './build-log.ts';
import { IngestError } from './errors.ts';
import { type ColumnMapper, MAPPING_SAMPLE_ROWS, mappedColumns } from './mapping.ts';
import { streamText } from './source-file.ts';

/** XES attribute elements and the DuckDB type each value is stored as. */
const XES_TYPES: Record<string, string> = {
  string: 'VARCHAR',
  id: 'VARCHAR',
  date: 'TIMESTAMPTZ',
  int: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
};
const NESTED = new Set(['list', 'container', 'values']);
const CHUNK_ROWS = 2048;

/** Columnar buffer of the events read so far; every value kept as the file's text. */
class ColumnBuffer {
  rows = 0;
  readonly lines: number[] = [];
  readonly columns = new Map<string, { type: string; values: (string | null)[] }>();

  set(column: string, xesType: string, value: string): void {
    const type = XES_TYPES[xesType] ?? 'VARCHAR';
    let entry = this.columns.get(column);
    if (!entry) {
      entry = { type, values: [] };
      this.columns.set(column, entry);
    } else if (entry.type !== type) {
      entry.type = 'VARCHAR'; // mixed types across events: keep the text
    }
    entry.values[this.rows] = value;
  }

  endRow(line: number): void {
    this.lines.push(line);
    this.rows += 1;
  }
}

interface PendingEvent {
  line: number;
  attributes: [key: string, type: string, value: string][];
}

/**
 * Reads an XES file (plain or gzip) as a stream into the temporary table `raw`:
 * one row per event, trace attributes as `case:<key>` columns (as PM4Py names them),
 * event attributes by key. Every event is kept, whatever its lifecycle transition.
 */
export async function stageXes(connection: DuckDBConnection, path: string, file: string, mapColumns: ColumnMapper): Promise<StagedSource> {
  const buffer = await parseXes(path, file);
  if (buffer.rows === 0) throw new IngestError(file, 'the XES file holds no events');
  const columns = [...buffer.columns.keys()];
  const byLower = new Map<string, string>();
  for (const key of columns) {
    const other = byLower.get(key.toLowerCase());
    if (other !== undefined) throw new IngestError(file, `attribute keys ${JSON.stringify(other)} and ${JSON.stringify(key)} differ only in case; Waybill's columns cannot tell them apart`);
    byLower.set(key.toLowerCase(), key);
  }
  const series = columns.map((c) => buffer.columns.get(c)!.values);
  const head = Array.from({ length: Math.min(buffer.rows, MAPPING_SAMPLE_ROWS) }, (_, r) => series.map((values) => values[r] ?? null));
  const mapping = mapColumns({ columns, rows: head });
  await connection.run(`CREATE OR REPLACE TEMP TABLE raw (${columns.map((_, i) => `c${i} VARCHAR, `).join('')}source_line INTEGER)`);
  const appender = await connection.createAppender('raw');
  try {
    const types = [...columns.map(() => VARCHAR), INTEGER];
    for (let start = 0; start < buffer.rows; start += CHUNK_ROWS) {
      const end = Math.min(start + CHUNK_ROWS, buffer.rows);
      const chunk = DuckDBDataChunk.create(types, end - start);
      series.forEach((values, i) => {
        const slice: (string | null)[] = new Array(end - start);
        for (let r = start; r < end; r++) slice[r - start] = values[r] ?? null;
        chunk.setColumnValues(i, slice);
      });
      chunk.setColumnValues(columns.length, buffer.lines.slice(start, end));
      appender.appendDataChunk(chunk);
    }
  } finally {
    appender.closeSync();
  }
  const mapped = mappedColumns(mapping);
  const casts: Record<string, string> = {};
  for (const [column, { type }] of buffer.columns) if (type !== 'VARCHAR' && !mapped.has(column)) casts[column] = type;
  const linesOf = async (eventNos: readonly number[]) => {
    // Ordinals from Waybill's own queries, checked to be integers before they reach SQL.
    const ids = eventNos.filter((n) => Number.isSafeInteger(n));
    if (ids.length === 0) return new Map<number, number>();
    const rows = await queryRows<{ event_no: number; line: number }>(
      connection,
      `SELECT rowid AS event_no, source_line AS line FROM raw WHERE rowid IN (${ids.join(', ')})`,
    );
    return new Map(rows.map((row) => [row.event_no, row.line]));
  };
  return { file, format: 'xes', columns, mapping, casts, linesOf };
}

async function parseXes(path: string, file: string): Promise<ColumnBuffer> {
  const buffer = new ColumnBuffer();
  const parser = new SaxesParser({ xmlns: false, position: true });
  // Element names from the root down; attribute elements are only read as direct children of a trace or event.
  const stack: string[] = [];
  let traceAttributes: [string, string, string][] = [];
  let traceEvents: PendingEvent[] = [];
  let event: PendingEvent | undefined;
  let failure: IngestError | undefined;

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = stack[stack.length - 1];
    const name = tag.name;
    stack.push(name);
    if (name === 'trace' && parent === 'log') {
      traceAttributes = [];
      traceEvents = [];
    } else if (name === 'event' && parent === 'trace') {
      event = { line: parser.line, attributes: [] };
    } else if ((parent === 'event' || parent === 'trace') && !NESTED.has(name) && name in XES_TYPES) {
      const key = tag.attributes.key;
      const value = tag.attributes.value;
      if (key === undefined || value === undefined) {
        failure ??= new IngestError(file, `<${name}> attribute without key or value`, parser.line);
        return;
      }
      if (parent === 'event' && event) event.attributes.push([key, name, value]);
      else if (parent === 'trace' && stack[stack.length - 3] === 'log') traceAttributes.push([`case:${key}`, name, value]);
    }
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    stack.pop();
    if (tag.name === 'event' && event && stack[stack.length - 1] === 'trace') {
      traceEvents.push(event);
      event = undefined;
    } else if (tag.name === 'trace' && stack[stack.length - 1] === 'log') {
      for (const pending of traceEvents) {
        for (const [key, type, value] of traceAttributes) buffer.set(key, type, value);
        for (const [key, type, value] of pending.attributes) buffer.set(key, type, value);
        buffer.endRow(pending.line);
      }
    }
  });
  parser.on('error', (error: Error) => {
    failure ??= new IngestError(file, `not well-formed XML: ${error.message.replace(/^[^:]*:\d+:\d+: /, '')}`, parser.line);
  });

  await streamText(path, file, (text) => parser.write(text), () => failure !== undefined);
  if (!failure) parser.close();
  if (failure) throw failure;
  for (const entry of buffer.columns.values()) entry.values.length = buffer.rows;
  return buffer;
}
