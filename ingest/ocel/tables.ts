import { DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows } from '../../store/db.ts';
import { utcOffsetMinutesSql } from '../build-log.ts';
import { IngestError } from '../errors.ts';

/** The object-centric formats Waybill reads. */
export type OcelFormat = 'ocel2-json' | 'ocel2-xml' | 'ocel2-sqlite' | 'ocel1-csv';

/** What staging a log put in the six `ocel_*` temp tables. */
export interface OcelSummary {
  format: OcelFormat;
  events: number;
  objects: number;
  e2o: number;
  o2o: number;
  /** Event types the log declares or uses, sorted. */
  eventTypes: string[];
  /** Object types the log declares or uses, sorted. */
  objectTypes: string[];
}

/** The staged tables every reader fills; the store side reads them. */
export const OCEL_TABLES = ['ocel_events', 'ocel_event_attributes', 'ocel_objects', 'ocel_object_attributes', 'ocel_e2o', 'ocel_o2o'] as const;

/**
 * Readers write text: times stay as the source wrote them in `*_raw` tables
 * (with the source line or record, for messages) until {@link finishStaging}
 * reads them; the other four tables are written in their final form.
 */
const RAW_TABLES: Record<string, string> = {
  ocel_events_raw: 'event_id VARCHAR, event_type VARCHAR, time_text VARCHAR, ordinal INTEGER, line INTEGER',
  ocel_event_attributes: 'event_id VARCHAR, name VARCHAR, value VARCHAR, type VARCHAR',
  ocel_objects: 'object_id VARCHAR, object_type VARCHAR',
  ocel_object_attributes_raw: 'object_id VARCHAR, name VARCHAR, value VARCHAR, type VARCHAR, time_text VARCHAR',
  ocel_e2o: 'event_id VARCHAR, object_id VARCHAR, qualifier VARCHAR',
  ocel_o2o: 'source_id VARCHAR, target_id VARCHAR, qualifier VARCHAR',
};

/** Drops what an earlier staging left and creates the tables readers write. */
export async function createStagingTables(connection: DuckDBConnection): Promise<void> {
  for (const table of [...OCEL_TABLES, ...Object.keys(RAW_TABLES)]) await connection.run(`DROP TABLE IF EXISTS temp.${table}`);
  for (const [table, columns] of Object.entries(RAW_TABLES)) await connection.run(`CREATE TEMP TABLE ${table} (${columns})`);
}

/** A timestamp's text as an instant: its stated offset honoured, a naive time read as UTC whatever the session's zone; NULL if unreadable. */
export function timestampSql(textSql: string): string {
  return `(CASE WHEN ${utcOffsetMinutesSql(textSql)} IS NULL THEN timezone('UTC', TRY_CAST(${textSql} AS TIMESTAMP))
       ELSE TRY_CAST(${textSql} AS TIMESTAMPTZ) END)`;
}

const CHUNK_ROWS = 2048;

/** Appends rows of text (and small integers) to a temp table, one DuckDB chunk at a time. */
export class RowWriter {
  private readonly columns: (string | number | null)[][];
  private size = 0;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: readonly ('text' | 'int')[],
  ) {
    this.columns = types.map(() => new Array(CHUNK_ROWS));
  }

  /** A writer into the temp table `table`, whose columns are text, or integers where `types` says `int`. */
  static async open(connection: DuckDBConnection, table: string, types: readonly ('text' | 'int')[]): Promise<RowWriter> {
    return new RowWriter(await connection.createAppender(table), types);
  }

  add(...values: (string | number | null)[]): void {
    for (let i = 0; i < this.columns.length; i++) this.columns[i]![this.size] = values[i] ?? null;
    this.size += 1;
    if (this.size === CHUNK_ROWS) this.flush();
  }

  private flush(): void {
    if (this.size === 0) return;
    const chunk = DuckDBDataChunk.create(this.types.map((t) => (t === 'int' ? INTEGER : VARCHAR)), this.size);
    this.columns.forEach((values, i) => chunk.setColumnValues(i, this.size === CHUNK_ROWS ? values : values.slice(0, this.size)));
    this.appender.appendDataChunk(chunk);
    this.size = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.appender.closeSync();
    }
  }
}

