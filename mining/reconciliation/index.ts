import { type Store, withConnection } from '../../store/db.ts';
import { checkWholeNumber } from '../errors.ts';
import type { Filter } from '../filter/index.ts';
import { reconciliationSource, type Source } from './context.ts';
import { orderLines } from './order-lines.ts';
import { purchaseLines } from './purchase-lines.ts';
import { stock } from './stock.ts';

export { type KeySource, type LogTables, logTables, resolveKey } from '../columns.ts';

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
  orderLines: Section<OrderLineTotals, OrderLineVariance> & { shipments: ShipmentTotals | null; lineType: LineType };
  purchaseLines: Section<PurchaseLineTotals, PurchaseLineVariance> & {
    lineType: LineType;
    bySku: { sku: string; lines: number; invoicedLines: number; mismatchedLines: number; receivedShortLines: number }[];
    trend: { week: string; invoicedLines: number; mismatchedLines: number; invoiceVarianceUnits: number }[];
  };
  stock: Section<StockTotals, StockVariance> & {
    warehouses: StockPosition[];
    trend: { week: string; warehouse: string; adjustments: number; units: number; shrinkage: number; found: number }[];
  };
}

/**
 * The object type the variance rows' lines are objects of, when the log links them as
 * objects: each line is then a case of that type's case notion (`<linked log>@<type>`),
 * whose timeline shows it. Null when lines are named by an attribute.
 */
export type LineType = string | null;

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

/** Reconciles the quantities of a log (see `Reconciliation`). */
export async function getReconciliation(store: Store, log: string, filter: Filter = {}, options: ReconciliationOptions = {}): Promise<Reconciliation> {
  checkWholeNumber(options.limit, 'limit', 1, 100_000);
  return withConnection(store, async (connection) => {
    const source = await reconciliationSource(connection, log, filter);
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
