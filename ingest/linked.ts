import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Actor } from '../store/audit.ts';
import { inTransaction, queryRow, queryRows, withConnection, type Store } from '../store/db.ts';
import { deleteLogRows } from '../store/logs.ts';
import { quoteIdent } from '../store/sql.ts';
import { ATTRIBUTE_KEY, dropStagedAttributes, rawColumn, type StagedSource, stageEvents } from './build-log.ts';
import { IngestError } from './errors.ts';
import type { IngestResult } from './ingest-file.ts';
import { checkLogName, findLog, recordLoad } from './loads.ts';
import { mapperFor, type MappingOverrides } from './mapping.ts';
import { storeObjectLog } from './object-log.ts';
import { sha256File } from './source-file.ts';
import { detectFormat, stageSource } from './stage.ts';

/**
 * Several event streams (say orders, purchasing and shipments CSVs) loaded as one
 * object-centric log, linked through declared business keys: each key column
 * names objects of a type (`order=order_id`), so an event is linked to every
 * object its row names, in whichever files hold that column. Any analysis can
 * then pick a case notion — order, order line, PO, shipment — as with OCEL input,
 * which lands in the same model (see `storeObjectLog`).
 */

/** A business key: the objects of `type` named by `column`; with `multiple`, the column lists several ids separated by `;`. */
export interface ObjectKey {
  type: string;
  column: string;
  multiple?: boolean;
}

export interface LinkedOptions {
  name: string;
  /** Who loads, for the audit trail; default the system user at the command line. */
  actor?: Actor;
  objects: readonly ObjectKey[];
  /** Column flags applied to every file (each file's own roles are otherwise recognized by name). */
  mapping?: MappingOverrides;
  mode?: 'create' | 'replace';
  source?: string;
}

/** OCEL attribute types for DuckDB column types. */
function ocelType(sqlType: string): string {
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)$/.test(sqlType)) return 'integer';
  if (/^(DOUBLE|FLOAT|DECIMAL.*|REAL)$/.test(sqlType)) return 'float';
  if (sqlType === 'BOOLEAN') return 'boolean';
  if (sqlType.startsWith('TIMESTAMP') || sqlType === 'DATE') return 'time';
  return 'string';
}

/**
 * Parses `TYPE=COLUMN` declarations (`order line=order_line_ids[]` for a column
 * listing several ids separated by `;`).
 */
export function parseObjectKeys(declarations: readonly string[]): ObjectKey[] {
  return declarations.flatMap((text) => text.split(',')).map((part) => {
    const match = /^\s*([^=]+?)\s*=\s*([^[\]]+?)\s*(\[\])?\s*$/.exec(part);
    if (!match) throw new IngestError('--object', `cannot read ${JSON.stringify(part.trim())}: write TYPE=COLUMN, or TYPE=COLUMN[] for a column of ;-separated ids`);
    return { type: match[1]!, column: match[2]!, ...(match[3] ? { multiple: true } : {}) };
  });
}

