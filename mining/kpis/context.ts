import type { DuckDBConnection } from '@duckdb/node-api';
import { type Params, queryRow, queryRows, type Row, type Store } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { type AnalysisScope, runAnalysis } from '../analysis.ts';
import type { Filter } from '../filter/index.ts';
import { computeOutcomes } from './outcomes.ts';
import { Needs as BaseNeeds, idList, type KeySource, type LogTables, logTables, usedParams } from '../columns.ts';
import { KPI_DEFAULTS, mergeKpiOptions } from './fields.ts';
import type { Kpi, KpiOptions } from './index.ts';
import { savedKpiSettings } from './settings.ts';

export const DEFAULT_HORIZON_DAYS = 7;

export const DAY_MS = 86_400_000;

export interface Context {
  /** Activity ids the KPIs' SQL names as parameters, by parameter name (activityIn, activityIs). */
  bound: Params;
  scope: AnalysisScope;
  connection: DuckDBConnection;
  options: KpiOptions;
  activityIds: Map<string, number>;
  tables: LogTables;
  hasResources: boolean;
  /** The order activity, or null (every case); `orderMissing` when the log lacks it. */
  orderWhere: string;
  orderMissing: string | undefined;
  attributes: string;
  /** Whether every case of the log is an order the filter keeps: the events of the orders are then the log's events. */
  allOrders: boolean;
  /** OTIF and perfect-order facts, computed once for both. */
  outcomes?: Promise<Outcomes>;
}

export type Outcomes = {
  missing: string[];
  perfectMissing: string[];
  definitions: { judged: string; otif: string; perfect: string };
  facts: { judged: number; otif: number; perfect: number; judgedPromisedBy: string } | undefined;
  /** SQL of each judged order's `(case_id, otif, perfect)`, with its parameters (besides the context's). */
  cases?: { sql: string; params: Params };
};

/** What every KPI reads; the options given override the log's saved settings, setting by setting. */
export async function kpiContext(scope: AnalysisScope, given: KpiOptions): Promise<Context> {
  const options = mergeKpiOptions((await savedKpiSettings(scope.connection, scope.log.name)).settings, given);
  const names = await scope.activityNames();
  const activityIds = new Map(names.map((name, id) => [name, id]));
  const tables = await logTables(scope.connection, scope.log.id);
  const resources = await queryRow<{ n: number }>(scope.connection, `SELECT count(*)::BIGINT AS n FROM (SELECT 1 FROM events WHERE log_id = $log AND resource IS NOT NULL LIMIT 1)`, { log: scope.log.id });
  const orderActivity = options.orderActivity === undefined ? KPI_DEFAULTS.orderActivity : options.orderActivity;
  const bound: Params = {};
  let orderWhere = scope.caseWhere;
  let orderMissing: string | undefined;
  if (orderActivity !== null) {
    const id = activityIds.get(orderActivity);
    if (id === undefined) orderMissing = `activity ${JSON.stringify(orderActivity)}`;
    else {
      bound.order_activity = id;
      orderWhere = `${scope.caseWhere} AND c.variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND activity_id = $order_activity)`;
    }
  }
  return {
    scope,
    bound,
    connection: scope.connection,
    options,
    activityIds,
    tables,
    hasResources: resources!.n > 0,
    allOrders:
      orderMissing === undefined &&
      (await queryRow<{ all: boolean }>(scope.connection, `SELECT (SELECT count(*) FROM cases c WHERE ${orderWhere}) = (SELECT count(*) FROM cases WHERE log_id = $log) AS "all"`, usedParams(orderWhere, { ...scope.params, ...bound })))!.all,
    orderWhere,
    orderMissing,
    attributes: quoteIdent(attributeTable(scope.log.id)),
  };
}

/** Collects what a KPI lacks, then answers either "not computable" or runs it. */
export class Needs extends BaseNeeds {
  constructor(private readonly context: Context) {
    super(context.tables);
  }
  orders(): this {
    if (this.context.orderMissing !== undefined) this.missing.push(this.context.orderMissing);
    return this;
  }
  /** The activity's id; a missing one is noted (the id returned is then -1 and never used). */
  activity(name: string): number {
    const id = this.context.activityIds.get(name);
    if (id === undefined) {
      this.missing.push(`activity ${JSON.stringify(name)}`);
      return -1;
    }
    return id;
  }
  /** The ids of those of `names` that occur; none occurring is noted as missing. */
  someActivities(names: readonly string[], what: string): number[] {
    const ids = names.flatMap((name) => (this.context.activityIds.has(name) ? [this.context.activityIds.get(name)!] : []));
    if (names.length > 0 && ids.length === 0) this.missing.push(`${what} (none of ${names.map((n) => JSON.stringify(n)).join(', ')} occurs)`);
    return ids;
  }
  /** Ids of those of `names` that occur; none occurring is fine (the log has none of them). */
  optionalActivities(names: readonly string[]): number[] {
    return names.flatMap((name) => (this.context.activityIds.has(name) ? [this.context.activityIds.get(name)!] : []));
  }
  resources(): void {
    if (!this.context.hasResources) this.missing.push('resources (no event names one)');
  }
}

