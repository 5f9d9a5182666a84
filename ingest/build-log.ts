import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows } from '../store/db.ts';
import { attributeTable } from '../store/schema.ts';
import { quoteIdent } from '../store/sql.ts';
import { IngestError } from './errors.ts';
import { combinedSql, detectTimestampFormat, timestampSql } from './infer/index.ts';
import { type ColumnMapping, columnsOf, describeColumns, mappedColumns } from './mapping.ts';

/**
 * A source already loaded into the temporary table `raw`: one row per event, in
 * source order (so `rowid` is the event's ordinal in the source), source column i
 * stored as `c<i>`. Positional names mean no column of the file can shadow `rowid`
 * or collide with Waybill's own names.
 */
export interface StagedSource {
  /** The file as the user named it, for messages. */
  file: string;
  format: 'csv' | 'xes' | 'parquet';
  /** The source's column names, by position. */
  columns: readonly string[];
  mapping: ColumnMapping;
  /** Attribute columns that `raw` holds as text, with the SQL type to cast them to (XES declares types; CSV arrives typed). */
  casts?: Record<string, string>;
  /** The source line of each of these events (ordinals in the source), for error messages. */
  linesOf(eventNos: readonly number[]): Promise<Map<number, number>>;
  /** The text encoding the file was in (CSV), and whether its first line named the columns. */
  encoding?: string;
  header?: boolean;
  /** Rows that could not be read at all, set aside when bad rows go to quarantine (CSV). */
  rejected?: readonly { line: number; problem: string; value: string }[];
  /** Removes what staging left on disk (a UTF-8 copy of the file); called once the load is over. */
  dispose?: () => Promise<void>;
}

/** The column of `raw` holding a source column. */
export function rawColumn(source: Pick<StagedSource, 'columns'>, name: string): string {
  const index = source.columns.indexOf(name);
  if (index < 0) throw new Error(`no source column ${JSON.stringify(name)}`);
  return `c${index}`;
}

/** The key of a log's attribute table: the event's ordinal in the source. */
export const ATTRIBUTE_KEY = 'waybill_event_no';

export interface LogSummary {
  name: string;
  events: number;
  cases: number;
  activities: number;
  variants: number;
}

const MAX_REPORTED = 5;

/**
 * Whether a text column is missing or blank. Only a string sorting before '!' (empty,
 * or starting with a space or control character) can be blank, and that comparison
 * is several times cheaper than trimming every value.
 */
function isBlankSql(column: string): string {
  return `(${column} IS NULL OR (${column} < '!' AND trim(${column}, ' \t\r\n\f\v') = ''))`;
}

/**
 * The UTC offset a timestamp's text states (`+02:00`, `-0500`, `+01`, `Z`), in
 * minutes; NULL when it states none. The offset must follow a time (":MM" or
 * ":SS"), so the day of a bare date ("2026-01-05") is never read as one.
 */
export function utcOffsetMinutesSql(textSql: string): string {
  const parts = `regexp_extract(${textSql}, ':[0-9]{2}(?:[.,][0-9]+)?([+-])([0-9]{2})(?::?([0-9]{2}))?$', ['sign', 'h', 'm'])`;
  return `(CASE WHEN ${parts}.sign <> ''
       THEN (CASE WHEN ${parts}.sign = '-' THEN -1 ELSE 1 END)
            * (CAST(${parts}.h AS INTEGER) * 60 + CAST(coalesce(nullif(${parts}.m, ''), '0') AS INTEGER))
       WHEN ${textSql} LIKE '%Z' THEN 0 END)::SMALLINT`;
}

/** What to do with rows that lack a case, activity or readable timestamp. */
export type BadRowPolicy = 'reject' | 'quarantine';

/** What staging kept and set aside. */
export interface StagedEvents {
  /** Rows the source holds. */
  rows: number;
  /** Rows set aside (policy `quarantine`), listed in the temp table `quarantined`. */
  quarantined: number;
}