/** Loads `files` as one object-centric log linked through `options.objects`; one transaction. */
export async function ingestLinkedFiles(store: Store, files: readonly string[], options: LinkedOptions): Promise<IngestResult> {
  if (options.objects.length === 0) throw new IngestError(files.join(', '), 'name the business keys that link the files, e.g. --object order=order_id --object shipment=shipment_id');
  const paths = files.map((file) => {
    const path = resolve(file);
    if (!existsSync(path) || !statSync(path).isFile()) throw new IngestError(file, 'no such file');
    if (!detectFormat(path)) throw new IngestError(file, 'unknown format: expected .csv, .tsv, .txt, .xes or .parquet (optionally .gz)');
    return path;
  });
  const mode = options.mode ?? 'create';
  checkLogName(options.name, files.join(', '), mode);
  try {
    return await withConnection(store, async (connection) => {
      await createLinkTables(connection);
      const digest = createHash('sha256');
      let ordinal = 0;
      let rows = 0;
      for (const [index, path] of paths.entries()) {
        const file = files[index]!;
        const source = await stageSource(connection, detectFormat(path)!, path, file, mapperFor(options.mapping ?? {}, file));
        try {
          const staged = await stageEvents(connection, source, 'reject');
          await linkStaged(connection, source, index, ordinal, options.objects);
          ordinal += staged.rows;
          rows += staged.rows;
          digest.update(`${await sha256File(path)}\n`);
        } finally {
          await source.dispose?.();
        }
      }
      if ((await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM ocel_e2o`))!.n === 0) {
        throw new IngestError(files.join(', '), `no row names an object: none of the files has a non-empty ${options.objects.map((k) => JSON.stringify(k.column)).join(', ')}`);
      }
      await finishObjects(connection, files);
      const existing = await findLog(connection, options.name);
      if (existing && mode === 'create') throw new IngestError(files.join(', '), `a log named ${JSON.stringify(options.name)} exists`, undefined, undefined, undefined, { remedy: { option: 'mode', modes: ['replace'] } });
      const label = options.source ?? paths.join(' + ');
      return inTransaction(connection, async () => {
        if (existing) await deleteLogRows(connection, existing.log_id);
        const stored = await storeObjectLog(connection, options.name, { source: label, format: 'linked', mapping: { case: 'object', activity: 'activity', timestamp: 'timestamp' } });
        const load = await recordLoad(connection, stored.logId, files.join(', '), label, digest.digest('hex'), mode, rows, rows, 0, 0, options.actor);
        return {
          name: options.name,
          events: stored.events,
          cases: stored.objects,
          activities: stored.activities,
          variants: 0,
          load,
          objectTypes: stored.objectTypes,
          caseNotions: stored.caseNotions,
        };
      });
    });
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError(files.join(', '), 'nothing was loaded', undefined, undefined, undefined, { detail: error instanceof Error ? error.message : String(error) });
  }
}

/** The `ocel_*` staging tables (see ingest/ocel), plus the type of each link while the files are read. */
async function createLinkTables(connection: DuckDBConnection): Promise<void> {
  const tables: Record<string, string> = {
    ocel_events: 'event_id VARCHAR, event_type VARCHAR, ts TIMESTAMPTZ, utc_offset_minutes SMALLINT, ordinal BIGINT',
    ocel_event_attributes: 'event_id VARCHAR, name VARCHAR, value VARCHAR, type VARCHAR',
    ocel_objects: 'object_id VARCHAR, object_type VARCHAR',
    ocel_object_attributes: 'object_id VARCHAR, name VARCHAR, value VARCHAR, type VARCHAR, ts TIMESTAMPTZ',
    ocel_e2o: 'event_id VARCHAR, object_id VARCHAR, qualifier VARCHAR',
    ocel_o2o: 'source_id VARCHAR, target_id VARCHAR, qualifier VARCHAR',
    linked_types: 'object_id VARCHAR, object_type VARCHAR, file VARCHAR',
  };
  for (const [table, columns] of Object.entries(tables)) await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns})`);
}

/** Adds one staged file's events, attributes and key links; event ids are `<file index>:<row>`. */
async function linkStaged(connection: DuckDBConnection, source: StagedSource, index: number, ordinal: number, keys: readonly ObjectKey[]): Promise<void> {
  const id = (column: string) => `'${index}:' || ${column}`;
  await connection.run(
    `INSERT INTO ocel_events SELECT ${id('event_no')}, activity, ts, utc_offset_minutes, $ordinal + event_no FROM staged`,
    { ordinal },
  );
  await connection.run(`INSERT INTO ocel_event_attributes SELECT ${id('event_no')}, 'resource', resource, 'string' FROM staged WHERE resource IS NOT NULL`);
  const keyColumns = new Set(keys.map((k) => k.column));
  const attributes = (await queryRows<{ column_name: string; column_type: string }>(connection, `DESCRIBE staged_attributes`)).filter(
    (c) => c.column_name !== ATTRIBUTE_KEY && !keyColumns.has(c.column_name),
  );
  for (const { column_name: name, column_type: type } of attributes) {
    await connection.run(
      `INSERT INTO ocel_event_attributes SELECT ${id(ATTRIBUTE_KEY)}, $name, CAST(${quoteIdent(name)} AS VARCHAR), $type FROM staged_attributes WHERE ${quoteIdent(name)} IS NOT NULL`,
      { name, type: ocelType(type) },
    );
  }
  for (const key of keys) {
    if (!source.columns.includes(key.column)) continue;
    const value = `trim(CAST(r.${rawColumn(source, key.column)} AS VARCHAR))`;
    const ids = key.multiple ? `unnest(string_split(${value}, ';'))` : value;
    await connection.run(
      `INSERT INTO linked_types
       SELECT DISTINCT trim(object_id), $type, $file FROM (SELECT ${ids} AS object_id FROM raw r JOIN staged s ON s.event_no = r.rowid) WHERE trim(object_id) <> ''`,
      { type: key.type, file: source.file },
    );
    await connection.run(
      `INSERT INTO ocel_e2o
       SELECT DISTINCT event_id, trim(object_id), $qualifier FROM (SELECT ${id('s.event_no')} AS event_id, ${ids} AS object_id FROM raw r JOIN staged s ON s.event_no = r.rowid)
       WHERE object_id IS NOT NULL AND trim(object_id) <> ''`,
      { qualifier: key.column },
    );
  }
  await dropStagedAttributes(connection);
  await connection.run(`DROP TABLE staged`);
}

/** The objects: each id with its one type; an id two keys give different types is an error (the ids must say what they are). */
async function finishObjects(connection: DuckDBConnection, files: readonly string[]): Promise<void> {
  const clash = await queryRow<{ object_id: string; types: string }>(
    connection,
    `SELECT object_id, string_agg(DISTINCT object_type, ', ' ORDER BY object_type) AS types FROM linked_types GROUP BY object_id HAVING count(DISTINCT object_type) > 1 LIMIT 1`,
  );
  if (clash) {
    throw new IngestError(files.join(', '), `the id ${JSON.stringify(clash.object_id)} names objects of two types (${clash.types}); keys of different types must not share ids. Nothing was loaded.`);
  }
  await connection.run(`INSERT INTO ocel_objects SELECT DISTINCT object_id, object_type FROM linked_types ORDER BY object_id`);
  await connection.run(`DROP TABLE linked_types`);
}