export type KpiHead = Pick<Kpi, 'id' | 'name' | 'unit' | 'definition'>;

export function notComputable(head: KpiHead, needs: Needs): Kpi {
  return { ...head, value: null, computable: false, reason: needs.reason, counts: {} };
}

export function computed(head: KpiHead, value: number | null, counts: Record<string, number | null>, emptyReason: string): Kpi {
  return { ...head, value, computable: true, reason: value === null ? emptyReason : null, counts };
}

export const list = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

/** `column IN (ids)`, or false for no ids (never NULL, which would poison bool_or and NOT). */
export function activityIn(context: Context, column: string, ids: readonly number[]): string {
  if (ids.length === 0) return 'false';
  const name = `acts_${ids.join('_')}`;
  context.bound[name] = idList(ids);
  return `list_contains($${name}, ${column})`;
}

/** `column = id`, the id bound as a parameter. */
export function activityIs(context: Context, column: string, id: number): string {
  context.bound[`act_${id}`] = id;
  return `${column} = $act_${id}`;
}

/** A KPI query's rows, with the parameters its SQL names: the log's and the filter's, the activity ids bound, and `extra`. */
export function kpiRows<T extends Row>(context: Context, sql: string, extra: Params = {}): Promise<T[]> {
  return queryRows<T>(context.connection, sql, usedParams(sql, { ...context.scope.params, ...context.bound, ...extra }));
}

export async function kpiRow<T extends Row>(context: Context, sql: string, extra: Params = {}): Promise<T | undefined> {
  return (await kpiRows<T>(context, sql, extra))[0];
}

export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * CTEs `ev` (the order cases' events: case_id, event_no, activity_id, ts) and `qa`
 * (the attribute rows, `a`, on which one of `columns` is not null, with those
 * columns and, for an attribute key, the key column as `key`), each read filtered
 * on its own before they are joined: joining all events with all attribute rows
 * is what costs.
 */
export function quantityCtes(context: Context, columns: Record<string, string>, key?: KeySource): string {
  const list = Object.entries(columns).map(([alias, expr]) => `${expr} AS ${alias}`);
  if (key?.column !== undefined) list.push(`CAST(a.${key.column} AS VARCHAR) AS key`);
  const any = Object.values(columns).map((expr) => `${expr} IS NOT NULL`).join(' OR ');
  return `oc AS (SELECT c.case_id FROM cases c WHERE ${context.orderWhere}),
          ev AS (SELECT e.case_id, e.event_no, e.activity_id, e.ts FROM events e WHERE e.log_id = $log ${context.allOrders ? '' : 'AND e.case_id IN (SELECT case_id FROM oc)'}),
          qa AS (SELECT a.waybill_event_no AS event_no, ${list.join(', ')} FROM ${context.attributes} a WHERE ${any})`;
}

/** Joins a relation `j` (with event_no) to its objects of `key`, as `k.key`: the key column `j.key` when it is an attribute, else the key's id relation. */
export function keyed(key: KeySource, relation: string): { from: string; key: string } {
  return key.column !== undefined ? { from: `${relation} j`, key: 'j.key' } : { from: `${relation} j JOIN ${key.idRelation} k ON k.event_no = j.event_no`, key: 'k.key' };
}

/**
 * The time from each `from` event to the first `to` event after it in the same
 * case (and, with `match`, naming the same object), in seconds: median, mean,
 * p90 and the number of pairs. A `from` with no later `to` is still open and left out.
 */
export async function pairDurations(context: Context, from: number, to: number, match: { relation: string; params: Params } | undefined) {
  const keyJoin = match === undefined ? '' : `JOIN ${match.relation} k ON k.event_no = e.event_no`;
  const keyColumn = match === undefined ? '' : ', k.key';
  const side = (activity: number) =>
    `SELECT e.case_id, e.position, e.ts${keyColumn} FROM (SELECT * FROM events e WHERE e.log_id = $log AND ${activityIs(context, 'e.activity_id', activity)} ${context.scope.eventCases('e')}) e ${keyJoin}`;
  return (await kpiRow<{ pairs: number; median: number | null; mean: number | null; p90: number | null }>(
    context,
    `WITH f AS (${side(from)}), t AS (${side(to)})
     SELECT count(*)::BIGINT AS pairs, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90 FROM (
       SELECT (epoch_ms(t.ts) - epoch_ms(f.ts)) / 1000 AS seconds
       FROM f ASOF JOIN t ON f.case_id = t.case_id ${match === undefined ? '' : 'AND f.key = t.key'} AND t.position > f.position)`,
    match?.params ?? {},
  ))!;
}

/** Runs one KPI on a log, as getKpis would among the others: for its own tests. */
export async function computeKpi(store: Store, log: string, compute: (context: Context) => Promise<Kpi>, options: KpiOptions = {}, filter: Filter = {}): Promise<Kpi> {
  return runAnalysis(store, log, filter, async (scope) => {
    const context = await kpiContext(scope, options);
    // OTIF and the perfect order read the outcomes getKpis computes once for both.
    context.outcomes = computeOutcomes(context);
    return compute(context);
  });
}
