import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows, type Params, type Store, withConnection } from '../../store/db.ts';
import { findLog } from '../../store/logs.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { checkWholeNumber, OptionError, UnknownLogError } from '../errors.ts';
import { compileFilter, type Filter } from '../filter/index.ts';
import { type KeySource, type LogTables, logTables, numericColumn, resolveKeyOrNote } from './keys.ts';

export { type KeySource, type LogTables, logTables, resolveKey } from './keys.ts';
import { ATTRIBUTES, KEYS, ORDER_ACTIVITIES as ORDER, PURCHASE_ACTIVITIES as PURCHASE, QUANTITY_ATTRIBUTES as QUANTITY } from '../vocabulary.ts';

/**
 * Whether quantities agree along the chains a distributor books them on:
 * - `orderLines`: per order line, ordered vs shipped vs invoiced. Ordered is the
 *   line's ordered quantity (its largest value on the line's events); shipped the
 *   sum on its Shipped events; invoices name a shipment, not a line, so a line's
 *   invoiced quantity is its shipped quantity in each invoiced shipment times that
 *   shipment's invoiced / shipped units (exactly its shipped units when the shipment
 *   is invoiced in full). Credit memos (returns) are reported apart as `credited`.
 * - `purchaseLines`: the three-way match per PO line: ordered vs received (sum on
 *   Goods Received) vs invoiced (sum on Invoice Matched / Invoice Mismatched). A line
 *   is mismatched when it is invoiced and its invoiced quantity differs from its
 *   received one; `flagged` says whether the log booked it as Invoice Mismatched.
 * - `stock`: per warehouse, the book movement derived from the events — put away
 *   (Put Away received quantity) − allocated (Line Allocated, Backorder Allocated)
 *   + cycle-count adjustments (Cycle Count Adjusted, signed) — with the adjustments,
 *   each a count that disagreed with the book, as the variances, by week.
 *
 * Runs on a log linked from several streams (all its events, no filter: it has
 * no cases), on a case notion `<log>@<type>` (standing for its parent, or when
 * filtered the events of the objects it keeps), or on a flat log, whose filter
 * then applies. Objects (lines, shipments) are read from attribute columns or from the
 * linked objects (see `resolveKey`). A section whose activities or attributes the
 * log lacks is `computable: false` with `reason: "not computable: missing …"`.
 * Listed variances are the largest first, at most `limit` (default 100); totals
 * count them all. Weeks start on Monday (UTC).
 */
export interface Reconciliation {
  log: string;
  orderLines: Section<OrderLineTotals, OrderLineVariance> & { shipments: ShipmentTotals | null };
  purchaseLines: Section<PurchaseLineTotals, PurchaseLineVariance> & {
    bySku: { sku: string; lines: number; invoicedLines: number; mismatchedLines: number; receivedShortLines: number }[];
    trend: { week: string; invoicedLines: number; mismatchedLines: number; invoiceVarianceUnits: number }[];
  };
  stock: Section<StockTotals, StockVariance> & {
    warehouses: StockPosition[];
    trend: { week: string; warehouse: string; adjustments: number; units: number; shrinkage: number; found: number }[];
  };
}

export interface Section<Totals, Variance> {
  computable: boolean;
  reason: string | null;
  totals: Totals | null;
  variances: Variance[];
}

export interface OrderLineTotals {
  lines: number;
  ordered: number;
  shipped: number;
  invoiced: number;
  credited: number;
  /** Lines shipped less than ordered (open or short), more than ordered, invoiced less than shipped, more than shipped. */
  shortShippedLines: number;
  overShippedLines: number;
  underInvoicedLines: number;
  overInvoicedLines: number;
  /** Lines with any variance (the ones listed, up to `limit`). */
  varianceLines: number;
}

export interface ShipmentTotals {
  shipments: number;
  shipped: number;
  invoiced: number;
  /** Shipments with no invoice yet; invoiced ones whose invoiced units differ from their shipped units. */
  uninvoiced: number;
  mismatched: number;
}