/**
 * Turns `raw` into the temp tables `staged` (event_no, case_name, activity, ts,
 * utc_offset_minutes, resource, lifecycle) and `staged_attributes` (event_no
 * as ATTRIBUTE_KEY, then the typed attribute columns). Rows without a case,
 * activity or readable timestamp reject the whole source, or with policy
 * `quarantine` go to the temp table `quarantined` (line, column_name, problem,
 * value) and are left out.
 */
export async function stageEvents(connection: DuckDBConnection, source: StagedSource, policy: BadRowPolicy, timeZone?: string): Promise<StagedEvents> {
  const { mapping } = source;
  const text = (column: string | readonly string[] | undefined) => {
    const columns = columnsOf(column);
    if (columns.length === 0) return 'NULL::VARCHAR';
    return combinedSql(columns.map((c) => `CAST(${rawColumn(source, c)} AS VARCHAR)`));
  };
  const timestamp = await timestampReader(connection, source, timeZone);
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE staged AS
    SELECT rowid AS event_no,
           ${text(mapping.case)} AS case_name,
           ${text(mapping.activity)} AS activity,
           ${text(mapping.timestamp)} AS ts_text,
           ${timestamp} AS ts,
           ${utcOffsetMinutesSql(text(mapping.timestamp))} AS utc_offset_minutes,
           ${text(mapping.resource)} AS resource,
           ${text(mapping.lifecycle)} AS lifecycle
    FROM raw`);
  const unreadable = source.rejected?.length ?? 0;
  const rows = (await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM staged`))!.n + unreadable;
  if (rows === 0) throw new IngestError(source.file, 'the file holds no events. Nothing was loaded.');
  const quarantined = (await setAsideBadRows(connection, source, policy)) + unreadable;
  if (quarantined === rows) {
    throw new IngestError(source.file, `none of its ${rows} rows has a case, an activity and a readable timestamp. Nothing was loaded.`, undefined, undefined, undefined, { remedy: { option: 'mapping', roles: ['case', 'activity', 'timestamp'] } });
  }
  await connection.run(`ALTER TABLE staged DROP COLUMN ts_text`);
  await stageAttributes(connection, source, quarantined > 0);
  return { rows, quarantined };
}

/** Values sampled from across the timestamp column to tell its format. */
const TIMESTAMP_SAMPLE = 5_000;

/**
 * The SQL that reads the timestamp column. ISO 8601 in UTC (the common case) is
 * DuckDB's own cast; other text — day-first or month-first dates, epoch seconds
 * or milliseconds, Excel serial days — and naive times in another zone go
 * through the format told from a sample spread over the whole column (see
 * ingest/infer). A value the format does not read is NULL, reported as a bad row.
 */
async function timestampReader(connection: DuckDBConnection, source: StagedSource, timeZone: string | undefined): Promise<string> {
  const column = rawColumn(source, source.mapping.timestamp);
  const cast = `TRY_CAST(${column} AS TIMESTAMPTZ)`;
  const typed = await queryRow<{ type: string }>(connection, `SELECT typeof(${column}) AS type FROM raw LIMIT 1`);
  if (typed !== undefined && typed.type !== 'VARCHAR') return timeZone === undefined || !typed.type.startsWith('TIMESTAMP') || typed.type.includes('TIME ZONE') ? cast : timestampSql({ kind: 'iso' }, column, timeZone);
  const sample = await queryRows<{ value: string }>(
    connection,
    `SELECT ${column} AS value FROM raw WHERE ${column} IS NOT NULL AND trim(${column}) <> '' USING SAMPLE reservoir(${TIMESTAMP_SAMPLE} ROWS) REPEATABLE (7)`,
  );
  const format = detectTimestampFormat(sample.map((row) => row.value));
  if (format === undefined || (format.kind === 'iso' && (timeZone === undefined || timeZone === 'UTC'))) return cast;
  return timestampSql(format, column, timeZone);
}

/** Where a log's stored rows came from, for its `logs` row. */
export interface LogOrigin {
  source: string;
  format: string;
  mapping: ColumnMapping;
  /** When the log was first created (kept across appends); default now. */
  createdAt?: string;
}

