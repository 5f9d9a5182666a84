import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows } from '../store/db.ts';
import { attributeTable } from '../store/schema.ts';
import { quoteIdent, quoteLiteral } from '../store/sql.ts';
import { ATTRIBUTE_KEY, type LogOrigin, type LogSummary, storeLog } from './build-log.ts';

/**
 * Stores an object-centric log from the staged `ocel_*` temp tables (filled by
 * an OCEL reader, or by linking CSV streams through their keys): its events with
 * the objects they touch (and the qualifier of each link), object-to-object
 * relations and object attributes over time. Then, for each object type, the
 * log flattened on that type — every event once per object of the type it
 * touches, the object being the case — as a classic child log named
 * `<name>@<type>`, on which every analysis runs (the "case notion").
 *
 * Events are numbered in source order, so ties in time keep it. An event's
 * resource is its `org:resource` (or `resource`) attribute.
 */

export interface ObjectLogSummary {
  logId: number;
  name: string;
  events: number;
  objects: number;
  /** Distinct event types among the events. */
  activities: number;
  objectTypes: string[];
  /** The flattened child logs, one per object type. */
  caseNotions: (LogSummary & { objectType: string })[];
}

/** DuckDB types for OCEL's attribute types. */
const OCEL_TYPES: Record<string, string> = {
  integer: 'BIGINT',
  int: 'BIGINT',
  float: 'DOUBLE',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  time: 'TIMESTAMPTZ',
  date: 'TIMESTAMPTZ',
};

const RESOURCE_ATTRIBUTES = ['org:resource', 'resource'];

/** The name of the child log that flattens `log` on `objectType`. */
export function caseNotionLogName(log: string, objectType: string): string {
  return `${log}@${objectType}`;
}

/** Stores the staged object-centric log as `name` and its flattened children; inside the caller's transaction. */
export async function storeObjectLog(connection: DuckDBConnection, name: string, origin: LogOrigin): Promise<ObjectLogSummary> {
  const logId = (await queryRow<{ id: number }>(connection, `SELECT nextval('log_id_seq')::INTEGER AS id`))!.id;
  const params = { log: logId };
  const resource = await resourceAttribute(connection);
  await connection.run(
    `INSERT INTO object_events
     SELECT $log, (row_number() OVER (ORDER BY e.ordinal) - 1)::BIGINT, e.event_id, e.event_type, e.ts, e.utc_offset_minutes,
            ${resource === undefined ? 'NULL' : 'r.value'}
     FROM ocel_events e
     ${resource === undefined ? '' : 'LEFT JOIN (SELECT event_id, any_value(value) AS value FROM ocel_event_attributes WHERE name = $resource GROUP BY event_id) r USING (event_id)'}`,
    resource === undefined ? params : { ...params, resource },
  );
  await connection.run(`CREATE OR REPLACE TEMP TABLE object_event_no AS SELECT event_id, event_no FROM object_events WHERE log_id = $log`, params);
  await connection.run(`INSERT INTO objects SELECT $log, object_id, object_type FROM ocel_objects`, params);
  await connection.run(
    `INSERT INTO event_objects SELECT $log, n.event_no, l.object_id, l.qualifier FROM ocel_e2o l JOIN object_event_no n USING (event_id) ORDER BY n.event_no`,
    params,
  );
  await connection.run(`INSERT INTO object_relations SELECT $log, source_id, target_id, qualifier FROM ocel_o2o`, params);
  await connection.run(`INSERT INTO object_attributes SELECT $log, object_id, name, value, type, ts FROM ocel_object_attributes`, params);
  const attributes = await storeEventAttributes(connection, logId, resource);

  const counts = (await queryRow<{ events: number; objects: number; activities: number }>(
    connection,
    `SELECT (SELECT count(*) FROM object_events WHERE log_id = $log)::BIGINT AS events,
            (SELECT count(*) FROM objects WHERE log_id = $log)::BIGINT AS objects,
            (SELECT count(DISTINCT activity) FROM object_events WHERE log_id = $log)::INTEGER AS activities`,
    params,
  ))!;
  await connection.run(
    `INSERT INTO logs (log_id, name, source, format, mapping, attributes, events, cases, activities, variants, first_ts, last_ts, created_at)
     SELECT $log, $name, $source, $format, $mapping, $attributes, $events, $objects, $activities, 0, min(ts), max(ts), now()
     FROM object_events WHERE log_id = $log`,
    { ...params, name, source: origin.source, format: origin.format, mapping: JSON.stringify(origin.mapping), attributes: JSON.stringify(attributes), events: counts.events, objects: counts.objects, activities: counts.activities },
  );

  const types = (await queryRows<{ type: string }>(connection, `SELECT DISTINCT object_type AS type FROM objects WHERE log_id = $log ORDER BY 1`, params)).map((r) => r.type);
  const caseNotions: ObjectLogSummary['caseNotions'] = [];
  for (const objectType of types) {
    const flattened = await flatten(connection, logId, name, objectType, origin);
    if (flattened) caseNotions.push({ ...flattened, objectType });
  }
  await connection.run(`DROP TABLE object_event_no`);
  return { logId, name, events: counts.events, objects: counts.objects, activities: counts.activities, objectTypes: types, caseNotions };
}