export interface OrderLineVariance {
  line: string;
  ordered: number;
  shipped: number;
  invoiced: number;
  credited: number;
  /** shipped − ordered; invoiced − shipped. */
  shipVariance: number;
  invoiceVariance: number;
}

export interface PurchaseLineTotals {
  lines: number;
  ordered: number;
  received: number;
  invoiced: number;
  receivedLines: number;
  invoicedLines: number;
  /** Received lines whose received quantity differs from the ordered one. */
  receiptVarianceLines: number;
  mismatchedLines: number;
  flaggedLines: number;
  /** Lines flagged Invoice Mismatched without a quantity mismatch, or mismatched without the flag. */
  unexplainedLines: number;
}

export interface PurchaseLineVariance {
  line: string;
  sku: string | null;
  ordered: number | null;
  received: number;
  invoiced: number;
  receiptVariance: number | null;
  invoiceVariance: number;
  flagged: boolean;
}

export interface StockPosition {
  warehouse: string;
  putAway: number;
  allocated: number;
  shipped: number;
  adjustments: number;
  adjustmentCount: number;
  shrinkage: number;
  found: number;
  /** putAway − allocated + adjustments: the book's change over the log, from an opening balance the log does not hold. */
  bookMovement: number;
}

export interface StockTotals {
  warehouses: number;
  adjustmentCount: number;
  adjustments: number;
  shrinkage: number;
  found: number;
}

export interface StockVariance {
  at: string;
  warehouse: string;
  sku: string | null;
  quantity: number;
}

export interface ReconciliationOptions {
  /** Variances listed per section (1 – 100000); default 100. */
  limit?: number;
  orderLines?: {
    lineKeys?: string[];
    shipmentKeys?: string[];
    shippedActivities?: string[];
    invoiceActivities?: string[];
    creditActivities?: string[];
    orderedAttribute?: string;
    shippedAttribute?: string;
    invoicedAttribute?: string;
  };
  purchaseLines?: {
    lineKeys?: string[];
    receiptActivities?: string[];
    invoiceActivities?: string[];
    mismatchActivities?: string[];
    orderedAttribute?: string;
    receivedAttribute?: string;
    invoicedAttribute?: string;
    skuAttribute?: string;
  };
  stock?: {
    warehouseAttribute?: string;
    skuAttribute?: string;
    putAwayActivities?: string[];
    putAwayAttribute?: string;
    allocationActivities?: string[];
    allocatedAttribute?: string;
    shippedActivities?: string[];
    shippedAttribute?: string;
    adjustmentActivities?: string[];
    adjustedAttribute?: string;
  };
}

export const DEFAULT_RECONCILIATION_LIMIT = 100;

/** The parameters a statement uses: DuckDB refuses to bind one it does not name. */
function used(sql: string, params: Params): Params {
  return Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
}

/** Typed rows of a query (the result interfaces are plain JSON-safe values). */
async function rows<T>(connection: DuckDBConnection, sql: string, params: Params): Promise<T[]> {
  return (await queryRows(connection, sql, used(sql, params))) as unknown as T[];
}

async function one<T>(connection: DuckDBConnection, sql: string, params: Params): Promise<T | undefined> {
  return (await queryRow(connection, sql, used(sql, params))) as unknown as T | undefined;
}

interface Source {
  connection: DuckDBConnection;
  tables: LogTables;
  params: Params;
  /** SQL relation `(event_no, activity, ts)` of the events reconciled, to be joined with the attribute table. */
  events: string;
  activities: Set<string>;
  /** Whether `events` are all the events of a linked log (unfiltered), so a case notion's own events may stand for them. */
  linked: boolean;
}