/**
 * Stores `staged` and `staged_attributes` as log `logId`: orders each case's
 * events by timestamp (ties by event_no, the source order), and derives once
 * what analyses share (position, successor and time to it; case start, end,
 * duration, variant). Must run inside the caller's transaction, so a failure
 * leaves nothing behind.
 */
export async function storeLog(connection: DuckDBConnection, logId: number, name: string, origin: LogOrigin): Promise<LogSummary> {
  const params = { log: logId };
  await connection.run(`
    CREATE TEMP TABLE activity_dict AS
    SELECT activity AS name, (row_number() OVER (ORDER BY activity) - 1)::INTEGER AS activity_id
    FROM (SELECT DISTINCT activity FROM staged)`);
  await connection.run(`INSERT INTO activities SELECT $log, activity_id, name FROM activity_dict`, params);
  // Case ids follow first appearance in the source, so they read in file order.
  await connection.run(`
    CREATE TEMP TABLE case_dict AS
    SELECT case_name AS name, (row_number() OVER (ORDER BY first_event) - 1)::INTEGER AS case_id
    FROM (SELECT case_name, min(event_no) AS first_event FROM staged GROUP BY case_name)`);
  await connection.run(
    `
    INSERT INTO events
    SELECT $log, c.case_id,
           (row_number() OVER w)::INTEGER AS position,
           s.event_no, a.activity_id, s.ts, s.utc_offset_minutes,
           s.resource, s.lifecycle,
           lead(a.activity_id) OVER w,
           (epoch_us(lead(s.ts) OVER w) - epoch_us(s.ts)) / 1e6
    FROM staged s
    JOIN case_dict c ON s.case_name = c.name
    JOIN activity_dict a ON s.activity = a.name
    WINDOW w AS (PARTITION BY c.case_id ORDER BY s.ts, s.event_no)
    ORDER BY c.case_id, position`,
    params,
  );
  await connection.run(
    `
    CREATE TEMP TABLE case_facts AS
    SELECT case_id,
           -- The case's activities in position order. Sorting each small list of packed
           -- (position, activity) pairs is several times faster than an ordered aggregate.
           list_transform(list_sort(list((position::BIGINT << 32) | activity_id)), x -> (x & 4294967295)::INTEGER) AS sequence,
           min(ts) AS start_ts, max(ts) AS end_ts, count(*)::INTEGER AS events,
           arg_min(activity_id, position) AS start_activity_id,
           arg_max(activity_id, position) AS end_activity_id
    FROM events WHERE log_id = $log GROUP BY case_id`,
    params,
  );
  // Variant ids: 0 is the most frequent; ties broken by the sequence itself.
  await connection.run(`
    CREATE TEMP TABLE variant_dict AS
    SELECT sequence, (row_number() OVER (ORDER BY count(*) DESC, sequence) - 1)::INTEGER AS variant_id
    FROM case_facts GROUP BY sequence`);
  await connection.run(`INSERT INTO variants SELECT $log, variant_id, sequence FROM variant_dict`, params);
  await connection.run(
    `INSERT INTO variant_activities
     SELECT $log, variant_id, activity_id, count(*)::INTEGER
     FROM (SELECT variant_id, unnest(sequence) AS activity_id FROM variant_dict) GROUP BY variant_id, activity_id`,
    params,
  );
  await connection.run(
    `
    INSERT INTO cases
    SELECT $log, f.case_id, c.name, f.start_ts, f.end_ts,
           (epoch_us(f.end_ts) - epoch_us(f.start_ts)) / 1e6,
           f.events, f.start_activity_id, f.end_activity_id, v.variant_id
    FROM case_facts f
    JOIN case_dict c USING (case_id)
    JOIN variant_dict v USING (sequence)
    ORDER BY f.case_id`,
    params,
  );

  const attributes = await storeAttributes(connection, logId);
  const counts = await queryRow<{ events: number; cases: number; activities: number; variants: number; first_ts: string; last_ts: string }>(
    connection,
    `SELECT (SELECT count(*) FROM staged)::BIGINT AS events,
            (SELECT count(*) FROM case_dict)::BIGINT AS cases,
            (SELECT count(*) FROM activity_dict)::INTEGER AS activities,
            (SELECT count(*) FROM variant_dict)::INTEGER AS variants`,
  );
  await connection.run(
    `
    INSERT INTO logs (log_id, name, source, format, mapping, attributes, events, cases, activities, variants, first_ts, last_ts, created_at)
    SELECT $log, $name, $source, $format, $mapping, $attributes, $events, $cases, $activities, $variants, min(ts), max(ts), coalesce($created::TIMESTAMPTZ, now())
    FROM staged`,
    {
      log: logId,
      name,
      source: origin.source,
      format: origin.format,
      mapping: JSON.stringify(origin.mapping),
      attributes: JSON.stringify(attributes),
      events: counts!.events,
      cases: counts!.cases,
      activities: counts!.activities,
      variants: counts!.variants,
      created: origin.createdAt ?? null,
    },
  );
  await dropStagedAttributes(connection);
  for (const table of ['staged', 'activity_dict', 'case_dict', 'case_facts', 'variant_dict']) {
    await connection.run(`DROP TABLE ${table}`);
  }
  return { name, events: counts!.events, cases: counts!.cases, activities: counts!.activities, variants: counts!.variants };
}

