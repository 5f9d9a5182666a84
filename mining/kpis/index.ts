import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows, type Params, type Store, withConnection } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { type AnalysisScope, runAnalysis } from '../analysis.ts';
import { checkWholeNumber, OptionError } from '../errors.ts';
import type { Filter } from '../filter/index.ts';
import { type KeySource, type LogTables, logTables, numericColumn, resolveKey, resolveKeyOrNote } from '../reconciliation/keys.ts';
import { KPI_DEFAULTS, mergeKpiOptions } from './fields.ts';
import { savedKpiSettings } from './settings.ts';

/**
 * The operations KPIs of a case-based log (for linked streams, a case notion such
 * as `<log>@order`). Each KPI states its definition in `definition`; when the log
 * lacks an activity or attribute a KPI needs, it is `computable: false` with
 * `value: null` and `reason: "not computable: missing …"`, never a number.
 *
 * "Orders" are the filtered cases that contain `orderActivity` (default Order
 * Captured; null: every case), so returns or other cases sharing the log are left
 * out. Rates are fractions from 0 to 1 (`unit: 'ratio'`); times are in seconds.
 * Which activities and attributes each KPI reads (KPI_FIELDS) comes from the options
 * given, else the log's saved settings (saveKpiSettings), else the defaults, the
 * simulated distributor's names (KPI_DEFAULTS, datasets/distributor).
 */
export interface Kpis {
  log: string;
  kpis: Kpi[];
}

export type KpiId =
  | 'order_cycle_time'
  | 'touchless_order_rate'
  | 'exception_rate'
  | 'credit_turnaround'
  | 'perfect_order_rate'
  | 'fill_rate'
  | 'otif'
  | 'receipt_to_available';

export interface Kpi {
  id: KpiId;
  name: string;
  /** Null exactly when not computable, or computable over nothing (no orders to judge, no pairs). */
  value: number | null;
  unit: 'seconds' | 'ratio';
  computable: boolean;
  /** `not computable: missing …` when not computable; otherwise null (or why the value is null). */
  reason: string | null;
  /** The KPI's definition with the activities and attributes it used. */
  definition: string;
  /** The counts behind the value: numerator and denominator of a rate, or the number of durations and their spread. */
  counts: Record<string, number | null>;
  /** exception_rate only: orders with each exception activity, as a share of orders. */
  byType?: { type: string; orders: number; rate: number | null }[];
}

/** Activities that are exceptions in the order stream (the distributor generator's ORDER_EXCEPTIONS). */
export const DEFAULT_EXCEPTION_ACTIVITIES = KPI_DEFAULTS.exceptionActivities;
/** Resource name prefixes of office people whose touch makes an order manual (the generator's MANUAL_RESOURCES). */
export const DEFAULT_MANUAL_RESOURCE_PREFIXES = KPI_DEFAULTS.manualResourcePrefixes;

export interface KpiOptions {
  /** The activity that makes a case an order (default 'Order Captured'); null counts every case as an order. */
  orderActivity?: string | null;
  /** Exception activities (touchless, exception rate, perfect order); default DEFAULT_EXCEPTION_ACTIVITIES. */
  exceptionActivities?: string[];
  /** Manual resources, by name prefix (touchless); default DEFAULT_MANUAL_RESOURCE_PREFIXES. */
  manualResourcePrefixes?: string[];
  cycleTime?: { start?: string; end?: string };
  touchless?: { completedActivity?: string };
  creditTurnaround?: { from?: string; to?: string };
  fillRate?: { allocationActivities?: string[]; allocatedAttribute?: string; orderedAttribute?: string; lineKeys?: string[] };
  otif?: {
    promisedAttribute?: string;
    /** Judge orders promised on or before this date (YYYY-MM-DD); default: `horizonDays` before the day after the log's last event. */
    judgedPromisedBy?: string;
    horizonDays?: number;
    deliveredActivity?: string;
    shippedAttribute?: string;
    orderedAttribute?: string;
    lineKeys?: string[];
    shipmentKeys?: string[];
  };
  perfectOrder?: {
    failureActivities?: string[];
    invoiceActivities?: string[];
    invoicedAttribute?: string;
    returnActivities?: string[];
    /** Attribute by which a return case names its order (the order case's name); default 'order_id'. */
    returnOrderAttribute?: string;
  };
  receiptToAvailable?: { from?: string; to?: string; matchKeys?: string[] };
}

const DEFAULT_HORIZON_DAYS = 7;
const DAY_MS = 86_400_000;

