import { createRequire } from 'node:module';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database, SqlValue } from 'sql.js';
import { quoteIdent } from '../../store/sql.ts';
import { IngestError } from '../errors.ts';
import { openSource } from '../source-file.ts';
import { finishStaging, type OcelSummary, type OcelWriters, openWriters } from './tables.ts';

const require = createRequire(import.meta.url);

/** SQLite's declared column types, as OCEL attribute types; anything else is a string. */
function ocelType(declared: string): string {
  const type = declared.toUpperCase();
  if (/INT/.test(type)) return 'integer';
  if (/REAL|FLOA|DOUB|NUMERIC|DECIMAL/.test(type)) return 'float';
  if (/BOOL/.test(type)) return 'boolean';
  if (/TIME|DATE/.test(type)) return 'time';
  return 'string';
}

const text = (value: SqlValue): string | null => (value === null ? null : value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value));

/** Every row of a query, one at a time (sql.js keeps the database in memory; rows need not be). */
function* rows(db: Database, sql: string): Generator<SqlValue[]> {
  const statement = db.prepare(sql);
  try {
    while (statement.step()) yield statement.get();
  } finally {
    statement.free();
  }
}

/**
 * Reads an OCEL 2.0 SQLite file with sql.js (SQLite compiled to wasm): the
 * `event`, `object`, `event_object` and `object_object` tables, and per type the
 * `event_<T>` / `object_<T>` tables that `event_map_type` / `object_map_type`
 * name. An event's time is `ocel_time` of its type table; object rows with an
 * `ocel_changed_field` carry only that field's new value from `ocel_time` on.
 * Attribute types come from the columns' declared SQLite types. Ordinal = the
 * event's row in `event`.
 */