/** Reconciles the quantities of a log (see `Reconciliation`). */
export async function getReconciliation(store: Store, log: string, filter: Filter = {}, options: ReconciliationOptions = {}): Promise<Reconciliation> {
  checkWholeNumber(options.limit, 'limit', 1, 100_000);
  return withConnection(store, async (connection) => {
    const found = await findLog(connection, log);
    if (!found) throw new UnknownLogError(log);
    const compiled = compileFilter(filter, { logId: found.id, attributes: found.attributes });
    let source: Source;
    if (found.objectTypes !== null && compiled.restricts) {
      const notions = found.objectTypes.map((type) => JSON.stringify(`${found.name}@${type}`)).join(', ');
      throw new OptionError(`a filter keeps cases, and the linked log ${JSON.stringify(found.name)} has none: filter one of its case notions ${notions}`);
    }
    const parent = found.parent === null ? null : (await findLog(connection, found.parent))!;
    if ((found.objectTypes !== null || parent !== null) && !compiled.restricts) {
      // All the linked log's events (a case notion, unfiltered, stands for its parent).
      const base = parent ?? found;
      const params: Params = { rlog: base.id };
      source = {
        connection,
        tables: await logTables(connection, base.id),
        params,
        events: `(SELECT event_no, activity, ts FROM object_events WHERE log_id = $rlog)`,
        activities: new Set((await queryRows<{ name: string }>(connection, `SELECT DISTINCT activity AS name FROM object_events WHERE log_id = $rlog`, params)).map((r) => r.name)),
        linked: true,
      };
    } else {
      // The filtered cases' events; of a case notion once each (an event may name several of its objects), read with the linked log's attributes.
      const params: Params = { log: found.id, ...compiled.params };
      source = {
        connection,
        tables: await logTables(connection, (parent ?? found).id),
        params,
        events: `(SELECT ${parent === null ? '' : 'DISTINCT '}e.event_no, act.name AS activity, e.ts FROM cases c JOIN events e ON e.log_id = $log AND e.case_id = c.case_id
                  JOIN activities act ON act.log_id = $log AND act.activity_id = e.activity_id WHERE c.log_id = $log AND ${compiled.caseWhere})`,
        activities: new Set((await queryRows<{ name: string }>(connection, `SELECT name FROM activities WHERE log_id = $log`, { log: found.id })).map((r) => r.name)),
        linked: false,
      };
    }
    const limit = options.limit ?? DEFAULT_RECONCILIATION_LIMIT;
    // The three sections share nothing: each runs on a connection of its own, at the same time, so one
    // section's single-threaded steps overlap another's parallel ones (temp tables are per connection).
    const onItsOwn = <T>(section: (source: Source) => Promise<T>) => withConnection(store, (own) => section({ ...source, connection: own }));
    const [orderLineSection, purchaseLineSection, stockSection] = await Promise.all([
      onItsOwn((s) => orderLines(s, options.orderLines ?? {}, limit)),
      onItsOwn((s) => purchaseLines(s, options.purchaseLines ?? {}, limit)),
      onItsOwn((s) => stock(s, options.stock ?? {}, limit)),
    ]);
    return { log, orderLines: orderLineSection, purchaseLines: purchaseLineSection, stock: stockSection };
  });
}

