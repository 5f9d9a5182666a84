import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows } from '../../store/db.ts';
import { quoteIdent, quoteLiteral } from '../../store/sql.ts';
import { IngestError } from '../errors.ts';
import { isGzip } from '../source-file.ts';
import { finishStaging, type OcelSummary } from './tables.ts';

const TYPE_PREFIX = 'ocel:type:';
const REQUIRED = ['ocel:eid', 'ocel:activity', 'ocel:timestamp'];

/** The ids in a cell holding a Python list's text (`['880001','880004']`); a blank cell holds none. Ids may not contain commas. */
const idsSql = (column: string): string =>
  `list_filter(list_transform(string_split(trim(coalesce(${column}, ''), '[] '), ','), x -> trim(trim(x), '''"')), x -> x <> '')`;

/** A value is blank when missing or only spaces (PM4Py writes a space for "no value"). */
const isBlank = (column: string): string => `(${column} IS NULL OR trim(${column}) = '')`;

/**
 * Reads an OCEL 1.0 CSV file (plain or gzip; PM4Py's flattened form) with
 * DuckDB's CSV reader: one row per event (`ocel:eid`, `ocel:activity`,
 * `ocel:timestamp`), a column `ocel:type:<T>` per object type holding the
 * related ids as a Python list's text, and the other columns as event
 * attributes. Objects are the distinct ids per type (OCEL 1.0 CSV lists no
 * others and no object attributes); relationships have no qualifier (NULL) and
 * there are no object-to-object links. Attribute types are inferred per column:
 * integer or float when every non-blank value reads as one, else string.
 * Ordinal = row in the file; line = ordinal + 2 (header first, one line a row).
 */
export async function stageOcelCsv(connection: DuckDBConnection, path: string, file: string): Promise<OcelSummary> {
  const compression = (await isGzip(path)) ? 'gzip' : 'none';
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ocel_csv AS SELECT * FROM read_csv(${quoteLiteral(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', compression = ${quoteLiteral(compression)})`,
  ).catch((error: unknown) => {
    throw new IngestError(file, 'cannot read as CSV', undefined, undefined, undefined, { detail: error instanceof Error ? error.message.split('\n')[0] : String(error) });
  });
  try {
    const columns = (await queryRows<{ column_name: string }>(connection, `DESCRIBE ocel_csv`)).map((row) => row.column_name);
    for (const column of REQUIRED) if (!columns.includes(column)) throw new IngestError(file, `has no column ${JSON.stringify(column)}; an OCEL 1.0 CSV has ${REQUIRED.join(', ')} and ocel:type:<T> columns`);
    const typeColumns = columns.filter((c) => c.startsWith(TYPE_PREFIX));
    const attributeColumns = columns.filter((c) => !c.startsWith('ocel:'));
    const [eid, activity, timestamp] = REQUIRED.map(quoteIdent) as [string, string, string];
    await connection.run(`
      INSERT INTO ocel_events_raw
      SELECT ${eid}, ${activity}, nullif(trim(${timestamp}), ''), rowid, rowid + 2 FROM ocel_csv ORDER BY rowid`);
    for (const column of attributeColumns) {
      const value = quoteIdent(column);
      const kinds = await queryRow<{ n: number; ints: number; floats: number }>(
        connection,
        `SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE regexp_full_match(trim(${value}), '[+-]?[0-9]+'))::BIGINT AS ints, count(TRY_CAST(${value} AS DOUBLE))::BIGINT AS floats
         FROM ocel_csv WHERE NOT ${isBlank(value)}`,
      );
      const type = kinds!.n > 0 && kinds!.ints === kinds!.n ? 'integer' : kinds!.n > 0 && kinds!.floats === kinds!.n ? 'float' : 'string';
      await connection.run(
        `INSERT INTO ocel_event_attributes SELECT ${eid}, $name, ${value}, $type FROM ocel_csv WHERE NOT ${isBlank(value)} ORDER BY rowid`,
        { name: column, type },
      );
    }
    for (const column of typeColumns) {
      const type = column.slice(TYPE_PREFIX.length);
      await connection.run(
        `INSERT INTO ocel_e2o SELECT ${eid}, unnest(${idsSql(quoteIdent(column))}), NULL FROM ocel_csv ORDER BY rowid`,
      );
      await connection.run(
        `INSERT INTO ocel_objects SELECT id, $type FROM (SELECT DISTINCT unnest(${idsSql(quoteIdent(column))}) AS id FROM ocel_csv) ORDER BY id`,
        { type },
      );
    }
    return await finishStaging(connection, file, 'ocel1-csv', { eventTypes: [], objectTypes: typeColumns.map((c) => c.slice(TYPE_PREFIX.length)) });
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ocel_csv`);
  }
}