/** The event attribute that names the resource, if the log has one (`org:resource` first). */
async function resourceAttribute(connection: DuckDBConnection): Promise<string | undefined> {
  const names = (await queryRows<{ name: string }>(connection, `SELECT DISTINCT name FROM ocel_event_attributes`)).map((r) => r.name);
  for (const candidate of RESOURCE_ATTRIBUTES) {
    const found = names.find((name) => name.toLowerCase() === candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The event attributes as one wide typed table keyed by event number; returns its columns. */
async function storeEventAttributes(connection: DuckDBConnection, logId: number, resource: string | undefined): Promise<{ name: string; type: string }[]> {
  const declared = await queryRows<{ name: string; type: string }>(
    connection,
    // One type per name: the declared one if all agree, else text.
    `SELECT name, CASE WHEN count(DISTINCT lower(coalesce(type, 'string'))) = 1 THEN lower(any_value(coalesce(type, 'string'))) ELSE 'string' END AS type
     FROM ocel_event_attributes WHERE name IS DISTINCT FROM $resource GROUP BY name ORDER BY name`,
    { resource: resource ?? null },
  );
  const columns = declared.map(({ name, type }) => {
    const sqlType = OCEL_TYPES[type] ?? 'VARCHAR';
    const value = `any_value(a.value) FILTER (WHERE a.name = ${quoteLiteral(name)})`;
    return `TRY_CAST(${value} AS ${sqlType}) AS ${quoteIdent(name)}`;
  });
  const table = quoteIdent(attributeTable(logId));
  await connection.run(
    `CREATE TABLE ${table} AS
     SELECT n.event_no AS ${ATTRIBUTE_KEY}${columns.map((c) => `, ${c}`).join('')}
     FROM object_event_no n LEFT JOIN ocel_event_attributes a USING (event_id)
     GROUP BY n.event_no ORDER BY n.event_no`,
  );
  const typed = await queryRows<{ column_name: string; column_type: string }>(connection, `DESCRIBE ${table}`);
  return typed.filter((c) => c.column_name !== ATTRIBUTE_KEY).map((c) => ({ name: c.column_name, type: c.column_type }));
}

/** Stores the log flattened on one object type as a child log; undefined when no event touches an object of the type. */
async function flatten(connection: DuckDBConnection, logId: number, name: string, objectType: string, origin: LogOrigin): Promise<LogSummary | undefined> {
  const params = { log: logId, type: objectType };
  // An event linked to the same object twice (two qualifiers) counts once.
  await connection.run(
    // Each table filtered to the log first: joined on (log_id, key) across logs, DuckDB's plan was quadratic.
    `CREATE OR REPLACE TEMP TABLE staged AS
     WITH e AS (SELECT event_no, activity, ts, utc_offset_minutes, resource FROM object_events WHERE log_id = $log),
          l AS (SELECT DISTINCT event_no, object_id FROM event_objects WHERE log_id = $log),
          o AS (SELECT object_id FROM objects WHERE log_id = $log AND object_type = $type)
     SELECT e.event_no, l.object_id AS case_name, e.activity, e.ts, e.utc_offset_minutes, e.resource, NULL::VARCHAR AS lifecycle
     FROM l JOIN o USING (object_id) JOIN e USING (event_no)`,
    params,
  );
  const rows = (await queryRow<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM staged`))!.n;
  if (rows === 0) {
    await connection.run(`DROP TABLE staged`);
    return undefined;
  }
  await connection.run(
    `CREATE OR REPLACE TEMP VIEW staged_attributes AS SELECT * FROM ${quoteIdent(attributeTable(logId))} WHERE ${ATTRIBUTE_KEY} IN (SELECT event_no FROM staged)`,
  );
  const childId = (await queryRow<{ id: number }>(connection, `SELECT nextval('log_id_seq')::INTEGER AS id`))!.id;
  const summary = await storeLog(connection, childId, caseNotionLogName(name, objectType), { ...origin, mapping: { ...origin.mapping, case: objectType } });
  await connection.run(`UPDATE logs SET parent_log_id = $parent, case_notion = $type WHERE log_id = $child`, { parent: logId, type: objectType, child: childId });
  return summary;
}