/** Writers for the tables every OCEL 2.0 reader fills, closed together. */
export interface OcelWriters {
  /** event_id, event_type, time text, ordinal, line (or record number) */
  events: RowWriter;
  /** event_id, name, value, type */
  eventAttributes: RowWriter;
  /** object_id, object_type */
  objects: RowWriter;
  /** object_id, name, value, type, time text */
  objectAttributes: RowWriter;
  /** event_id, object_id, qualifier */
  e2o: RowWriter;
  /** source_id, target_id, qualifier */
  o2o: RowWriter;
  close(): void;
}

export async function openWriters(connection: DuckDBConnection): Promise<OcelWriters> {
  const writers = {
    events: await RowWriter.open(connection, 'ocel_events_raw', ['text', 'text', 'text', 'int', 'int']),
    eventAttributes: await RowWriter.open(connection, 'ocel_event_attributes', ['text', 'text', 'text', 'text']),
    objects: await RowWriter.open(connection, 'ocel_objects', ['text', 'text']),
    objectAttributes: await RowWriter.open(connection, 'ocel_object_attributes_raw', ['text', 'text', 'text', 'text', 'text']),
    e2o: await RowWriter.open(connection, 'ocel_e2o', ['text', 'text', 'text']),
    o2o: await RowWriter.open(connection, 'ocel_o2o', ['text', 'text', 'text']),
  };
  return {
    ...writers,
    close() {
      for (const writer of Object.values(writers)) writer.close();
    },
  };
}

/** Declared attribute types: type name → attribute name → OCEL type (string, integer, float, boolean, time). */
export type DeclaredTypes = Map<string, Map<string, string>>;

/**
 * Turns the raw tables into `ocel_events` and `ocel_object_attributes` (times
 * read, offsets kept) and checks the log: every event has an id and a readable
 * time, ids are unique, and every relationship and attribute row names an event
 * and objects the log holds (OCEL 2.0 requires referential integrity; a dangling
 * id is an error naming both ids, not a row silently dropped).
 */
