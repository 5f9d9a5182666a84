import type { DuckDBConnection } from '@duckdb/node-api';
import { type Params, queryRow, queryRows, type Store, withConnection } from '../../store/db.ts';
import { findLog } from '../../store/logs.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { OptionError, UnknownLogError } from '../errors.ts';
import { compileFilter, type Filter } from '../filter/index.ts';
import type { Section } from './index.ts';
import { Needs as BaseNeeds, type KeySource, type LogTables, logTables, usedParams } from '../columns.ts';

/** Typed rows of a query (the result interfaces are plain JSON-safe values). */
export async function rows<T>(connection: DuckDBConnection, sql: string, params: Params): Promise<T[]> {
  return (await queryRows(connection, sql, usedParams(sql, params))) as unknown as T[];
}

export async function one<T>(connection: DuckDBConnection, sql: string, params: Params): Promise<T | undefined> {
  return (await queryRow(connection, sql, usedParams(sql, params))) as unknown as T | undefined;
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
export class Needs extends BaseNeeds {
  readonly params: Params = {};
  private count = 0;
  constructor(private readonly source: Source) {
    super(source.tables);
  }
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
    const { params, ...key } = this.key(candidates, param, what);
    Object.assign(this.params, params);
    return key;
  }
  /** The attribute table, aliased `a`. */
  get attributes(): string {
    return `${quoteIdent(attributeTable(this.source.tables.attributeLogId))} a`;
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

/**
 * What the sections read: the linked log's events when `log` is a linked log or an
 * unfiltered case notion of one (a notion stands for its parent), else the
 * filtered cases' events, with the attribute tables of the log the events came from.
 */
export async function reconciliationSource(connection: DuckDBConnection, log: string, filter: Filter): Promise<Source> {
  const found = await findLog(connection, log);
  if (!found) throw new UnknownLogError(log);
  if (filter.kpi !== undefined) throw new OptionError('reconciliation reads order and purchase lines, not the cases a KPI counts: remove counted-by or not-counted-by');
  const compiled = compileFilter(filter, { logId: found.id, attributes: found.attributes });
  if (found.objectTypes !== null && compiled.restricts) {
    const notions = found.objectTypes.map((type) => JSON.stringify(`${found.name}@${type}`)).join(', ');
    throw new OptionError(`a filter keeps cases, and the linked log ${JSON.stringify(found.name)} has none: filter one of its case notions ${notions}`);
  }
  const parent = found.parent === null ? null : (await findLog(connection, found.parent))!;
  if ((found.objectTypes !== null || parent !== null) && !compiled.restricts) {
    // All the linked log's events (a case notion, unfiltered, stands for its parent).
    const base = parent ?? found;
    const params: Params = { rlog: base.id };
    return {
      connection,
      tables: await logTables(connection, base.id),
      params,
      events: `(SELECT event_no, activity, ts FROM object_events WHERE log_id = $rlog)`,
      activities: new Set((await queryRows<{ name: string }>(connection, `SELECT DISTINCT activity AS name FROM object_events WHERE log_id = $rlog`, params)).map((r) => r.name)),
      linked: true,
    };
  }
  // The filtered cases' events; of a case notion once each (an event may name several of its objects), read with the linked log's attributes.
  const params: Params = { log: found.id, ...compiled.params };
  return {
    connection,
    tables: await logTables(connection, (parent ?? found).id),
    params,
    events: `(SELECT ${parent === null ? '' : 'DISTINCT '}e.event_no, act.name AS activity, e.ts FROM cases c JOIN events e ON e.log_id = $log AND e.case_id = c.case_id
              JOIN activities act ON act.log_id = $log AND act.activity_id = e.activity_id WHERE c.log_id = $log AND ${compiled.caseWhere})`,
    activities: new Set((await queryRows<{ name: string }>(connection, `SELECT name FROM activities WHERE log_id = $log`, { log: found.id })).map((r) => r.name)),
    linked: false,
  };
}

/** Runs one section on a log on its own, as getReconciliation runs it among the others: for its tests. */
export async function reconcileSection<T>(store: Store, log: string, section: (source: Source) => Promise<T>, filter: Filter = {}): Promise<T> {
  return withConnection(store, async (connection) => section(await reconciliationSource(connection, log, filter)));
}