/** Collects what a section lacks; binds activity-name lists. */
class Needs {
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

function notComputable<T>(needs: Needs, extra: T): Section<never, never> & T {
  return { computable: false, reason: needs.reason, totals: null, variances: [], ...extra };
}

async function orderLines(source: Source, o: NonNullable<ReconciliationOptions['orderLines']>, limit: number): Promise<Reconciliation['orderLines']> {
  const needs = new Needs(source);
  const line = needs.keySource(o.lineKeys ?? [...KEYS.orderLine], 'line_key', 'order lines');
  const shipment = needs.keySource(o.shipmentKeys ?? [...KEYS.shipment], 'shipment_key', 'shipments');
  const shippedActs = needs.activities(o.shippedActivities ?? [ORDER.shipped]);
  const invoiceActs = needs.activities(o.invoiceActivities ?? ['Invoiced']);
  const creditActs = needs.activities(o.creditActivities ?? [ORDER.creditMemo], true);
  const ordered = needs.number(o.orderedAttribute ?? QUANTITY.ordered);
  const shipped = needs.number(o.shippedAttribute ?? QUANTITY.shipped);
  const invoiced = needs.number(o.invoicedAttribute ?? QUANTITY.invoiced);
  if (needs.missing.length > 0) return notComputable(needs, { shipments: null });
  const params = { ...source.params, ...needs.params, limit };
  const run = (sql: string) => source.connection.run(sql, used(sql, params));
  // Each step once, into temp tables of this connection (closed with it): the totals and the list then read small tables.
  // Events, attribute rows and object links are each read filtered on their own, then joined; objects are
  // matched by their id (a case notion's integer case id), named only for the lines listed.
  const quantities = `${ordered} AS ordered, ${shipped} AS shipped, ${invoiced} AS invoiced`;
  // Each event's kind, judged once (true, or false/NULL: neither counts in a FILTER).
  const kinds = (activity: string) => `${activity} IN (${shippedActs}) AS is_shipped, ${activity} IN (${creditActs}) AS is_credit`;
  await run(
    line.column !== undefined
      ? // An attribute key: its non-null rows first, then their events.
        `CREATE OR REPLACE TEMP TABLE rec_line_events AS SELECT key AS line, ${kinds('activity')}, ordered, shipped, invoiced, event_no FROM (${needs.events(quantities, line.idRelation)}
         WHERE ev.activity IN (${shippedActs}, ${creditActs}) OR ${ordered} IS NOT NULL)`
      : line.keyedEvents !== undefined && source.linked
        ? // A case notion of the linked log: its own events already carry the line (as case) and the activity.
          `CREATE OR REPLACE TEMP TABLE rec_line_events AS
           WITH qa AS (SELECT a.waybill_event_no AS event_no, ${quantities} FROM ${needs.attributes}
                       WHERE ${ordered} IS NOT NULL OR ${shipped} IS NOT NULL OR ${invoiced} IS NOT NULL)
           SELECT k.key AS line, ${kinds('k.activity')}, qa.ordered, qa.shipped, qa.invoiced, k.event_no FROM ${line.keyedEvents} k LEFT JOIN qa USING (event_no)
           WHERE k.activity IN (${shippedActs}, ${creditActs}) OR qa.ordered IS NOT NULL`
        : // Objects: the events with their quantity rows (narrowed first), then their objects by id.
          `CREATE OR REPLACE TEMP TABLE rec_line_events AS
           WITH qa AS (SELECT a.waybill_event_no AS event_no, ${quantities} FROM ${needs.attributes}
                       WHERE ${ordered} IS NOT NULL OR ${shipped} IS NOT NULL OR ${invoiced} IS NOT NULL),
                le AS (SELECT ev.event_no, ev.activity, qa.ordered, qa.shipped, qa.invoiced FROM ${source.events} ev LEFT JOIN qa USING (event_no)
                       WHERE ev.activity IN (${shippedActs}, ${creditActs}) OR qa.ordered IS NOT NULL)
           SELECT k.key AS line, ${kinds('le.activity')}, le.ordered, le.shipped, le.invoiced, le.event_no FROM le JOIN ${line.idRelation} k ON k.event_no = le.event_no`,
  );
  await run(`CREATE OR REPLACE TEMP TABLE rec_line_shipments AS
             WITH le AS (SELECT line, shipped, event_no FROM rec_line_events WHERE is_shipped)
             SELECT le.line, s.key AS shipment, sum(le.shipped) AS shipped FROM le JOIN ${shipment.idRelation} s ON s.event_no = le.event_no GROUP BY ALL`);
  await run(`CREATE OR REPLACE TEMP TABLE rec_shipments AS
             WITH inv AS (${
               shipment.keyedEvents !== undefined && source.linked
                 ? `SELECT k.event_no FROM ${shipment.keyedEvents} k WHERE k.activity IN (${invoiceActs})`
                 : `SELECT ev.event_no FROM ${source.events} ev WHERE ev.activity IN (${invoiceActs})`
             }),
                  qa AS (SELECT a.waybill_event_no AS event_no, ${invoiced} AS invoiced FROM ${needs.attributes} WHERE a.waybill_event_no IN (SELECT event_no FROM inv)),
                  si AS (SELECT s.key AS shipment, sum(qa.invoiced) AS invoiced FROM inv LEFT JOIN qa USING (event_no) JOIN ${shipment.idRelation} s ON s.event_no = inv.event_no GROUP BY ALL)
             SELECT shipment, sh.shipped, si.invoiced FROM (SELECT shipment, sum(shipped) AS shipped FROM rec_line_shipments GROUP BY ALL) sh
             FULL JOIN si USING (shipment)`);
  await run(`CREATE OR REPLACE TEMP TABLE rec_line_facts AS
             WITH line_invoiced AS (SELECT ls.line, sum(ls.shipped * sh.invoiced / nullif(sh.shipped, 0)) AS invoiced
                                    FROM rec_line_shipments ls JOIN rec_shipments sh USING (shipment) WHERE sh.invoiced IS NOT NULL GROUP BY ls.line),
                  lines AS (SELECT line, max(ordered) AS ordered, coalesce(sum(shipped) FILTER (WHERE is_shipped), 0) AS shipped,
                                   coalesce(sum(invoiced) FILTER (WHERE is_credit), 0) AS credited
                            FROM rec_line_events GROUP BY line HAVING max(ordered) IS NOT NULL)
             SELECT l.line, l.ordered, l.shipped, coalesce(i.invoiced, 0) AS invoiced, l.credited,
                    l.shipped - l.ordered AS ship_variance, coalesce(i.invoiced, 0) - l.shipped AS invoice_variance
             FROM lines l LEFT JOIN line_invoiced i USING (line)`);
  const totals = (await one<OrderLineTotals>(
    source.connection,
    `SELECT count(*)::BIGINT AS lines, coalesce(sum(ordered), 0)::DOUBLE AS ordered, coalesce(sum(shipped), 0)::DOUBLE AS shipped,
            coalesce(sum(invoiced), 0)::DOUBLE AS invoiced, coalesce(sum(credited), 0)::DOUBLE AS credited,
            count(*) FILTER (WHERE ship_variance < 0)::BIGINT AS "shortShippedLines", count(*) FILTER (WHERE ship_variance > 0)::BIGINT AS "overShippedLines",
            count(*) FILTER (WHERE invoice_variance < 0)::BIGINT AS "underInvoicedLines", count(*) FILTER (WHERE invoice_variance > 0)::BIGINT AS "overInvoicedLines",
            count(*) FILTER (WHERE ship_variance <> 0 OR invoice_variance <> 0)::BIGINT AS "varianceLines"
     FROM rec_line_facts`,
    params,
  ))!;
  const shipments = (await one<ShipmentTotals>(
    source.connection,
    `SELECT count(*)::BIGINT AS shipments, coalesce(sum(shipped), 0)::DOUBLE AS shipped, coalesce(sum(invoiced), 0)::DOUBLE AS invoiced,
            count(*) FILTER (WHERE invoiced IS NULL)::BIGINT AS uninvoiced,
            count(*) FILTER (WHERE invoiced IS NOT NULL AND invoiced IS DISTINCT FROM shipped)::BIGINT AS mismatched
     FROM rec_shipments`,
    params,
  ))!;
  const variances = await rows<OrderLineVariance>(
    source.connection,
    `WITH v AS (SELECT ${line.names === undefined ? 'f.line' : 'n.name'} AS line, f.ordered, f.shipped, f.invoiced, f.credited, f.ship_variance, f.invoice_variance
                FROM rec_line_facts f ${line.names === undefined ? '' : `JOIN ${line.names} n ON n.key = f.line`} WHERE f.ship_variance <> 0 OR f.invoice_variance <> 0)
     SELECT line, ordered, shipped, invoiced, credited, ship_variance AS "shipVariance", invoice_variance AS "invoiceVariance" FROM v
     ORDER BY abs(ship_variance) + abs(invoice_variance) DESC, line LIMIT $limit`,
    params,
  );
  return { computable: true, reason: null, totals, variances, shipments };
}

async function purchaseLines(source: Source, o: NonNullable<ReconciliationOptions['purchaseLines']>, limit: number): Promise<Reconciliation['purchaseLines']> {
  const needs = new Needs(source);
  const line = needs.keySource(o.lineKeys ?? [...KEYS.purchaseLine], 'po_line_key', 'PO lines');
  const receiptActs = needs.activities(o.receiptActivities ?? [PURCHASE.goodsReceived]);
  const invoiceActs = needs.activities(o.invoiceActivities ?? [PURCHASE.invoiceMatched, PURCHASE.invoiceMismatched]);
  const mismatchActs = needs.activities(o.mismatchActivities ?? [PURCHASE.invoiceMismatched], true);
  const ordered = needs.number(o.orderedAttribute ?? QUANTITY.ordered);
  const received = needs.number(o.receivedAttribute ?? QUANTITY.received);
  const invoiced = needs.number(o.invoicedAttribute ?? QUANTITY.invoiced);
  const sku = needs.optionalText(o.skuAttribute ?? ATTRIBUTES.sku);
  if (needs.missing.length > 0) return notComputable(needs, { bySku: [], trend: [] });
  const params = { ...source.params, ...needs.params, limit };
  const columns = `${ordered} AS ordered, ${received} AS received, ${invoiced} AS invoiced, ${sku} AS sku`;
  const base = `
    WITH ev AS (${
      line.keyedEvents !== undefined && line.names !== undefined && source.linked
        ? // A case notion of the linked log: its own events, named by their case, without the linked log's events.
          `SELECT n.name AS key, k.event_no, k.activity, k.ts, ${columns} FROM ${line.keyedEvents} k JOIN ${line.names} n ON n.key = k.key
           LEFT JOIN ${needs.attributes} ON a.waybill_event_no = k.event_no`
        : needs.events(columns, line.relation)
    }),
         lines AS (SELECT ev.key AS line, any_value(ev.sku) FILTER (WHERE ev.sku IS NOT NULL) AS sku, max(ev.ordered) AS ordered,
                          count(*) FILTER (WHERE ev.activity IN (${receiptActs})) > 0 AS is_received,
                          coalesce(sum(ev.received) FILTER (WHERE ev.activity IN (${receiptActs})), 0) AS received,
                          count(*) FILTER (WHERE ev.activity IN (${invoiceActs})) > 0 AS is_invoiced,
                          coalesce(sum(ev.invoiced) FILTER (WHERE ev.activity IN (${invoiceActs})), 0) AS invoiced,
                          max(ev.ts) FILTER (WHERE ev.activity IN (${invoiceActs})) AS invoiced_at,
                          coalesce(bool_or(ev.activity IN (${mismatchActs})), false) AS flagged
                   FROM ev GROUP BY ev.key),
         facts AS (SELECT *, is_invoiced AND invoiced <> received AS mismatched,
                          CASE WHEN is_received THEN received - ordered END AS receipt_variance, invoiced - received AS invoice_variance FROM lines)`;
  const materialize = `CREATE OR REPLACE TEMP TABLE rec_po_facts AS ${base} SELECT * FROM facts`;
  await source.connection.run(materialize, used(materialize, params));
  const totals = (await one<PurchaseLineTotals>(
    source.connection,
    `SELECT count(*)::BIGINT AS lines, coalesce(sum(ordered), 0)::DOUBLE AS ordered, coalesce(sum(received), 0)::DOUBLE AS received,
                    coalesce(sum(invoiced), 0)::DOUBLE AS invoiced, count(*) FILTER (WHERE is_received)::BIGINT AS "receivedLines",
                    count(*) FILTER (WHERE is_invoiced)::BIGINT AS "invoicedLines", count(*) FILTER (WHERE receipt_variance <> 0)::BIGINT AS "receiptVarianceLines",
                    count(*) FILTER (WHERE mismatched)::BIGINT AS "mismatchedLines", count(*) FILTER (WHERE flagged)::BIGINT AS "flaggedLines",
                    count(*) FILTER (WHERE flagged <> mismatched)::BIGINT AS "unexplainedLines"
             FROM rec_po_facts`,
    params,
  ))!;
  const bySku = await rows<Reconciliation['purchaseLines']['bySku'][number]>(
    source.connection,
    `SELECT coalesce(sku, '') AS sku, count(*)::BIGINT AS lines, count(*) FILTER (WHERE is_invoiced)::BIGINT AS "invoicedLines",
                    count(*) FILTER (WHERE mismatched)::BIGINT AS "mismatchedLines", count(*) FILTER (WHERE receipt_variance < 0)::BIGINT AS "receivedShortLines"
             FROM rec_po_facts GROUP BY 1 HAVING count(*) FILTER (WHERE mismatched) > 0 ORDER BY "mismatchedLines" DESC, sku LIMIT $limit`,
    params,
  );
  const trend = await rows<Reconciliation['purchaseLines']['trend'][number]>(
    source.connection,
    `SELECT strftime(date_trunc('week', timezone('UTC', invoiced_at)), '%Y-%m-%d') AS week, count(*)::BIGINT AS "invoicedLines",
                    count(*) FILTER (WHERE mismatched)::BIGINT AS "mismatchedLines", coalesce(sum(invoice_variance), 0)::DOUBLE AS "invoiceVarianceUnits"
             FROM rec_po_facts WHERE is_invoiced GROUP BY 1 ORDER BY 1`,
    params,
  );
  const variances = await rows<PurchaseLineVariance>(
    source.connection,
    `SELECT line, sku, ordered, received, invoiced, receipt_variance AS "receiptVariance", invoice_variance AS "invoiceVariance", flagged
             FROM rec_po_facts WHERE mismatched OR flagged ORDER BY abs(invoice_variance) DESC, line LIMIT $limit`,
    params,
  );
  return { computable: true, reason: null, totals, variances, bySku, trend };
}

async function stock(source: Source, o: NonNullable<ReconciliationOptions['stock']>, limit: number): Promise<Reconciliation['stock']> {
  const needs = new Needs(source);
  const warehouse = needs.text(o.warehouseAttribute ?? ATTRIBUTES.warehouse);
  const sku = needs.optionalText(o.skuAttribute ?? ATTRIBUTES.sku);
  const putAwayActs = needs.activities(o.putAwayActivities ?? [PURCHASE.putAway]);
  const allocationActs = needs.activities(o.allocationActivities ?? [ORDER.lineAllocated, ORDER.backorderAllocated]);
  const shippedActs = needs.activities(o.shippedActivities ?? [ORDER.shipped], true);
  const adjustmentActs = needs.activities(o.adjustmentActivities ?? [PURCHASE.cycleCountAdjusted]);
  const putAway = needs.number(o.putAwayAttribute ?? QUANTITY.received);
  const allocated = needs.number(o.allocatedAttribute ?? QUANTITY.allocated);
  const shipped = shippedActs === 'NULL' ? 'NULL' : needs.number(o.shippedAttribute ?? QUANTITY.shipped);
  const adjusted = needs.number(o.adjustedAttribute ?? QUANTITY.adjusted);
  if (needs.missing.length > 0) return notComputable(needs, { warehouses: [], trend: [] });
  const params = { ...source.params, ...needs.params, limit };
  const stockEvents = (activities: string) => `
    WITH ev AS (${needs.events(`${warehouse} AS warehouse, ${sku} AS sku,
                                CASE WHEN ev.activity IN (${putAwayActs}) THEN ${putAway} END AS put_away,
                                CASE WHEN ev.activity IN (${allocationActs}) THEN ${allocated} END AS allocated,
                                CASE WHEN ev.activity IN (${shippedActs}) THEN ${shipped} END AS shipped,
                                CASE WHEN ev.activity IN (${adjustmentActs}) THEN ${adjusted} END AS adjusted`)}
                WHERE ev.activity IN (${activities}))`;
  // The positions aggregate the events in one pass; only the adjustments (few) are kept for the trend and the list.
  const positions = `${stockEvents(`${putAwayActs}, ${allocationActs}, ${shippedActs}, ${adjustmentActs}`)} SELECT warehouse, coalesce(sum(put_away), 0)::DOUBLE AS "putAway", coalesce(sum(allocated), 0)::DOUBLE AS allocated,
                    coalesce(sum(shipped), 0)::DOUBLE AS shipped, coalesce(sum(adjusted), 0)::DOUBLE AS adjustments,
                    count(*) FILTER (WHERE adjusted <> 0)::BIGINT AS "adjustmentCount",
                    coalesce(-sum(adjusted) FILTER (WHERE adjusted < 0), 0)::DOUBLE AS shrinkage, coalesce(sum(adjusted) FILTER (WHERE adjusted > 0), 0)::DOUBLE AS found,
                    (coalesce(sum(put_away), 0) - coalesce(sum(allocated), 0) + coalesce(sum(adjusted), 0))::DOUBLE AS "bookMovement"
             FROM ev WHERE warehouse IS NOT NULL GROUP BY warehouse ORDER BY warehouse`;
  const warehouses = await rows<StockPosition>(source.connection, positions, params);
  const materialize = `CREATE OR REPLACE TEMP TABLE rec_stock_adjustments AS ${stockEvents(adjustmentActs)} SELECT ts, warehouse, sku, adjusted FROM ev WHERE adjusted IS NOT NULL AND adjusted <> 0`;
  await source.connection.run(materialize, used(materialize, params));
  const adjustments = 'rec_stock_adjustments';
  const totals: StockTotals = {
    warehouses: warehouses.length,
    adjustmentCount: warehouses.reduce((s, w) => s + w.adjustmentCount, 0),
    adjustments: warehouses.reduce((s, w) => s + w.adjustments, 0),
    shrinkage: warehouses.reduce((s, w) => s + w.shrinkage, 0),
    found: warehouses.reduce((s, w) => s + w.found, 0),
  };
  const trend = await rows<Reconciliation['stock']['trend'][number]>(
    source.connection,
    `SELECT strftime(date_trunc('week', timezone('UTC', ts)), '%Y-%m-%d') AS week, warehouse, count(*)::BIGINT AS adjustments,
                    sum(adjusted)::DOUBLE AS units, coalesce(-sum(adjusted) FILTER (WHERE adjusted < 0), 0)::DOUBLE AS shrinkage,
                    coalesce(sum(adjusted) FILTER (WHERE adjusted > 0), 0)::DOUBLE AS found
             FROM ${adjustments} WHERE warehouse IS NOT NULL GROUP BY ALL ORDER BY week, warehouse`,
    params,
  );
  const variances = await rows<StockVariance>(
    source.connection,
    `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, warehouse, sku, adjusted::DOUBLE AS quantity FROM ${adjustments}
             ORDER BY abs(adjusted) DESC, ts, warehouse, sku LIMIT $limit`,
    params,
  );
  return { computable: true, reason: null, totals, variances, warehouses, trend };
}
