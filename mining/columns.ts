import { type DuckDBConnection, type DuckDBValue, listValue } from '@duckdb/node-api';
import { type Params, queryRow, queryRows } from '../store/db.ts';
import { attributeTable } from '../store/schema.ts';
import { quoteIdent } from '../store/sql.ts';
import { FilterError } from './errors.ts';

/*
 * What the analyses share in reading a log's columns and binding values to them, in one place:
 * the column types (isNumericType), values bound as parameters and typed to a column (Bindings,
 * parseInstant, idList, usedParams), the keys that name business objects (resolveKey), numeric
 * attributes (numericColumn), and what a log lacks for a computation (Needs).
 */

/** DuckDB's number types, as DESCRIBE names them. */
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/i;

/** Whether a column of this DuckDB type holds numbers. */
export function isNumericType(type: string): boolean {
  return NUMERIC_TYPE.test(type.trim());
}

/** Whether a column of this DuckDB type holds dates or times. */
export function isTemporalType(type: string): boolean {
  return type.startsWith('TIMESTAMP') || type === 'DATE';
}

/** A column of a log's attribute table, with its DuckDB type. */
export interface TypedColumn {
  name: string;
  type: string;
}

export type BindableValue = string | number | boolean;

/** The column (of the table aliased `alias`) as Bindings.typed values compare with it: itself, or its text for a type values cannot be written in (TIME, UUID, a list …). */
export function comparableColumn(column: TypedColumn, alias: string): string {
  const plain = isNumericType(column.type) || isTemporalType(column.type) || column.type === 'BOOLEAN' || column.type === 'VARCHAR';
  return plain ? `${alias}.${quoteIdent(column.name)}` : `CAST(${alias}.${quoteIdent(column.name)} AS VARCHAR)`;
}

/** Binds values as parameters `$<prefix><n>` of `params`: the one way analyses put a value into SQL. */
export class Bindings {
  private n = 0;

  constructor(
    readonly params: Params,
    private readonly prefix: string,
  ) {}

  /** Binds `value`; returns its placeholder. */
  bind(value: DuckDBValue): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  /**
   * Binds a value given as text (the CLI and API send text) typed to `column`, to be compared with
   * comparableColumn(column). It is checked here against the column's type, so DuckDB is never left
   * to fail on converting it: FilterError names the column, `what` the value is ('value', 'bound') and why.
   */
  typed(column: TypedColumn, value: BindableValue, what = 'value'): string {
    const text = String(value).trim();
    const fail = (holds: string, rest = 'is not one') => new FilterError(`${column.name} holds ${holds}; ${what} ${JSON.stringify(value)} ${rest}`);
    if (isNumericType(column.type)) {
      const number = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(number) || text === '') throw fail('numbers');
      // Bound as text and compared as DOUBLE, whatever the column's type: the driver would bind a whole number
      // as BIGINT, and one beyond its range (1e23) would fail there instead of simply matching nothing.
      return `${this.bind(String(number))}::DOUBLE`;
    }
    if (isTemporalType(column.type)) {
      const kind = column.type === 'DATE' ? 'dates' : 'times';
      if (typeof value !== 'string') throw fail(kind);
      try {
        parseInstant(value, column.name);
      } catch {
        throw fail(kind, 'is not one: write an ISO-8601 date such as 2026-01-31, or a time such as 2026-01-31T08:00:00Z');
      }
      return `${this.bind(text)}::TIMESTAMPTZ`;
    }
    if (column.type === 'BOOLEAN') {
      const truth = typeof value === 'boolean' ? value : /^(true|t|yes|y|1)$/i.test(text) ? true : /^(false|f|no|n|0)$/i.test(text) ? false : undefined;
      if (truth === undefined) throw fail('true or false', 'is neither');
      return this.bind(truth);
    }
    return this.bind(String(value));
  }
}

// A zone only after a time: "2026-01-05+02:00" is not a date JavaScript can read.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MICROS_PER_DAY = 86_400_000_000;

/**
 * Parses an ISO-8601 date or instant (UTC when no zone is given) to epoch
 * microseconds, at millisecond precision. `endOfDay` reads a date alone as the
 * last microsecond of that day, so `to=2026-02-01` includes 1 February.
 */
export function parseInstant(text: string, what: string, endOfDay = false): number {
  const trimmed = text.trim();
  if (!ISO_INSTANT.test(trimmed)) {
    throw new FilterError(`${what}: ${JSON.stringify(text)} is not an ISO-8601 date or time (e.g. 2024-03-01 or 2024-03-01T08:00:00Z)`);
  }
  // Date.parse rolls 30 February over into March; a calendar date must exist as written.
  const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day || month < 1 || month > 12) throw new FilterError(`${what}: ${JSON.stringify(text)} is not a valid date`);
  const dateOnly = ISO_DATE.test(trimmed);
  const normalized = trimmed.replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(normalized);
  const ms = Date.parse(dateOnly ? `${normalized}T00:00:00Z` : hasZone ? normalized : `${normalized}Z`);
  if (Number.isNaN(ms)) throw new FilterError(`${what}: ${JSON.stringify(text)} is not a valid date`);
  return dateOnly && endOfDay ? ms * 1000 + MICROS_PER_DAY - 1 : ms * 1000;
}