/** The attribute columns of `raw`, typed, for the rows `staged` kept, as the view `staged_attributes`. */
async function stageAttributes(connection: DuckDBConnection, source: StagedSource, quarantined: boolean): Promise<void> {
  const mapped = mappedColumns(source.mapping);
  const attributes = source.columns.filter((name) => !mapped.has(name));
  const clash = attributes.find((name) => name.toLowerCase() === ATTRIBUTE_KEY);
  if (clash !== undefined) throw new IngestError(source.file, `a column may not be named ${ATTRIBUTE_KEY} (Waybill's own key); rename it`, 1, clash);
  for (const [column, type] of Object.entries(source.casts ?? {})) {
    const raw = rawColumn(source, column);
    const bad = await queryRow<{ event_no: number; value: string }>(
      connection,
      `SELECT rowid AS event_no, CAST(${raw} AS VARCHAR) AS value FROM raw WHERE ${raw} IS NOT NULL AND TRY_CAST(${raw} AS ${type}) IS NULL LIMIT 1`,
    );
    if (bad) {
      const line = (await source.linesOf([bad.event_no])).get(bad.event_no);
      throw new IngestError(source.file, `cannot read as ${type.toLowerCase()}. Nothing was loaded.`, line, column, bad.value);
    }
  }
  const selects = attributes.map((name) => {
    const raw = rawColumn(source, name);
    const cast = source.casts?.[name];
    return `${cast ? `CAST(${raw} AS ${cast})` : raw} AS ${quoteIdent(name)}`;
  });
  // A view, not a copy: a first load writes the attribute table straight from `raw`.
  const kept = quarantined ? ' WHERE rowid IN (SELECT event_no FROM staged)' : '';
  await connection.run(`CREATE OR REPLACE TEMP VIEW staged_attributes AS SELECT rowid AS ${ATTRIBUTE_KEY}${selects.map((s) => `, ${s}`).join('')} FROM raw${kept}`);
}

/** Drops `staged_attributes`: a view after staging, a table after an append's merge. */
export async function dropStagedAttributes(connection: DuckDBConnection): Promise<void> {
  const kind = await queryRow<{ kind: string }>(connection, `SELECT table_type AS kind FROM information_schema.tables WHERE table_name = 'staged_attributes'`);
  await connection.run(`DROP ${kind?.kind === 'VIEW' ? 'VIEW' : 'TABLE'} staged_attributes`);
}

/** Stores `staged_attributes` as the log's attribute table, in event order; returns the attribute columns with their types. */
async function storeAttributes(connection: DuckDBConnection, logId: number): Promise<{ name: string; type: string }[]> {
  const table = quoteIdent(attributeTable(logId));
  // Rows arrive in key order (raw's rowid order, or stored then appended): DuckDB keeps insertion order, so no sort.
  await connection.run(`CREATE TABLE ${table} AS SELECT * FROM staged_attributes`);
  const typed = await queryRows<{ column_name: string; column_type: string }>(connection, `DESCRIBE ${table}`);
  return typed.filter((c) => c.column_name !== ATTRIBUTE_KEY).map((c) => ({ name: c.column_name, type: c.column_type }));
}

