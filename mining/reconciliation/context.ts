import { usedParams } from '../analysis.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type Params, queryRow, queryRows } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import type { Section } from './index.ts';
import { type KeySource, type LogTables, numericColumn, resolveKeyOrNote } from './keys.ts';

/** The parameters a statement uses: DuckDB refuses to bind one it does not name. */
export const used = usedParams;

/** Typed rows of a query (the result interfaces are plain JSON-safe values). */
export async function rows<T>(connection: DuckDBConnection, sql: string, params: Params): Promise<T[]> {
  return (await queryRows(connection, sql, used(sql, params))) as unknown as T[];
}

export async function one<T>(connection: DuckDBConnection, sql: string, params: Params): Promise<T | undefined> {
  return (await queryRow(connection, sql, used(sql, params))) as unknown as T | undefined;
}

export interface Source {
  connection: DuckDBConnection;
  tables: LogTables;
  params: Params;
  /** SQL relation `(event_no, activity, ts)` of the events reconciled, to be joined with the attribute table. */
  events: string;
  activities: Set<string>;
  /** Whether `events` are all the events of a linked log (unfiltered), so a case notion's own events may stand for them. */
  linked: boolean;
}

/** Collects what a section lacks; binds activity-name lists. */
export class Needs {
  readonly missing: string[] = [];
  readonly params: Params = {};
  private count = 0;
  constructor(private readonly source: Source) {}
  /** `IN (...)` list of the names that occur; none occurring is noted as missing. */
  activities(names: readonly string[], optional = false): string {
    const present = names.filter((n) => this.source.activities.has(n));
    if (present.length === 0) {
      if (!optional) this.missing.push(`activity ${names.map((n) => JSON.stringify(n)).join(' or ')}`);
      return 'NULL';
    }
    return present
      .map((name) => {
        const key = `act_${this.count++}`;
        this.params[key] = name;
        return `$${key}`;
      })
      .join(', ');
  }
  number(name: string): string {
    const column = numericColumn(this.source.tables, name);
    if (column === undefined) this.missing.push(`attribute ${JSON.stringify(name)}`);
    return column ?? 'NULL';
  }
  text(name: string): string {
    if (!this.source.tables.attributes.has(name)) {
      this.missing.push(`attribute ${JSON.stringify(name)}`);
      return 'NULL';
    }
    return `CAST(a.${quoteIdent(name)} AS VARCHAR)`;
  }
  optionalText(name: string): string {
    return this.source.tables.attributes.has(name) ? `CAST(a.${quoteIdent(name)} AS VARCHAR)` : 'NULL::VARCHAR';
  }
  /** How events name an object of the first of `candidates` the log has (see `resolveKey`); binds its parameters. */
  keySource(candidates: readonly string[], param: string, what: string): KeySource {
    const { key, params } = resolveKeyOrNote(this.source.tables, candidates, param, what, this.missing);
    Object.assign(this.params, params);
    return key;
  }
  /** The attribute table, aliased `a`. */
  get attributes(): string {
    return `${quoteIdent(attributeTable(this.source.tables.attributeLogId))} a`;
  }
  get reason(): string {
    return `not computable: missing ${[...new Set(this.missing)].join('; ')}`;
  }
  /**
   * The events with their attributes (`a`), selecting `columns`; with `key`, only
   * the events naming an object of it, once per object, its id as `key` (joined
   * first, so the attributes are read for those events only).
   */
  events(columns: string, key?: string): string {
    const attributes = `LEFT JOIN ${quoteIdent(attributeTable(this.source.tables.attributeLogId))} a ON a.waybill_event_no = ev.event_no`;
    return key === undefined
      ? `SELECT ev.event_no, ev.activity, ev.ts, ${columns} FROM ${this.source.events} ev ${attributes}`
      : `SELECT k.key, ev.event_no, ev.activity, ev.ts, ${columns} FROM ${key} k JOIN ${this.source.events} ev ON ev.event_no = k.event_no ${attributes}`;
  }


}

export function notComputable<T>(needs: Needs, extra: T): Section<never, never> & T {
  return { computable: false, reason: needs.reason, totals: null, variances: [], ...extra };
}
