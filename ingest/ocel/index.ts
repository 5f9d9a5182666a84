/**
 * Object-centric event logs (OCEL 2.0 JSON, XML and SQLite; OCEL 1.0 CSV; any
 * of them gzipped) read into six staged temp tables for the store to load:
 * `ocel_events`, `ocel_event_attributes`, `ocel_objects`, `ocel_object_attributes`,
 * `ocel_e2o`, `ocel_o2o` (columns in `tables.ts`).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { IngestError } from '../errors.ts';
import { readHead } from '../source-file.ts';
import { stageOcelCsv } from './csv.ts';
import { stageOcelJson } from './json.ts';
import { stageOcelSqlite } from './sqlite.ts';
import { createStagingTables, type OcelFormat, type OcelSummary } from './tables.ts';
import { stageOcelXml } from './xml.ts';

export { OCEL_TABLES, type OcelFormat, type OcelSummary } from './tables.ts';

const SNIFF_BYTES = 64 * 1024;


/**
 * Which object-centric format a file holds, from its content (behind gzip too),
 * with the extension breaking ties: SQLite's magic header; JSON with
 * `objectTypes`/`eventTypes` keys (or any JSON object in a `.jsonocel`); XML
 * whose `<log>` root holds `<object-types>` (or any `<log>` in an `.xmlocel`);
 * CSV whose header has `ocel:eid` and `ocel:type:*` columns. Undefined otherwise.
 */
export async function detectOcelFormat(path: string): Promise<OcelFormat | undefined> {
  const { head: bytes } = await readHead(path, SNIFF_BYTES);
  if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000') return 'ocel2-sqlite';
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const extension = /\.([a-z]+)(?:\.gz)?$/i.exec(path)?.[1]?.toLowerCase();
  const start = text.trimStart();
  if (start.startsWith('{')) {
    if (/"(objectTypes|eventTypes)"\s*:/.test(text) || extension === 'jsonocel') return 'ocel2-json';
    return undefined;
  }
  if (start.startsWith('<')) {
    // The root element: skip the XML declaration, comments and doctype.
    const root = /^(?:\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>))*\s*<([A-Za-z_][\w.:-]*)/.exec(text)?.[1];
    if (root === 'log' && (/<object-types[\s>/]/.test(text) || extension === 'xmlocel')) return 'ocel2-xml';
    return undefined;
  }
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const columns = header.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  if (columns.includes('ocel:eid') && columns.some((c) => c.startsWith('ocel:type:'))) return 'ocel1-csv';
  return undefined;
}

/**
 * Reads the object-centric log at `path` into the six `ocel_*` temp tables on
 * `connection`, dropping any left from an earlier call, and says what they hold.
 * `file` is the name messages use. Throws {@link IngestError} when the format is
 * not recognized or the log is broken: an event without an id, type or readable
 * time, a repeated id, or a relationship naming an event or object the log does
 * not list (OCEL 2.0 requires referential integrity; nothing is dropped silently).
 * Naive times are UTC; stated offsets are honoured and kept per event. A caller
 * that has run {@link detectOcelFormat} passes its answer as `detected`.
 */
export async function stageOcel(connection: DuckDBConnection, path: string, file: string, detected?: OcelFormat): Promise<OcelSummary> {
  const format = detected ?? await detectOcelFormat(path).catch((error: unknown) => {
    throw new IngestError(file, 'cannot read the file', undefined, undefined, undefined, { detail: error instanceof Error ? error.message : String(error) });
  });
  if (format === undefined) {
    throw new IngestError(
      file,
      'is not an object-centric event log Waybill reads: expected OCEL 2.0 JSON (.jsonocel), XML (.xmlocel) or SQLite (.sqlite), or OCEL 1.0 CSV with ocel:eid and ocel:type:* columns',
    );
  }
  await createStagingTables(connection);
  switch (format) {
    case 'ocel2-sqlite':
      return stageOcelSqlite(connection, path, file);
    case 'ocel2-json':
      return stageOcelJson(connection, path, file);
    case 'ocel2-xml':
      return stageOcelXml(connection, path, file);
    case 'ocel1-csv':
      return stageOcelCsv(connection, path, file);
  }
}