/**
 * Finds rows whose case or activity is missing or whose timestamp is missing or
 * unreadable, in one scan. Policy `reject`: throws, naming the first few with
 * their lines and the total. Policy `quarantine`: moves every such row out of
 * `staged` into the temp table `quarantined`; returns how many.
 */
async function setAsideBadRows(connection: DuckDBConnection, source: StagedSource, policy: BadRowPolicy): Promise<number> {
  const { mapping } = source;
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE bad_rows AS
    WITH flagged AS (
      SELECT event_no, case_name, activity, ts_text,
             ${isBlankSql('case_name')} AS no_case,
             ${isBlankSql('activity')} AS no_activity,
             ts IS NULL AS no_ts
      FROM staged
    )
    -- A row with several problems is reported by its first.
    SELECT event_no,
           CASE WHEN no_case THEN 'case' WHEN no_activity THEN 'activity' ELSE 'timestamp' END AS role,
           CASE WHEN no_case THEN case_name WHEN no_activity THEN activity ELSE ts_text END AS value
    FROM flagged WHERE no_case OR no_activity OR no_ts`);
  const total = (await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM bad_rows`))!.n;
  const describe = (row: { role: string; value: string | null }) => {
    if (row.role === 'timestamp') return row.value === null || row.value.trim() === '' ? 'timestamp is missing' : 'cannot read the timestamp';
    return `${row.role} is missing`;
  };
  const column = (role: string) => describeColumns(mapping[role as 'case' | 'activity' | 'timestamp']);
  if (total > 0 && policy === 'reject') {
    const bad = await queryRows<{ event_no: number; role: string; value: string | null }>(connection, `SELECT * FROM bad_rows ORDER BY event_no LIMIT ${MAX_REPORTED}`);
    const lines = await source.linesOf(bad.map((row) => row.event_no));
    const [first, ...rest] = bad;
    const more = rest.map((row) => `line ${lines.get(row.event_no)} (${column(row.role)}: ${describe(row)})`);
    const summary = total > 1 ? `; ${total} bad rows in all, also ${more.join(', ')}${total > bad.length ? ', …' : ''}` : '';
    throw new IngestError(
      source.file,
      `${describe(first!)}${summary}. Nothing was loaded.`,
      lines.get(first!.event_no),
      column(first!.role),
      first!.value ?? undefined,
      { remedy: { option: 'onBadRows' } },
    );
  }
  await connection.run(`CREATE OR REPLACE TEMP TABLE quarantined (line BIGINT, column_name VARCHAR, problem VARCHAR, value VARCHAR)`);
  if (source.rejected !== undefined && source.rejected.length > 0) {
    const rejects = await connection.createAppender('quarantined');
    for (const row of source.rejected) {
      rejects.appendBigInt(BigInt(row.line));
      rejects.appendNull();
      rejects.appendVarchar(row.problem);
      rejects.appendVarchar(row.value);
      rejects.endRow();
    }
    rejects.closeSync();
  }
  if (total === 0) return 0;
  const bad = await queryRows<{ event_no: number; role: string; value: string | null }>(connection, `SELECT * FROM bad_rows ORDER BY event_no`);
  const lines = await source.linesOf(bad.map((row) => row.event_no));
  const appender = await connection.createAppender('quarantined');
  for (const row of bad) {
    const line = lines.get(row.event_no);
    if (line === undefined) appender.appendNull();
    else appender.appendBigInt(BigInt(line));
    appender.appendVarchar(column(row.role) ?? row.role);
    appender.appendVarchar(describe(row));
    if (row.value === null) appender.appendNull();
    else appender.appendVarchar(row.value);
    appender.endRow();
  }
  appender.closeSync();
  await connection.run(`DELETE FROM staged WHERE event_no IN (SELECT event_no FROM bad_rows)`);
  return total;
}