export async function finishStaging(
  connection: DuckDBConnection,
  file: string,
  format: OcelFormat,
  declared: { eventTypes: Iterable<string>; objectTypes: Iterable<string> },
): Promise<OcelSummary> {
  const noTime = await queryRow<{ event_id: string | null; time_text: string | null; line: number | null; ordinal: number }>(
    connection,
    `SELECT event_id, time_text, line, ordinal FROM ocel_events_raw
     WHERE event_id IS NULL OR event_type IS NULL OR ${timestampSql('time_text')} IS NULL ORDER BY ordinal LIMIT 1`,
  );
  if (noTime) {
    const line = noTime.line ?? undefined;
    const event = noTime.event_id === null ? `event number ${noTime.ordinal + 1} has no id` : `event ${JSON.stringify(noTime.event_id)}`;
    if (noTime.event_id === null) throw new IngestError(file, event, line, 'id');
    const type = await queryRow(connection, `SELECT 1 AS x FROM ocel_events_raw WHERE ordinal = $o AND event_type IS NULL`, { o: noTime.ordinal });
    if (type) throw new IngestError(file, `${event} has no type`, line, 'type');
    throw new IngestError(file, `${event} has no readable time (ISO 8601 expected, e.g. 2024-03-01T09:30:00Z)`, line, 'time', noTime.time_text ?? undefined);
  }
  await connection.run(`
    CREATE TEMP TABLE ocel_events AS
    SELECT event_id, event_type, ${timestampSql('time_text')} AS ts, ${utcOffsetMinutesSql('time_text')} AS utc_offset_minutes,
           ordinal::BIGINT AS ordinal
    FROM ocel_events_raw ORDER BY ordinal`);
  const badTime = await queryRow<{ object_id: string; name: string; time_text: string }>(
    connection,
    `SELECT object_id, name, time_text FROM ocel_object_attributes_raw WHERE time_text IS NOT NULL AND ${timestampSql('time_text')} IS NULL LIMIT 1`,
  );
  if (badTime) {
    throw new IngestError(file, `object ${JSON.stringify(badTime.object_id)}: the time of attribute ${JSON.stringify(badTime.name)} is not readable`, undefined, 'time', badTime.time_text);
  }
  await connection.run(`
    CREATE TEMP TABLE ocel_object_attributes AS
    SELECT object_id, name, value, type, ${timestampSql('time_text')} AS ts FROM ocel_object_attributes_raw`);
  await connection.run(`DROP TABLE ocel_object_attributes_raw`);

  const duplicateEvent = await queryRow<{ event_id: string; line: number | null }>(
    connection,
    `SELECT event_id, max(line) AS line FROM ocel_events_raw GROUP BY event_id HAVING count(*) > 1 ORDER BY min(ordinal) LIMIT 1`,
  );
  if (duplicateEvent) throw new IngestError(file, `event id ${JSON.stringify(duplicateEvent.event_id)} occurs more than once`, duplicateEvent.line ?? undefined, 'id');
  await connection.run(`DROP TABLE ocel_events_raw`);
  const duplicateObject = await queryRow<{ object_id: string | null }>(
    connection,
    `SELECT object_id FROM ocel_objects GROUP BY object_id HAVING count(*) > 1 OR object_id IS NULL LIMIT 1`,
  );
  if (duplicateObject) {
    throw new IngestError(file, duplicateObject.object_id === null ? 'an object has no id' : `object id ${JSON.stringify(duplicateObject.object_id)} occurs more than once`, undefined, 'id');
  }
  await checkReferences(connection, file);

  const count = async (table: string) => (await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM ${table}`))!.n;
  const types = async (sql: string, extra: Iterable<string>) => {
    const used = (await queryRows<{ t: string }>(connection, sql)).map((row) => row.t);
    return [...new Set([...extra, ...used])].sort();
  };
  return {
    format,
    events: await count('ocel_events'),
    objects: await count('ocel_objects'),
    e2o: await count('ocel_e2o'),
    o2o: await count('ocel_o2o'),
    eventTypes: await types(`SELECT DISTINCT event_type AS t FROM ocel_events`, declared.eventTypes),
    objectTypes: await types(`SELECT DISTINCT object_type AS t FROM ocel_objects`, declared.objectTypes),
  };
}

/** The first row of each relationship or attribute table that names an event or object the log does not hold. */
async function checkReferences(connection: DuckDBConnection, file: string): Promise<void> {
  const missingObject = (table: string, column: string) =>
    `SELECT * FROM ${table} t WHERE ${column} IS NULL OR NOT EXISTS (SELECT 1 FROM ocel_objects o WHERE o.object_id = t.${column}) LIMIT 1`;
  const missingEvent = (table: string) =>
    `SELECT * FROM ${table} t WHERE event_id IS NULL OR NOT EXISTS (SELECT 1 FROM ocel_events e WHERE e.event_id = t.event_id) LIMIT 1`;
  const show = (id: unknown) => (id === null ? 'no id' : JSON.stringify(id));
  const fix = 'OCEL 2.0 requires every related object to be listed among the objects; add it or remove the relationship';

  let row = await queryRow(connection, missingEvent('ocel_e2o'));
  if (row) throw new IngestError(file, `a relationship names event ${show(row.event_id)}, which the log does not hold`, undefined, 'event_id');
  row = await queryRow(connection, missingObject('ocel_e2o', 'object_id'));
  if (row) throw new IngestError(file, `event ${show(row.event_id)} relates to object ${show(row.object_id)}, which the log does not hold. ${fix}`, undefined, 'objectId');
  for (const column of ['source_id', 'target_id']) {
    row = await queryRow(connection, missingObject('ocel_o2o', column));
    if (row) throw new IngestError(file, `object ${show(row.source_id)} relates to object ${show(row.target_id)}, which the log does not hold. ${fix}`, undefined, 'objectId');
  }
  row = await queryRow(connection, missingEvent('ocel_event_attributes'));
  if (row) throw new IngestError(file, `attribute ${show(row.name)} belongs to event ${show(row.event_id)}, which the log does not hold`, undefined, 'event_id');
  row = await queryRow(connection, missingObject('ocel_object_attributes', 'object_id'));
  if (row) throw new IngestError(file, `attribute ${show(row.name)} belongs to object ${show(row.object_id)}, which the log does not hold`, undefined, 'object_id');
}