/** Computes every KPI over the filtered cases of a case-based log. */
export async function getKpis(store: Store, log: string, filter: Filter = {}, options: KpiOptions = {}): Promise<Kpis> {
  checkWholeNumber(options.otif?.horizonDays, 'otif.horizonDays', 0, 3650);
  const judgedBy = options.otif?.judgedPromisedBy;
  if (judgedBy !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(judgedBy)) throw new OptionError(`otif.judgedPromisedBy must be a date YYYY-MM-DD, not ${JSON.stringify(judgedBy)}`);
  return runAnalysis(store, log, filter, async (scope) => {
    const context = await kpiContext(scope, options);
    // OTIF and the perfect order share the heaviest query: it runs on a connection of its own while
    // the other KPIs run on this one, so their single-threaded steps overlap its parallel ones.
    context.outcomes = withConnection(store, (own) => computeOutcomes({ ...context, connection: own }));
    context.outcomes.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    const kpis: Kpi[] = [];
    for (const compute of [orderCycleTime, touchlessRate, exceptionRate, creditTurnaround, perfectOrderRate, fillRate, otif, receiptToAvailable]) {
      kpis.push(await compute(context));
    }
    return { log, kpis };
  });
}

interface Context {
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

type Outcomes = { missing: string[]; perfectMissing: string[]; definitions: { judged: string; otif: string; perfect: string }; facts: { judged: number; otif: number; perfect: number; judgedPromisedBy: string } | undefined };

/** What every KPI reads; the options given override the log's saved settings, setting by setting. */
async function kpiContext(scope: AnalysisScope, given: KpiOptions): Promise<Context> {
  const options = mergeKpiOptions((await savedKpiSettings(scope.connection, scope.log.name)).settings, given);
  const names = await scope.activityNames();
  const activityIds = new Map(names.map((name, id) => [name, id]));
  const tables = await logTables(scope.connection, scope.log.id);
  const resources = await queryRow<{ n: number }>(scope.connection, `SELECT count(*)::BIGINT AS n FROM (SELECT 1 FROM events WHERE log_id = $log AND resource IS NOT NULL LIMIT 1)`, { log: scope.log.id });
  const orderActivity = options.orderActivity === undefined ? KPI_DEFAULTS.orderActivity : options.orderActivity;
  let orderWhere = scope.caseWhere;
  let orderMissing: string | undefined;
  if (orderActivity !== null) {
    const id = activityIds.get(orderActivity);
    if (id === undefined) orderMissing = `activity ${JSON.stringify(orderActivity)}`;
    else orderWhere = `${scope.caseWhere} AND c.variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND activity_id = ${id})`;
  }
  return {
    scope,
    connection: scope.connection,
    options,
    activityIds,
    tables,
    hasResources: resources!.n > 0,
    allOrders:
      orderMissing === undefined &&
      (await queryRow<{ all: boolean }>(scope.connection, `SELECT (SELECT count(*) FROM cases c WHERE ${orderWhere}) = (SELECT count(*) FROM cases WHERE log_id = $log) AS "all"`, scope.params))!.all,
    orderWhere,
    orderMissing,
    attributes: quoteIdent(attributeTable(scope.log.id)),
  };
}

/** Collects what a KPI lacks, then answers either "not computable" or runs it. */
class Needs {
  readonly missing: string[] = [];
  constructor(private readonly context: Context) {}
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
  column(name: string): string {
    const column = numericColumn(this.context.tables, name);
    if (column === undefined) this.missing.push(`attribute ${JSON.stringify(name)}`);
    return column ?? 'NULL';
  }
  key(candidates: readonly string[], param: string, what: string): KeySource & { params: Params } {
    const { key, params } = resolveKeyOrNote(this.context.tables, candidates, param, what, this.missing);
    return { ...key, params };
  }
  resources(): void {
    if (!this.context.hasResources) this.missing.push('resources (no event names one)');
  }
  get ok(): boolean {
    return this.missing.length === 0;
  }
  reason(): string {
    return `not computable: missing ${[...new Set(this.missing)].join('; ')}`;
  }
}

type KpiHead = Pick<Kpi, 'id' | 'name' | 'unit' | 'definition'>;

function notComputable(head: KpiHead, needs: Needs): Kpi {
  return { ...head, value: null, computable: false, reason: needs.reason(), counts: {} };
}

function computed(head: KpiHead, value: number | null, counts: Record<string, number | null>, emptyReason: string): Kpi {
  return { ...head, value, computable: true, reason: value === null ? emptyReason : null, counts };
}

const list = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');
/** `column IN (ids)`, or false for no ids (never NULL, which would poison bool_or and NOT). */
const activityIn = (column: string, values: readonly number[]): string => (values.length === 0 ? 'false' : `${column} IN (${values.join(', ')})`);
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * CTEs `ev` (the order cases' events: case_id, event_no, activity_id, ts) and `qa`
 * (the attribute rows, `a`, on which one of `columns` is not null, with those
 * columns and, for an attribute key, the key column as `key`), each read filtered
 * on its own before they are joined: joining all events with all attribute rows
 * is what costs.
 */
function quantityCtes(context: Context, columns: Record<string, string>, key?: KeySource): string {
  const list = Object.entries(columns).map(([alias, expr]) => `${expr} AS ${alias}`);
  if (key?.column !== undefined) list.push(`CAST(a.${key.column} AS VARCHAR) AS key`);
  const any = Object.values(columns).map((expr) => `${expr} IS NOT NULL`).join(' OR ');
  return `oc AS (SELECT c.case_id FROM cases c WHERE ${context.orderWhere}),
          ev AS (SELECT e.case_id, e.event_no, e.activity_id, e.ts FROM events e WHERE e.log_id = $log ${context.allOrders ? '' : 'AND e.case_id IN (SELECT case_id FROM oc)'}),
          qa AS (SELECT a.waybill_event_no AS event_no, ${list.join(', ')} FROM ${context.attributes} a WHERE ${any})`;
}

/** Joins a relation `j` (with event_no) to its objects of `key`, as `k.key`: the key column `j.key` when it is an attribute, else the key's id relation. */
function keyed(key: KeySource, relation: string): { from: string; key: string } {
  return key.column !== undefined ? { from: `${relation} j`, key: 'j.key' } : { from: `${relation} j JOIN ${key.idRelation} k ON k.event_no = j.event_no`, key: 'k.key' };
}

/**
 * Order cycle time: per order with both, the time from its first `start` event
 * to the first `end` event after it (default Order Captured → Payment Received),
 * in seconds; the value is the median over those orders. Orders without an `end`
 * (still open) are left out.
 */
async function orderCycleTime(context: Context): Promise<Kpi> {
  const start = context.options.cycleTime?.start ?? KPI_DEFAULTS.cycleTime.start;
  const end = context.options.cycleTime?.end ?? KPI_DEFAULTS.cycleTime.end;
  const head: KpiHead = {
    id: 'order_cycle_time',
    name: 'Order cycle time',
    unit: 'seconds',
    definition: `median over orders of the time from the first ${JSON.stringify(start)} to the first ${JSON.stringify(end)} after it; orders without ${JSON.stringify(end)} are left out`,
  };
  const needs = new Needs(context).orders();
  const a = needs.activity(start);
  const b = needs.activity(end);
  if (!needs.ok) return notComputable(head, needs);
  const row = (await queryRow<{ orders: number; median: number | null; mean: number | null; p90: number | null }>(
    context.connection,
    `WITH s AS (SELECT e.case_id, min(e.position) AS position, min(e.ts) AS ts FROM events e
                WHERE e.log_id = $log AND e.activity_id = ${a} ${context.allOrders ? '' : `AND e.case_id IN (SELECT c.case_id FROM cases c WHERE ${context.orderWhere})`} GROUP BY e.case_id),
          t AS (SELECT e.case_id, e.position, e.ts FROM events e WHERE e.log_id = $log AND e.activity_id = ${b}),
          d AS (SELECT s.case_id, (epoch_ms(min(t.ts)) - epoch_ms(any_value(s.ts))) / 1000 AS seconds
                FROM s JOIN t ON t.case_id = s.case_id AND t.position > s.position GROUP BY s.case_id)
     SELECT count(*)::BIGINT AS orders, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90 FROM d`,
    context.scope.params,
  ))!;
  return computed(head, row.median, row, `no order reaches ${JSON.stringify(end)}`);
}

/**
 * Touchless order rate: of the completed orders (those with `completedActivity`,
 * default Payment Received), the share with no exception activity and no event
 * by a manual resource (a resource whose name starts with one of the prefixes).
 */
async function touchlessRate(context: Context): Promise<Kpi> {
  const { head, needs, cases } = touchlessCases(context);
  if (cases === undefined) return notComputable(head, needs);
  const row = (await queryRow<{ completed: number; touchless: number }>(
    context.connection,
    `SELECT count(*)::BIGINT AS completed, count(*) FILTER (WHERE NOT touched)::BIGINT AS touchless FROM (${cases.sql})`,
    cases.params,
  ))!;
  return computed(head, ratio(row.touchless, row.completed), row, 'no completed orders');
}

/** The completed orders as SQL `(case_id, touched)`, touched meaning not touchless; undefined when not computable. */
function touchlessCases(context: Context): { head: KpiHead; needs: Needs; cases?: { sql: string; params: Params } } {
  const completed = context.options.touchless?.completedActivity ?? KPI_DEFAULTS.touchless.completedActivity;
  const exceptions = context.options.exceptionActivities ?? [...DEFAULT_EXCEPTION_ACTIVITIES];
  const prefixes = context.options.manualResourcePrefixes ?? [...DEFAULT_MANUAL_RESOURCE_PREFIXES];
  const head: KpiHead = {
    id: 'touchless_order_rate',
    name: 'Touchless order rate',
    unit: 'ratio',
    definition: `completed orders (with ${JSON.stringify(completed)}) with no exception activity (${list(exceptions)}) and no event by a manual resource (name starting with ${list(prefixes)}), over completed orders`,
  };
  const needs = new Needs(context).orders();
  const done = needs.activity(completed);
  const exceptionIds = needs.optionalActivities(exceptions);
  if (prefixes.length > 0) needs.resources();
  if (!needs.ok) return { head, needs };
  const params: Params = { ...context.scope.params };
  prefixes.forEach((prefix, i) => (params[`manual_${i}`] = prefix));
  const manual = prefixes.length === 0 ? 'false' : prefixes.map((_, i) => `starts_with(e.resource, $manual_${i})`).join(' OR ');
  const sql = `SELECT e.case_id, bool_or(${activityIn('e.activity_id', exceptionIds)} OR coalesce(${manual}, false)) AS touched
       FROM cases c JOIN events e ON e.log_id = $log AND e.case_id = c.case_id
       WHERE ${context.orderWhere} AND c.variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND activity_id = ${done})
       GROUP BY e.case_id`;
  return { head, needs, cases: { sql, params } };
}

/** The touchless orders themselves, by case name (sorted), behind the touchless order rate. */
export interface TouchlessOrders {
  log: string;
  computable: boolean;
  reason: string | null;
  definition: string;
  completed: number;
  touchless: string[];
}

/** Lists the touchless orders of a log (see the touchless order rate), for drilling into the KPI. */
export async function getTouchlessOrders(store: Store, log: string, filter: Filter = {}, options: KpiOptions = {}): Promise<TouchlessOrders> {
  return runAnalysis(store, log, filter, async (scope) => {
    const { head, needs, cases } = touchlessCases(await kpiContext(scope, options));
    if (cases === undefined) return { log, computable: false, reason: needs.reason(), definition: head.definition, completed: 0, touchless: [] };
    const rows = await queryRows<{ name: string; touched: boolean }>(
      scope.connection,
      `SELECT c.name, t.touched FROM (${cases.sql}) t JOIN cases c ON c.log_id = $log AND c.case_id = t.case_id ORDER BY c.name`,
      cases.params,
    );
    return { log, computable: true, reason: null, definition: head.definition, completed: rows.length, touchless: rows.filter((r) => !r.touched).map((r) => r.name) };
  });
}

/**
 * Exception rate: the share of orders with at least one exception activity; by
 * type, the share of orders with that activity (an order may count under several).
 */
async function exceptionRate(context: Context): Promise<Kpi> {
  const exceptions = context.options.exceptionActivities ?? [...DEFAULT_EXCEPTION_ACTIVITIES];
  const head: KpiHead = { id: 'exception_rate', name: 'Exception rate', unit: 'ratio', definition: `orders with at least one exception activity (${list(exceptions)}), over orders` };
  const needs = new Needs(context).orders();
  const exceptionIds = needs.someActivities(exceptions, 'exception activities');
  if (!needs.ok) return notComputable(head, needs);
  const vc = `WITH vc AS (SELECT variant_id, count(*)::BIGINT AS n FROM cases c WHERE ${context.orderWhere} GROUP BY variant_id)`;
  const row = (await queryRow<{ orders: number; exceptional: number }>(
    context.connection,
    `${vc} SELECT coalesce(sum(n), 0)::BIGINT AS orders,
              coalesce(sum(n) FILTER (WHERE variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND ${activityIn('activity_id', exceptionIds)})), 0)::BIGINT AS exceptional
       FROM vc`,
    context.scope.params,
  ))!;
  const perType = await queryRows<{ activity: number; orders: number }>(
    context.connection,
    `${vc} SELECT va.activity_id AS activity, sum(vc.n)::BIGINT AS orders FROM vc JOIN variant_activities va ON va.log_id = $log AND va.variant_id = vc.variant_id
       WHERE ${activityIn('va.activity_id', exceptionIds)} GROUP BY 1`,
    context.scope.params,
  );
  const byId = new Map(perType.map((r) => [r.activity, r.orders]));
  const byType = exceptions.map((type) => {
    const orders = byId.get(context.activityIds.get(type) ?? -1) ?? 0;
    return { type, orders, rate: ratio(orders, row.orders) };
  });
  return { ...computed(head, ratio(row.exceptional, row.orders), row, 'no orders'), byType };
}

/**
 * The time from each `from` event to the first `to` event after it in the same
 * case (and, with `match`, naming the same object), in seconds: median, mean,
 * p90 and the number of pairs. A `from` with no later `to` is still open and left out.
 */
async function pairDurations(context: Context, from: number, to: number, match: { relation: string; params: Params } | undefined) {
  const keyJoin = match === undefined ? '' : `JOIN ${match.relation} k ON k.event_no = e.event_no`;
  const keyColumn = match === undefined ? '' : ', k.key';
  const side = (activity: number) =>
    `SELECT e.case_id, e.position, e.ts${keyColumn} FROM (SELECT * FROM events e WHERE e.log_id = $log AND e.activity_id = ${activity} ${context.scope.eventCases('e')}) e ${keyJoin}`;
  return (await queryRow<{ pairs: number; median: number | null; mean: number | null; p90: number | null }>(
    context.connection,
    `WITH f AS (${side(from)}), t AS (${side(to)})
     SELECT count(*)::BIGINT AS pairs, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90 FROM (
       SELECT (epoch_ms(t.ts) - epoch_ms(f.ts)) / 1000 AS seconds
       FROM f ASOF JOIN t ON f.case_id = t.case_id ${match === undefined ? '' : 'AND f.key = t.key'} AND t.position > f.position)`,
    { ...context.scope.params, ...(match?.params ?? {}) },
  ))!;
}

/** Credit (approval) turnaround: median time from each Credit Hold to the first Credit Released after it in the same case. */
async function creditTurnaround(context: Context): Promise<Kpi> {
  const from = context.options.creditTurnaround?.from ?? KPI_DEFAULTS.creditTurnaround.from;
  const to = context.options.creditTurnaround?.to ?? KPI_DEFAULTS.creditTurnaround.to;
  const head: KpiHead = {
    id: 'credit_turnaround',
    name: 'Credit / approval turnaround',
    unit: 'seconds',
    definition: `median time from each ${JSON.stringify(from)} to the first ${JSON.stringify(to)} after it in the same case; holds not yet released are left out`,
  };
  const needs = new Needs(context);
  const a = needs.activity(from);
  const b = needs.activity(to);
  if (!needs.ok) return notComputable(head, needs);
  const row = await pairDurations(context, a, b, undefined);
  return computed(head, row.median, row, `no ${JSON.stringify(from)} is followed by ${JSON.stringify(to)}`);
}

/**
 * Receipt-to-available time (purchasing): median time from each Goods Received to
 * the first Put Away after it in the same case naming the same PO line (the first
 * of `matchKeys` the log has, as an attribute or an object type; none: the same case).
 */
async function receiptToAvailable(context: Context): Promise<Kpi> {
  const from = context.options.receiptToAvailable?.from ?? KPI_DEFAULTS.receiptToAvailable.from;
  const to = context.options.receiptToAvailable?.to ?? KPI_DEFAULTS.receiptToAvailable.to;
  const matchKeys = context.options.receiptToAvailable?.matchKeys ?? KPI_DEFAULTS.receiptToAvailable.matchKeys;
  const match = resolveKey(context.tables, matchKeys, 'match_key');
  const head: KpiHead = {
    id: 'receipt_to_available',
    name: 'Receipt-to-available time',
    unit: 'seconds',
    definition: `median time from each ${JSON.stringify(from)} to the first ${JSON.stringify(to)} after it in the same case${match === undefined ? '' : ` with the same ${match.key.label}`}; receipts not yet put away are left out`,
  };
  const needs = new Needs(context);
  const a = needs.activity(from);
  const b = needs.activity(to);
  if (!needs.ok) return notComputable(head, needs);
  const row = await pairDurations(context, a, b, match === undefined ? undefined : { relation: match.key.idRelation, params: match.params });
  return computed(head, row.median, row, `no ${JSON.stringify(from)} is followed by ${JSON.stringify(to)}`);
}

/**
 * Fill rate: units allocated at promise (the allocated quantity on the allocation
 * activities, default Line Allocated) over units ordered (the ordered quantity
 * once per order line: its largest value on the line's events), over the orders.
 */
async function fillRate(context: Context): Promise<Kpi> {
  const o = context.options.fillRate ?? {};
  const activities = o.allocationActivities ?? KPI_DEFAULTS.fillRate.allocationActivities;
  const allocatedName = o.allocatedAttribute ?? KPI_DEFAULTS.fillRate.allocatedAttribute;
  const orderedName = o.orderedAttribute ?? KPI_DEFAULTS.fillRate.orderedAttribute;
  const lineKeys = o.lineKeys ?? KPI_DEFAULTS.fillRate.lineKeys;
  const needs = new Needs(context).orders();
  const allocationIds = needs.someActivities(activities, 'allocation activities');
  const allocated = needs.column(allocatedName);
  const ordered = needs.column(orderedName);
  const line = needs.key(lineKeys, 'line_key', 'order lines');
  const head: KpiHead = {
    id: 'fill_rate',
    name: 'Fill rate',
    unit: 'ratio',
    definition: `units allocated at promise (${JSON.stringify(allocatedName)} on ${list(activities)}) over units ordered (${JSON.stringify(orderedName)} once per order line${line.label === '' ? '' : `, lines by ${line.label}`})`,
  };
  if (!needs.ok) return notComputable(head, needs);
  const lineKey = keyed(line, 'j');
  const row = (await queryRow<{ unitsOrdered: number | null; unitsAllocated: number | null }>(
    context.connection,
    `WITH ${quantityCtes(context, { ordered, allocated }, line)},
          j AS (SELECT ev.case_id, ev.event_no, ev.activity_id, qa.* EXCLUDE (event_no) FROM ev JOIN qa USING (event_no)),
          lines AS (SELECT j.case_id, ${lineKey.key} AS key, max(j.ordered) AS ordered FROM ${lineKey.from} WHERE j.ordered IS NOT NULL AND ${lineKey.key} IS NOT NULL GROUP BY ALL)
     SELECT (SELECT sum(ordered) FROM lines)::DOUBLE AS "unitsOrdered",
            (SELECT sum(allocated) FROM j WHERE ${activityIn('activity_id', allocationIds)})::DOUBLE AS "unitsAllocated"`,
    { ...context.scope.params, ...line.params },
  ))!;
  const counts = { unitsOrdered: row.unitsOrdered ?? 0, unitsAllocated: row.unitsAllocated ?? 0 };
  return computed(head, ratio(counts.unitsAllocated, counts.unitsOrdered), counts, 'no units ordered');
}

/** The last event's date, plus one day, minus `days`: the default judging date. */
function judgingDate(lastTimestamp: string | null, days: number): string | null {
  if (lastTimestamp === null) return null;
  const day = Math.floor(Date.parse(lastTimestamp) / DAY_MS) * DAY_MS;
  return new Date(day + DAY_MS - days * DAY_MS).toISOString().slice(0, 10);
}

/** What OTIF and the perfect order need, and their counts over the judged orders (one query for both). */
function orderOutcomes(context: Context): Promise<Outcomes> {
  return (context.outcomes ??= computeOutcomes(context));
}

async function computeOutcomes(context: Context): Promise<Outcomes> {
  const needs = new Needs(context);
  const o = context.options.otif ?? {};
  const p = context.options.perfectOrder ?? {};
  const promisedName = o.promisedAttribute ?? KPI_DEFAULTS.otif.promisedAttribute;
  const horizon = o.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const judgedBy = o.judgedPromisedBy ?? judgingDate(context.scope.log.lastTimestamp, horizon);
  const delivered = o.deliveredActivity ?? KPI_DEFAULTS.otif.deliveredActivity;
  const orderedName = o.orderedAttribute ?? KPI_DEFAULTS.otif.orderedAttribute;
  const shippedName = o.shippedAttribute ?? KPI_DEFAULTS.otif.shippedAttribute;
  const failureNames = p.failureActivities ?? KPI_DEFAULTS.perfectOrder.failureActivities;
  const invoiceNames = p.invoiceActivities ?? KPI_DEFAULTS.perfectOrder.invoiceActivities;
  const invoicedName = p.invoicedAttribute ?? KPI_DEFAULTS.perfectOrder.invoicedAttribute;
  const returnNames = p.returnActivities ?? KPI_DEFAULTS.perfectOrder.returnActivities;
  const returnOrder = p.returnOrderAttribute ?? KPI_DEFAULTS.perfectOrder.returnOrderAttribute;
  const exceptions = context.options.exceptionActivities ?? [...DEFAULT_EXCEPTION_ACTIVITIES];

  needs.orders();
  const deliveredId = needs.activity(delivered);
  const promisedType = context.tables.attributes.get(promisedName);
  if (promisedType === undefined) needs.missing.push(`attribute ${JSON.stringify(promisedName)}`);
  const ordered = needs.column(orderedName);
  const shipped = needs.column(shippedName);
  const line = needs.key(o.lineKeys ?? KPI_DEFAULTS.otif.lineKeys, 'line_key', 'order lines');
  const shipment = needs.key(o.shipmentKeys ?? KPI_DEFAULTS.otif.shipmentKeys, 'shipment_key', 'shipments');
  // The perfect order's needs are checked apart: OTIF does not need invoices.
  const perfectNeeds = new Needs(context);
  const invoiceIds = perfectNeeds.someActivities(invoiceNames, 'invoice activities');
  const invoiced = perfectNeeds.column(invoicedName);
  const failureIds = needs.optionalActivities(failureNames);
  const returnIds = needs.optionalActivities(returnNames);
  const exceptionIds = needs.optionalActivities(exceptions);
  const returnColumn = context.tables.attributes.has(returnOrder) ? quoteIdent(returnOrder) : undefined;

  const definitions = {
    judged: `orders whose latest ${JSON.stringify(promisedName)} is on or before ${judgedBy ?? '(no events)'}`,
    otif: `each order line (${line.label || 'by line key'}) has total ${JSON.stringify(shippedName)} equal to its ${JSON.stringify(orderedName)}, and every shipment (${shipment.label || 'by shipment key'}) of the order has a ${JSON.stringify(delivered)} before the end of the promised date (midnight UTC after it)`,
    perfect: `OTIF, no exception activity (${list(exceptions)}), no ${list(failureNames)} on its shipments, total ${JSON.stringify(invoicedName)} on ${list(invoiceNames)} equal to total ${JSON.stringify(shippedName)}, and no return (${list(returnNames)} in the order, or in a case whose ${JSON.stringify(returnOrder)} names it)`,
  };
  if (judgedBy === null) needs.missing.push('events (the log is empty)');
  const perfectMissing = perfectNeeds.missing;
  if (!needs.ok || judgedBy === null) return { missing: needs.missing, perfectMissing, definitions, facts: undefined };

  // The promised date as a day number (days since 1970-01-01, UTC), read once per order from its latest value
  // (the day is monotone in the instant): integer arithmetic, where timezone() on each order cost a tenth of the query.
  const promisedColumn = `a.${quoteIdent(promisedName)}`;
  const { promised, latestPromisedDay } =
    promisedType === 'DATE'
      ? { promised: promisedColumn, latestPromisedDay: `(max(promised) - DATE '1970-01-01')` }
      : /^TIMESTAMP/.test(promisedType!)
        ? { promised: promisedColumn, latestPromisedDay: `floor(epoch_ms(max(promised)) / ${DAY_MS})::BIGINT` }
        : { promised: `TRY_CAST(left(CAST(${promisedColumn} AS VARCHAR), 10) AS DATE)`, latestPromisedDay: `(max(promised) - DATE '1970-01-01')` };
  const returnsElsewhere =
    returnColumn === undefined || returnIds.length === 0
      ? 'SELECT NULL::VARCHAR AS name WHERE false'
      : `SELECT DISTINCT CAST(a.${returnColumn} AS VARCHAR) AS name FROM (SELECT event_no FROM events WHERE log_id = $log AND ${activityIn('activity_id', returnIds)}) e
         JOIN ${context.attributes} a ON a.waybill_event_no = e.event_no`;
  const variantsWith = (ids: number[]) => `c.variant_id IN (SELECT variant_id FROM variant_activities WHERE log_id = $log AND ${activityIn('activity_id', ids)})`;
  const lineKey = keyed(line, 'j');
  // Lines and shipments are aggregated for every order, not only the judged ones: the joins to the judged
  // orders below drop the rest, and restricting before aggregating cost more than it saved.
  const facts = (await queryRow<{ judged: number; otif: number; perfect: number }>(
    context.connection,
    `WITH ${quantityCtes(context, { promised, ordered, shipped, invoiced }, line)},
          j AS (SELECT ev.case_id, ev.event_no, ev.activity_id, qa.* EXCLUDE (event_no) FROM ev JOIN qa USING (event_no)),
          judged AS (SELECT case_id, ${latestPromisedDay} AS promised_day, coalesce(sum(shipped), 0) AS shipped,
                            coalesce(sum(invoiced) FILTER (WHERE ${activityIn('activity_id', invoiceIds)}), 0) AS invoiced
                     FROM j GROUP BY case_id HAVING promised_day <= $judged_by::DATE - DATE '1970-01-01'),
          judged_cases AS (SELECT j.*, c.name, ${variantsWith(exceptionIds)} AS exception, ${variantsWith(returnIds)} AS returned
                           FROM judged j JOIN (SELECT case_id, name, variant_id FROM cases WHERE log_id = $log) c USING (case_id)),
          lines AS (SELECT j.case_id, ${lineKey.key} AS key, max(j.ordered) AS ordered, coalesce(sum(j.shipped), 0) AS shipped
                    FROM ${lineKey.from}
                    WHERE (j.ordered IS NOT NULL OR j.shipped IS NOT NULL) AND ${lineKey.key} IS NOT NULL GROUP BY ALL HAVING max(j.ordered) IS NOT NULL),
          in_full AS (SELECT case_id, bool_and(shipped = ordered) AS in_full FROM lines GROUP BY case_id),
          ships AS (SELECT ev.case_id, k.key, min(ev.ts) FILTER (WHERE ev.activity_id = ${deliveredId}) AS delivered, bool_or(${activityIn('ev.activity_id', failureIds)}) AS failed
                    FROM ev JOIN ${shipment.idRelation} k ON k.event_no = ev.event_no GROUP BY ALL),
          ship_facts AS (SELECT s.case_id, bool_or(s.delivered IS NULL OR epoch_ms(s.delivered) >= (j.promised_day + 1) * ${DAY_MS}) AS late, bool_or(s.failed) AS failed
                         FROM ships s JOIN judged j USING (case_id) GROUP BY s.case_id),
          returned_elsewhere AS (${returnsElsewhere}),
          outcome AS (SELECT coalesce(f.in_full, false) AND NOT coalesce(s.late, false) AS otif,
                             j.exception, coalesce(s.failed, false) AS failed, j.invoiced = j.shipped AS invoiced_in_full,
                             j.returned OR j.name IN (SELECT name FROM returned_elsewhere) AS returned
                      FROM judged_cases j LEFT JOIN in_full f USING (case_id) LEFT JOIN ship_facts s USING (case_id))
     SELECT count(*)::BIGINT AS judged, count(*) FILTER (WHERE otif)::BIGINT AS otif,
            ${perfectMissing.length > 0 ? '0' : 'count(*) FILTER (WHERE otif AND NOT exception AND NOT failed AND invoiced_in_full AND NOT returned)'}::BIGINT AS perfect
     FROM outcome`,
    { ...context.scope.params, ...line.params, ...shipment.params, judged_by: judgedBy },
  ))!;
  return { missing: [], perfectMissing, definitions, facts: { ...facts, judgedPromisedBy: judgedBy } };
}

/**
 * On time in full: of the judged orders (promised on or before the judging date,
 * by default `horizonDays` = 7 days before the day after the log's last event, so a
 * late delivery has had time to show), the share that are OTIF: every line shipped
 * in full (total shipped = ordered) and every shipment of the order delivered
 * before the end (midnight UTC) of the promised date. Needs the Delivered events,
 * which a carrier stream holds: on an orders log alone it is not computable.
 */
async function otif(context: Context): Promise<Kpi> {
  const { definitions, facts, missing } = await orderOutcomes(context);
  const needs = new Needs(context);
  needs.missing.push(...missing);
  const head: KpiHead = { id: 'otif', name: 'On time in full (OTIF)', unit: 'ratio', definition: `${definitions.judged} that are OTIF: ${definitions.otif}; over judged orders` };
  if (facts === undefined) return notComputable(head, needs);
  return { ...computed(head, ratio(facts.otif, facts.judged), { judged: facts.judged, otif: facts.otif }, 'no judged orders'), definition: `${head.definition} (judged by ${facts.judgedPromisedBy})` };
}

/** Perfect-order rate: of the judged orders (as for OTIF), the share that are perfect: OTIF, no exception, no failed delivery, invoiced in full, not returned. */
async function perfectOrderRate(context: Context): Promise<Kpi> {
  const { definitions, facts, missing, perfectMissing } = await orderOutcomes(context);
  const needs = new Needs(context);
  needs.missing.push(...missing, ...perfectMissing);
  const head: KpiHead = { id: 'perfect_order_rate', name: 'Perfect-order rate', unit: 'ratio', definition: `${definitions.judged} that are perfect: ${definitions.perfect}; OTIF meaning ${definitions.otif}; over judged orders` };
  if (facts === undefined || !needs.ok) return notComputable(head, needs);
  return computed(head, ratio(facts.perfect, facts.judged), { judged: facts.judged, perfect: facts.perfect }, 'no judged orders');
}
