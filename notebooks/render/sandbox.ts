import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { UnknownLogError } from '../../mining/errors.ts';
import { queryRow, toJsonSafe, withConnection, type JsonValue, type Store } from '../../store/db.ts';
import { findLog } from '../../store/logs.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';

/** How long one query may run, by default: 30 s. */
export const DEFAULT_QUERY_SECONDS = 30;

/** A query's answer: its columns (name and DuckDB type) and its rows, JSON-safe. */
export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: JsonValue[][];
}

/** What a notebook's SQL reads: the log's events and cases, as tables of these names. */
const TABLES = {
  events: (logId: number) =>
    `SELECT c.name AS "case", a.name AS activity, e.ts AS "timestamp", e.resource, e.lifecycle, x.* EXCLUDE (waybill_event_no)
     FROM events e
     JOIN cases c ON c.log_id = e.log_id AND c.case_id = e.case_id
     JOIN activities a ON a.log_id = e.log_id AND a.activity_id = e.activity_id
     LEFT JOIN ${quoteIdent(attributeTable(logId))} x ON x.waybill_event_no = e.event_no
     WHERE e.log_id = ${logId}`,
  cases: (logId: number) =>
    `SELECT c.name AS "case", c.start_ts AS "start", c.end_ts AS "end", c.duration_s AS duration_seconds, c.events,
       c.variant_id AS variant, s.name AS start_activity, f.name AS end_activity
     FROM cases c
     JOIN activities s ON s.log_id = c.log_id AND s.activity_id = c.start_activity_id
     JOIN activities f ON f.log_id = c.log_id AND f.activity_id = c.end_activity_id
     WHERE c.log_id = ${logId}`,
} as const;
export const NOTEBOOK_TABLES = Object.keys(TABLES) as (keyof typeof TABLES)[];

/** A query the sandbox will not run, in words for the notebook's author. */
export class QueryError extends Error {
  override name = 'QueryError';
}

/**
 * Where a notebook's SQL runs: a DuckDB of its own, in memory, holding a copy of one
 * log's events and cases (only those its queries name) and nothing else. It can read
 * no file and reach nothing outside (external access is off and its settings are
 * locked), so a notebook can never write to the store or read another log, whatever
 * its SQL says. Each query must be one SELECT and stops after its time limit.
 */
export class Sandbox {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly log: string,
    readonly tables: string[],
  ) {}

  /** A sandbox with the tables of `log` that `sql` names (events, cases). */
  static async open(store: Store, log: string, sql: readonly string[]): Promise<Sandbox> {
    const named = NOTEBOOK_TABLES.filter((table) => sql.some((text) => new RegExp(`\\b${table}\\b`, 'i').test(text)));
    const dir = mkdtempSync(join(tmpdir(), 'waybill-notebook-'));
    try {
      // The log's tables go from the store to the sandbox as Parquet files, read once and deleted.
      await withConnection(store, async (connection) => {
        const ref = await findLog(connection, log);
        if (!ref) throw new UnknownLogError(log);
        for (const table of named) await connection.run(`COPY (${TABLES[table](ref.id)}) TO '${join(dir, `${table}.parquet`)}' (FORMAT parquet)`);
      });
      const instance = await DuckDBInstance.create(':memory:', {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        memory_limit: process.env.WAYBILL_NOTEBOOK_MEMORY ?? '2GB',
        threads: '2',
      });
      const connection = await instance.connect();
      await connection.run(`SET TimeZone = 'UTC'`);
      for (const table of named) await connection.run(`CREATE TABLE ${table} AS FROM read_parquet('${join(dir, `${table}.parquet`)}')`);
      await connection.run(`SET enable_external_access = false`);
      await connection.run(`SET lock_configuration = true`);
      return new Sandbox(instance, connection, log, named);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Runs one SELECT with the parameters it names bound, stopping it after `seconds`. */
  async query(sql: string, params: Record<string, string>, seconds = DEFAULT_QUERY_SECONDS): Promise<QueryResult> {
    const parsed = await queryRow<{ json: string }>(this.connection, `SELECT json_serialize_sql($sql::VARCHAR) AS json`, { sql });
    const tree = JSON.parse(parsed?.json ?? '{}') as { error?: boolean; error_message?: string; statements?: unknown[] };
    if (tree.error) {
      // DuckDB serializes SELECT statements only: anything else (INSERT, COPY, ATTACH, SET …) is refused here.
      const message = tree.error_message ?? 'cannot be read';
      throw new QueryError(/only SELECT statements/i.test(message) ? 'a notebook query reads only: write one SELECT (or WITH … SELECT)' : message);
    }
    if ((tree.statements?.length ?? 0) !== 1) throw new QueryError('write one query per block');
    const bound: Record<string, DuckDBValue> = {};
    for (const [name, value] of Object.entries(params)) if (new RegExp(`\\$${name}\\b`).test(sql)) bound[name] = value;
    const timer = setTimeout(() => this.connection.interrupt(), seconds * 1000);
    try {
      const reader = await this.connection.runAndReadAll(sql, bound);
      const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnTypes()[i]!.toString() }));
      // A date is its day, not the midnight instant JavaScript makes of it.
      const dates = columns.map((column) => column.type === 'DATE');
      return { columns, rows: reader.getRowsJS().map((row) => row.map((value, i) => (dates[i] && value instanceof Date ? value.toISOString().slice(0, 10) : toJsonSafe(value)))) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/interrupt/i.test(message)) throw new QueryError(`stopped after ${seconds} s: make the query cheaper, or raise the notebook's time limit`);
      throw new QueryError(message.split('\n')[0]!);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