export async function stageOcelSqlite(connection: DuckDBConnection, path: string, file: string): Promise<OcelSummary> {
  const initSqlJs = require('sql.js') as typeof import('sql.js').default;
  const SQL = await initSqlJs({ locateFile: (name: string) => require.resolve(`sql.js/dist/${name}`) });
  const chunks: Buffer[] = [];
  for await (const chunk of await openSource(path)) chunks.push(chunk as Buffer);
  let db: Database;
  try {
    db = new SQL.Database(Buffer.concat(chunks));
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (error) {
    throw new IngestError(file, 'not a readable SQLite database', undefined, undefined, undefined, { detail: error instanceof Error ? error.message : String(error) });
  }
  try {
    const tables = new Set([...rows(db, `SELECT name FROM sqlite_master WHERE type IN ('table', 'view')`)].map(([name]) => String(name)));
    for (const table of ['event', 'object', 'event_object', 'object_object']) {
      if (!tables.has(table)) throw new IngestError(file, `has no table ${JSON.stringify(table)}; an OCEL 2.0 SQLite log has event, object, event_object and object_object`);
    }
    const typeTables = (kind: 'event' | 'object') => {
      const map = new Map<string, string>();
      if (!tables.has(`${kind}_map_type`)) throw new IngestError(file, `has no table "${kind}_map_type" naming the ${kind} type tables`);
      for (const [type, suffix] of rows(db, `SELECT ocel_type, ocel_type_map FROM ${kind}_map_type`)) map.set(String(type), String(suffix));
      return map;
    };
    const eventTypes = typeTables('event');
    const objectTypes = typeTables('object');
    const writers = await openWriters(connection);
    try {
      readEvents(db, file, tables, eventTypes, writers);
      readObjects(db, file, tables, objectTypes, writers);
      for (const [event, object, qualifier] of rows(db, `SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object ORDER BY rowid`)) {
        writers.e2o.add(text(event!), text(object!), text(qualifier!));
      }
      for (const [source, target, qualifier] of rows(db, `SELECT ocel_source_id, ocel_target_id, ocel_qualifier FROM object_object ORDER BY rowid`)) {
        writers.o2o.add(text(source!), text(target!), text(qualifier!));
      }
    } finally {
      writers.close();
    }
    return await finishStaging(connection, file, 'ocel2-sqlite', { eventTypes: eventTypes.keys(), objectTypes: objectTypes.keys() });
  } finally {
    db.close();
  }
}

/** The columns of a type table: name and OCEL type, the `ocel_*` columns left out. */
function attributeColumns(db: Database, table: string): { name: string; type: string }[] {
  return [...rows(db, `PRAGMA table_info(${quoteIdent(table)})`)]
    .map(([, name, type]) => ({ name: String(name), type: ocelType(String(type ?? '')) }))
    .filter((column) => !column.name.startsWith('ocel_'));
}

function readEvents(db: Database, file: string, tables: Set<string>, types: Map<string, string>, writers: OcelWriters): void {
  // Times live in the type tables; read those first, then write events in the order of `event`.
  const times = new Map<string, string | null>();
  for (const [type, suffix] of types) {
    const table = `event_${suffix}`;
    if (!tables.has(table)) continue;
    const columns = attributeColumns(db, table);
    const select = ['ocel_id', 'ocel_time', ...columns.map((c) => c.name)].map(quoteIdent).join(', ');
    let record = 0;
    for (const [id, time, ...values] of rows(db, `SELECT ${select} FROM ${quoteIdent(table)} ORDER BY rowid`)) {
      record += 1;
      if (id === null) throw new IngestError(file, `row ${record} of table ${table} (events of type ${JSON.stringify(type)}) has no ocel_id`, undefined, 'ocel_id');
      times.set(String(id), text(time!));
      values.forEach((value, i) => {
        if (value !== null) writers.eventAttributes.add(String(id), columns[i]!.name, text(value), columns[i]!.type);
      });
    }
  }
  let ordinal = 0;
  for (const [id, type] of rows(db, `SELECT ocel_id, ocel_type FROM event ORDER BY rowid`)) {
    ordinal += 1;
    const key = id === null ? null : String(id);
    if (key !== null && !times.has(key)) {
      const table = type === null ? undefined : types.get(String(type));
      throw new IngestError(
        file,
        `event ${JSON.stringify(key)} (row ${ordinal} of table event) has no row in ${table === undefined ? `a type table: its type ${JSON.stringify(type)} is not in event_map_type` : `table event_${table}`}, so it has no time`,
        undefined,
        'ocel_time',
      );
    }
    writers.events.add(key, text(type!), key === null ? null : times.get(key)!, ordinal - 1, null);
  }
}

function readObjects(db: Database, file: string, tables: Set<string>, types: Map<string, string>, writers: OcelWriters): void {
  for (const [id, type] of rows(db, `SELECT ocel_id, ocel_type FROM object ORDER BY rowid`)) writers.objects.add(text(id!), text(type!));
  for (const [type, suffix] of types) {
    const table = `object_${suffix}`;
    if (!tables.has(table)) continue;
    const columns = attributeColumns(db, table);
    const hasChanged = [...rows(db, `PRAGMA table_info(${quoteIdent(table)})`)].some(([, name]) => name === 'ocel_changed_field');
    const select = ['ocel_id', 'ocel_time', hasChanged ? 'ocel_changed_field' : null, ...columns.map((c) => c.name)]
      .map((c) => (c === null ? 'NULL' : quoteIdent(c)))
      .join(', ');
    let record = 0;
    for (const [id, time, changed, ...values] of rows(db, `SELECT ${select} FROM ${quoteIdent(table)} ORDER BY rowid`)) {
      record += 1;
      if (id === null) throw new IngestError(file, `row ${record} of table ${table} (objects of type ${JSON.stringify(type)}) has no ocel_id`, undefined, 'ocel_id');
      // A change row names the field it changes; its other columns are empty or repeat old values.
      const only = changed === null ? undefined : new Set([String(changed), ...String(changed).split(',').map((name) => name.trim())]);
      values.forEach((value, i) => {
        const column = columns[i]!;
        if (value !== null && (only === undefined || only.has(column.name))) {
          writers.objectAttributes.add(String(id), column.name, text(value), column.type, text(time!));
        }
      });
    }
  }
}