/** The parameters `sql` names, of those given: DuckDB refuses a parameter a statement does not use. */
export function usedParams(sql: string, params: Params): Params {
  return Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
}

/** Activity ids as a bound list (never empty: -1 matches no activity). */
export function idList(ids: readonly number[]): DuckDBValue {
  return listValue(ids.length === 0 ? [-1] : [...ids]);
}

/**
 * How an event names a business object (an order line, a PO line, a shipment):
 * in a flat log by an attribute column (`order_line_id`); in a log linked from
 * several streams (or flattened from one) by the objects of a type its events
 * touch (`order line`), since linking turns key columns into objects.
 */
export interface KeySource {
  /** What was found: `attribute order_line_id` or `object type "order line"`. */
  label: string;
  /** SQL relation `(event_no, key)`: every event that names an object, once per object. */
  relation: string;
  /**
   * The same events as `relation`, with `key` an identifier of the object that is
   * cheaper to group and join on (a case notion's integer case id) but not its name:
   * for grouping and matching only, never for output.
   */
  idRelation: string;
  /** When `idRelation`'s key is not the object's name: SQL relation `(key, name)` naming each id. */
  names?: string;
  /**
   * For a case notion: SQL relation `(event_no, key, activity, ts)`, `idRelation` with each event's activity
   * name, read from the notion log alone (its events are the linked log's events that name an object of the type).
   */
  keyedEvents?: string;
  /** For an attribute key: the column (quoted) of the log's attribute table naming the object, so a query already reading that table needs no join. */
  column?: string;
  /** For an object-type key: the type, whose case notion has each object as a case. */
  objectType?: string;
}

/** The store's tables for a log: where its events' attributes and object links live. */
export interface LogTables {
  /** The log whose `attributes_<id>` table holds the attribute columns. */
  attributeLogId: number;
  /** Its attribute columns and their SQL types. */
  attributes: ReadonlyMap<string, string>;
  /** The object-centric log whose `event_objects` link the events (the log itself or its parent), or null. */
  objectLogId: number | null;
  /** Object types of that log. */
  objectTypes: readonly string[];
  /** Per object type, the id of its case-notion log (`<log>@<type>`), whose cases are the objects. */
  notionLogs: ReadonlyMap<string, number>;
}

/** Reads which attribute columns and object types a log has (`logId`'s parent's objects for a case notion). */
export async function logTables(connection: DuckDBConnection, logId: number): Promise<LogTables> {
  const columns = await queryRows<{ name: string; type: string }>(
    connection,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = $table AND column_name <> 'waybill_event_no'`,
    { table: attributeTable(logId) },
  );
  const parent = await queryRow<{ id: number | null }>(connection, `SELECT coalesce(parent_log_id, CASE WHEN EXISTS (SELECT 1 FROM objects WHERE log_id = $log) THEN log_id END) AS id FROM logs WHERE log_id = $log`, { log: logId });
  const objectLogId = parent?.id ?? null;
  const objectTypes =
    objectLogId === null
      ? []
      : (await queryRows<{ type: string }>(connection, `SELECT DISTINCT object_type AS type FROM objects WHERE log_id = $log ORDER BY 1`, { log: objectLogId })).map((r) => r.type);
  const notions =
    objectLogId === null
      ? []
      : await queryRows<{ type: string; id: number }>(connection, `SELECT case_notion AS type, log_id AS id FROM logs WHERE parent_log_id = $log AND case_notion IS NOT NULL`, { log: objectLogId });
  return { attributeLogId: logId, attributes: new Map(columns.map((c) => [c.name, c.type])), objectLogId, objectTypes, notionLogs: new Map(notions.map((n) => [n.type, n.id])) };
}

/**
 * The first of `candidates` the log has: an attribute column of that name, else
 * an object type of that name. Undefined when it has none. A resolved object
 * type is bound as `$<param>`; the caller adds `params` to its query's.
 */
export function resolveKey(tables: LogTables, candidates: readonly string[], param: string): { key: KeySource; params: Record<string, string | number> } | undefined {
  for (const name of candidates) {
    if (tables.attributes.has(name)) {
      return {
        key: {
          label: `attribute ${name}`,
          relation: `(SELECT waybill_event_no AS event_no, CAST(${quoteIdent(name)} AS VARCHAR) AS key FROM ${quoteIdent(attributeTable(tables.attributeLogId))} WHERE ${quoteIdent(name)} IS NOT NULL)`,
          idRelation: `(SELECT waybill_event_no AS event_no, CAST(${quoteIdent(name)} AS VARCHAR) AS key FROM ${quoteIdent(attributeTable(tables.attributeLogId))} WHERE ${quoteIdent(name)} IS NOT NULL)`,
          column: quoteIdent(name),
        },
        params: {},
      };
    }
  }
  for (const name of candidates) {
    const notion = tables.notionLogs.get(name);
    if (notion !== undefined) {
      // The case-notion log already holds each event once per object of the type, the object as its case: integer joins, no string matching.
      return {
        key: {
          label: `object type ${JSON.stringify(name)}`,
          objectType: name,
          relation: `(SELECT e.event_no, c.name AS key FROM (SELECT event_no, case_id FROM events WHERE log_id = $${param}) e
                      JOIN (SELECT case_id, name FROM cases WHERE log_id = $${param}) c USING (case_id))`,
          idRelation: `(SELECT event_no, case_id AS key FROM events WHERE log_id = $${param})`,
          names: `(SELECT case_id AS key, name FROM cases WHERE log_id = $${param})`,
          keyedEvents: `(SELECT e.event_no, e.case_id AS key, act.name AS activity, e.ts FROM (SELECT event_no, case_id, activity_id, ts FROM events WHERE log_id = $${param}) e
                         JOIN (SELECT activity_id, name FROM activities WHERE log_id = $${param}) act USING (activity_id))`,
        },
        params: { [param]: notion },
      };
    }
    if (tables.objectLogId !== null && tables.objectTypes.includes(name)) {
      return {
        key: {
          label: `object type ${JSON.stringify(name)}`,
          objectType: name,
          relation: `(SELECT DISTINCT eo.event_no, eo.object_id AS key FROM event_objects eo JOIN objects o ON o.log_id = eo.log_id AND o.object_id = eo.object_id
                      WHERE eo.log_id = $${param}_log AND o.object_type = $${param})`,
          idRelation: `(SELECT DISTINCT eo.event_no, eo.object_id AS key FROM event_objects eo JOIN objects o ON o.log_id = eo.log_id AND o.object_id = eo.object_id
                      WHERE eo.log_id = $${param}_log AND o.object_type = $${param})`,
        },
        params: { [param]: name, [`${param}_log`]: tables.objectLogId },
      };
    }
  }
  return undefined;
}

/**
 * `resolveKey`, or, when the log has none of `candidates`, a key no event names,
 * with what is missing pushed onto `missing` (the analysis then answers "not computable").
 */
export function resolveKeyOrNote(
  tables: LogTables,
  candidates: readonly string[],
  param: string,
  what: string,
  missing: string[],
): { key: KeySource; params: Record<string, string | number> } {
  const found = resolveKey(tables, candidates, param);
  if (found !== undefined) return found;
  missing.push(`${what} (no attribute or object type ${candidates.map((c) => JSON.stringify(c)).join(' or ')})`);
  const none = '(SELECT NULL::BIGINT AS event_no, NULL::VARCHAR AS key)';
  return { key: { label: '', relation: none, idRelation: none }, params: {} };
}

/** A numeric attribute column of the table aliased `alias`, as a SQL expression (text cast to DOUBLE); undefined when the log lacks it. */
export function numericColumn(tables: LogTables, name: string, alias = 'a'): string | undefined {
  const type = tables.attributes.get(name);
  if (type === undefined) return undefined;
  const column = `${alias}.${quoteIdent(name)}`;
  return isNumericType(type) ? column : `TRY_CAST(${column} AS DOUBLE)`;
}

/**
 * What a computation needs from a log, collected before it runs: each lookup
 * answers what to use, and notes what the log lacks. A computation whose needs
 * are not `ok` answers "not computable: missing …" (`reason`), never a number.
 * The KPIs and reconciliation each extend it with how they name activities.
 */
export class Needs {
  readonly missing: string[] = [];

  constructor(protected readonly tables: LogTables) {}

  /** A numeric attribute as a SQL expression over the attribute table aliased `a` (see numericColumn); a missing one is noted. */
  number(name: string): string {
    const column = numericColumn(this.tables, name);
    if (column === undefined) this.note(`attribute ${JSON.stringify(name)}`);
    return column ?? 'NULL';
  }

  /** How events name an object of the first of `candidates` the log has (resolveKey), with its parameters; none is noted. */
  key(candidates: readonly string[], param: string, what: string): KeySource & { params: Params } {
    const { key, params } = resolveKeyOrNote(this.tables, candidates, param, what, this.missing);
    return { ...key, params };
  }

  note(what: string): void {
    this.missing.push(what);
  }

  get ok(): boolean {
    return this.missing.length === 0;
  }

  /** "not computable: missing …", each lack once, in the order found. */
  get reason(): string {
    return `not computable: missing ${[...new Set(this.missing)].join('; ')}`;
  }
}
