/**
 * The plain-SQL floor for the linked analyses: Waybill's KPIs on the order notion
 * (`distributor@order`, see mining/kpis) and its reconciliation (mining/reconciliation),
 * written directly on the simulated distributor's three CSV files as loaded by
 * `read_csv`, the way an analyst would write them in DuckDB. Ties in timestamp are
 * broken by file order (orders.csv before shipments.csv, then row), as the linked log does.
 */

/** Loads the three streams as `orders_raw`, `purchasing_raw` and `shipments_raw`; the paths are SQL string literals. */
export const FLOOR_LINKED_INGEST = (orders: string, purchasing: string, shipments: string): string[] => [
  `CREATE OR REPLACE TABLE orders_raw AS SELECT * FROM read_csv(${orders}, header = true)`,
  `CREATE OR REPLACE TABLE purchasing_raw AS SELECT * FROM read_csv(${purchasing}, header = true)`,
  `CREATE OR REPLACE TABLE shipments_raw AS SELECT * FROM read_csv(${shipments}, header = true)`,
];

const sqlList = (values: readonly string[]) => values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');

/** The distributor's exception activities and the office people whose touch makes an order manual (the KPI defaults). */
const EXCEPTIONS = ['Pricing Discrepancy', 'Credit Hold', 'Backordered', 'Substitution', 'Short Pick'];
const MANUAL_PREFIXES = ['sales.rep', 'orderdesk.clerk', 'pricing.analyst', 'credit.analyst'];

/**
 * Every event of an order: the order stream's rows and the carrier's rows naming
 * the order (a return case's rows name their order too). `(ts, file, rn)` orders
 * them. The carrier rows name lines (order_line_ids) but carry no quantities.
 */
const ORDER_EVENTS = `
  SELECT order_id, activity, "timestamp" AS ts, 0 AS file, rowid AS rn, resource, order_line_id, shipment_id,
         quantity_ordered, quantity_allocated, quantity_shipped, quantity_invoiced, promised_date
  FROM orders_raw WHERE order_id IS NOT NULL
  UNION ALL
  SELECT order_id, activity, "timestamp", 2, rowid, resource, NULL, shipment_id, NULL, NULL, NULL, NULL, NULL
  FROM shipments_raw WHERE order_id IS NOT NULL`;

/** Orders are the orders with an Order Captured (returns and carrier rows alone do not make one). */
const IS_ORDER = `bool_or(activity = 'Order Captured')`;

/** Order cycle time: per order, the first Order Captured to the first Payment Received after it; median over the orders with both. */
const ORDER_CYCLE_TIME = `
  WITH e AS (${ORDER_EVENTS}),
       a AS (SELECT order_id, min((ts, file, rn)) AS first_a FROM e WHERE activity = 'Order Captured' GROUP BY order_id),
       b AS (SELECT e.order_id, min(e.ts) AS first_b FROM e JOIN a USING (order_id)
             WHERE e.activity = 'Payment Received' AND (e.ts, e.file, e.rn) > a.first_a GROUP BY e.order_id),
       d AS (SELECT (epoch_ms(b.first_b) - epoch_ms(a.first_a[1])) / 1000 AS seconds FROM a JOIN b USING (order_id))
  SELECT count(*) AS orders, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90 FROM d`;

/** Touchless rate: completed orders (with Payment Received) with no exception and no event by a manual resource, over completed orders. */
const TOUCHLESS_RATE = `
  WITH e AS (${ORDER_EVENTS}),
       completed AS (SELECT order_id,
                            bool_or(activity IN (${sqlList(EXCEPTIONS)})
                                    OR coalesce(${MANUAL_PREFIXES.map((p) => `starts_with(resource, '${p}')`).join(' OR ')}, false)) AS touched
                     FROM e GROUP BY order_id HAVING ${IS_ORDER} AND bool_or(activity = 'Payment Received'))
  SELECT count(*) AS completed, count(*) FILTER (WHERE NOT touched) AS touchless FROM completed`;

/** Exception rate: orders with any exception activity, over orders; and the orders with each type. */
const EXCEPTION_RATE = `
  WITH e AS (${ORDER_EVENTS}),
       orders AS (SELECT order_id, ${EXCEPTIONS.map((x) => `bool_or(activity = '${x}') AS "${x}"`).join(', ')}
                  FROM e GROUP BY order_id HAVING ${IS_ORDER})
  SELECT count(*) AS orders, count(*) FILTER (WHERE ${EXCEPTIONS.map((x) => `"${x}"`).join(' OR ')}) AS exceptional,
         ${EXCEPTIONS.map((x) => `count(*) FILTER (WHERE "${x}") AS "${x}"`).join(', ')}
  FROM orders`;

/** Credit turnaround: each Credit Hold to the first Credit Released after it in the same order (any order, as Waybill's pair times); median over the released holds. */
const CREDIT_TURNAROUND = `
  WITH e AS (${ORDER_EVENTS}),
       holds AS (SELECT order_id, ts, file, rn FROM e WHERE activity = 'Credit Hold'),
       releases AS (SELECT order_id, ts, file, rn FROM e WHERE activity = 'Credit Released'),
       d AS (SELECT (epoch_ms(min(r.ts)) - epoch_ms(h.ts)) / 1000 AS seconds
             FROM holds h JOIN releases r ON r.order_id = h.order_id AND (r.ts, r.file, r.rn) > (h.ts, h.file, h.rn)
             GROUP BY h.file, h.rn, h.ts)
  SELECT count(*) AS pairs, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90 FROM d`;

/** Fill rate: units allocated on Line Allocated over units ordered, each order line's ordered quantity once (its largest), over the orders. */
const FILL_RATE = `
  WITH e AS (${ORDER_EVENTS}),
       oe AS (SELECT * FROM e WHERE order_id IN (SELECT order_id FROM e GROUP BY order_id HAVING ${IS_ORDER})),
       lines AS (SELECT order_id, order_line_id, max(quantity_ordered) AS ordered FROM oe
                 WHERE quantity_ordered IS NOT NULL AND order_line_id IS NOT NULL GROUP BY ALL)
  SELECT (SELECT sum(ordered) FROM lines)::DOUBLE AS units_ordered,
         (SELECT sum(quantity_allocated) FROM oe WHERE activity = 'Line Allocated')::DOUBLE AS units_allocated`;

/**
 * OTIF and perfect orders, over the judged orders (latest promised_date on or
 * before `judgedBy`). OTIF: every line's total shipped equals its ordered quantity,
 * and every shipment the order names has a Delivered before midnight UTC after the
 * promised date. Perfect: OTIF, no exception, no Delivery Failed on its shipments,
 * total invoiced (on Invoiced) equal to total shipped, no Return Requested.
 */
const ORDER_OUTCOMES = (judgedBy: string) => `
  WITH e AS (${ORDER_EVENTS}),
       judged AS (SELECT order_id, max(promised_date) AS promised, coalesce(sum(quantity_shipped), 0) AS shipped,
                         coalesce(sum(quantity_invoiced) FILTER (WHERE activity = 'Invoiced'), 0) AS invoiced,
                         bool_or(activity IN (${sqlList(EXCEPTIONS)})) AS exception, bool_or(activity = 'Return Requested') AS returned
                  FROM e GROUP BY order_id HAVING ${IS_ORDER} AND max(promised_date) <= DATE '${judgedBy}'),
       lines AS (SELECT order_id, order_line_id, max(quantity_ordered) AS ordered, coalesce(sum(quantity_shipped), 0) AS shipped
                 FROM e WHERE order_line_id IS NOT NULL GROUP BY ALL HAVING max(quantity_ordered) IS NOT NULL),
       in_full AS (SELECT order_id, bool_and(shipped = ordered) AS in_full FROM lines GROUP BY order_id),
       shipments AS (SELECT order_id, shipment_id, min(ts) FILTER (WHERE activity = 'Delivered') AS delivered,
                            bool_or(activity = 'Delivery Failed') AS failed
                     FROM e WHERE shipment_id IS NOT NULL GROUP BY ALL),
       ship_facts AS (SELECT s.order_id, bool_or(s.delivered IS NULL OR s.delivered >= timezone('UTC', j.promised + INTERVAL 1 DAY)) AS late,
                             bool_or(s.failed) AS failed
                      FROM shipments s JOIN judged j USING (order_id) GROUP BY s.order_id),
       outcome AS (SELECT coalesce(f.in_full, false) AND NOT coalesce(s.late, false) AS otif, j.exception,
                          coalesce(s.failed, false) AS failed, j.invoiced = j.shipped AS invoiced_in_full, j.returned
                   FROM judged j LEFT JOIN in_full f USING (order_id) LEFT JOIN ship_facts s USING (order_id))
  SELECT count(*) AS judged, count(*) FILTER (WHERE otif) AS otif,
         count(*) FILTER (WHERE otif AND NOT exception AND NOT failed AND invoiced_in_full AND NOT returned) AS perfect
  FROM outcome`;

/**
 * Receipt-to-available: each Goods Received to the first Put Away after it in the
 * same purchase order for the same PO line; median over the receipts put away.
 * (Orders name no receipts: on `distributor@order` Waybill reports this KPI not
 * computable; this is its answer on `distributor@purchase order`.)
 */
const RECEIPT_TO_AVAILABLE = `
  WITH e AS (SELECT po_id, po_line_id, activity, "timestamp" AS ts, rowid AS rn FROM purchasing_raw WHERE po_id IS NOT NULL AND po_line_id IS NOT NULL),
       d AS (SELECT (epoch_ms(min(p.ts)) - epoch_ms(g.ts)) / 1000 AS seconds
             FROM e g JOIN e p ON p.po_id = g.po_id AND p.po_line_id = g.po_line_id AND p.activity = 'Put Away' AND (p.ts, p.rn) > (g.ts, g.rn)
             WHERE g.activity = 'Goods Received' GROUP BY g.rn, g.ts)
  SELECT count(*) AS pairs, median(seconds) AS median, avg(seconds) AS mean, quantile_cont(seconds, 0.9) AS p90 FROM d`;

/**
 * The KPIs Waybill's getKpis computes on `distributor@order`, one statement each
 * (OTIF and perfect order share one): order cycle time, touchless rate, exception
 * rate (with each type), credit turnaround, fill rate, OTIF and perfect-order rate
 * (orders judged by `judgedBy`, YYYY-MM-DD), receipt-to-available.
 */
export const FLOOR_KPIS = (judgedBy: string): string[] => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(judgedBy)) throw new Error(`judgedBy must be a date YYYY-MM-DD, not ${JSON.stringify(judgedBy)}`);
  return [ORDER_CYCLE_TIME, TOUCHLESS_RATE, EXCEPTION_RATE, CREDIT_TURNAROUND, FILL_RATE, ORDER_OUTCOMES(judgedBy), RECEIPT_TO_AVAILABLE];
};

/**
 * Order lines and the shipments that carry them: a line's ordered quantity is its
 * largest, shipped the sum on Shipped, credited the sum invoiced on Credit Memo.
 * Invoices name a shipment, so a line's invoiced quantity is its shipped quantity
 * in each invoiced shipment × the shipment's invoiced ÷ shipped units.
 */
const ORDER_LINE_CTES = `
  line_events AS (SELECT order_line_id AS line, activity, shipment_id, quantity_ordered, quantity_shipped, quantity_invoiced
                  FROM orders_raw WHERE order_line_id IS NOT NULL),
  line_shipments AS (SELECT line, shipment_id, sum(quantity_shipped) AS shipped FROM line_events
                     WHERE activity = 'Shipped' AND shipment_id IS NOT NULL GROUP BY ALL),
  shipments AS (SELECT shipment_id, s.shipped, i.invoiced
                FROM (SELECT shipment_id, sum(shipped) AS shipped FROM line_shipments GROUP BY ALL) s
                FULL JOIN (SELECT shipment_id, sum(quantity_invoiced) AS invoiced FROM orders_raw
                           WHERE activity = 'Invoiced' AND shipment_id IS NOT NULL GROUP BY ALL) i USING (shipment_id))`;

/** Per order line, ordered vs shipped vs invoiced (and credited): totals and the lines with each variance. */
const ORDER_LINE_TOTALS = `
  WITH ${ORDER_LINE_CTES},
       line_invoiced AS (SELECT ls.line, sum(ls.shipped * sh.invoiced / nullif(sh.shipped, 0)) AS invoiced
                         FROM line_shipments ls JOIN shipments sh USING (shipment_id) WHERE sh.invoiced IS NOT NULL GROUP BY ls.line),
       lines AS (SELECT line, max(quantity_ordered) AS ordered, coalesce(sum(quantity_shipped) FILTER (WHERE activity = 'Shipped'), 0) AS shipped,
                        coalesce(sum(quantity_invoiced) FILTER (WHERE activity = 'Credit Memo'), 0) AS credited
                 FROM line_events GROUP BY line HAVING max(quantity_ordered) IS NOT NULL),
       facts AS (SELECT l.*, coalesce(i.invoiced, 0) AS invoiced, l.shipped - l.ordered AS ship_variance, coalesce(i.invoiced, 0) - l.shipped AS invoice_variance
                 FROM lines l LEFT JOIN line_invoiced i USING (line))
  SELECT count(*) AS lines, sum(ordered) AS ordered, sum(shipped) AS shipped, sum(invoiced) AS invoiced, sum(credited) AS credited,
         count(*) FILTER (WHERE ship_variance < 0) AS short_shipped_lines, count(*) FILTER (WHERE ship_variance > 0) AS over_shipped_lines,
         count(*) FILTER (WHERE invoice_variance < 0) AS under_invoiced_lines, count(*) FILTER (WHERE invoice_variance > 0) AS over_invoiced_lines,
         count(*) FILTER (WHERE ship_variance <> 0 OR invoice_variance <> 0) AS variance_lines
  FROM facts`;

/** Per shipment, shipped (its lines' Shipped quantities) vs invoiced: totals, uninvoiced and mismatched shipments. */
const SHIPMENT_TOTALS = `
  WITH ${ORDER_LINE_CTES}
  SELECT count(*) AS shipments, coalesce(sum(shipped), 0) AS shipped, coalesce(sum(invoiced), 0) AS invoiced,
         count(*) FILTER (WHERE invoiced IS NULL) AS uninvoiced,
         count(*) FILTER (WHERE invoiced IS NOT NULL AND invoiced IS DISTINCT FROM shipped) AS mismatched
  FROM shipments`;

/** The three-way match per PO line: ordered vs received (Goods Received) vs invoiced (Invoice Matched / Mismatched), and the Invoice Mismatched flag. */
const PURCHASE_LINE_TOTALS = `
  WITH lines AS (SELECT po_line_id AS line, max(quantity_ordered) AS ordered,
                        bool_or(activity = 'Goods Received') AS is_received,
                        coalesce(sum(quantity_received) FILTER (WHERE activity = 'Goods Received'), 0) AS received,
                        bool_or(activity IN ('Invoice Matched', 'Invoice Mismatched')) AS is_invoiced,
                        coalesce(sum(quantity_invoiced) FILTER (WHERE activity IN ('Invoice Matched', 'Invoice Mismatched')), 0) AS invoiced,
                        bool_or(activity = 'Invoice Mismatched') AS flagged
                 FROM purchasing_raw WHERE po_line_id IS NOT NULL GROUP BY po_line_id),
       facts AS (SELECT *, is_invoiced AND invoiced <> received AS mismatched, CASE WHEN is_received THEN received - ordered END AS receipt_variance FROM lines)
  SELECT count(*) AS lines, sum(ordered) AS ordered, sum(received) AS received, sum(invoiced) AS invoiced,
         count(*) FILTER (WHERE is_received) AS received_lines, count(*) FILTER (WHERE is_invoiced) AS invoiced_lines,
         count(*) FILTER (WHERE receipt_variance <> 0) AS receipt_variance_lines, count(*) FILTER (WHERE mismatched) AS mismatched_lines,
         count(*) FILTER (WHERE flagged) AS flagged_lines, count(*) FILTER (WHERE flagged <> mismatched) AS unexplained_lines
  FROM facts`;

/** Stock movements: Put Away and cycle counts from purchasing, allocations and shipments from orders. */
const STOCK_EVENTS = `
  SELECT warehouse, activity, NULL::BIGINT AS put_away, quantity_allocated AS allocated, quantity_shipped AS shipped, NULL::BIGINT AS adjusted
  FROM orders_raw WHERE activity IN ('Line Allocated', 'Backorder Allocated', 'Shipped')
  UNION ALL
  SELECT warehouse, activity, quantity_received, NULL, NULL, quantity_adjusted
  FROM purchasing_raw WHERE activity IN ('Put Away', 'Cycle Count Adjusted')`;

/** Per warehouse: put away, allocated, shipped, count adjustments (with shrinkage and found), and the book movement put away − allocated + adjustments. */
const STOCK_POSITIONS = `
  WITH ev AS (${STOCK_EVENTS}),
       w AS (SELECT warehouse,
                    coalesce(sum(put_away) FILTER (WHERE activity = 'Put Away'), 0) AS put_away,
                    coalesce(sum(allocated) FILTER (WHERE activity IN ('Line Allocated', 'Backorder Allocated')), 0) AS allocated,
                    coalesce(sum(shipped) FILTER (WHERE activity = 'Shipped'), 0) AS shipped,
                    coalesce(sum(adjusted) FILTER (WHERE activity = 'Cycle Count Adjusted'), 0) AS adjustments,
                    count(*) FILTER (WHERE activity = 'Cycle Count Adjusted' AND adjusted <> 0) AS adjustment_count,
                    coalesce(-sum(adjusted) FILTER (WHERE activity = 'Cycle Count Adjusted' AND adjusted < 0), 0) AS shrinkage,
                    coalesce(sum(adjusted) FILTER (WHERE activity = 'Cycle Count Adjusted' AND adjusted > 0), 0) AS found
             FROM ev WHERE warehouse IS NOT NULL GROUP BY warehouse)
  SELECT *, put_away - allocated + adjustments AS book_movement FROM w ORDER BY warehouse`;

/** Count adjustments per week (Monday, UTC) and warehouse: how many, net units, shrinkage and found stock. */
const STOCK_ADJUSTMENTS_BY_WEEK = `
  SELECT strftime(date_trunc('week', timezone('UTC', "timestamp")), '%Y-%m-%d') AS week, warehouse, count(*) AS adjustments,
         sum(quantity_adjusted) AS units, coalesce(-sum(quantity_adjusted) FILTER (WHERE quantity_adjusted < 0), 0) AS shrinkage,
         coalesce(sum(quantity_adjusted) FILTER (WHERE quantity_adjusted > 0), 0) AS found
  FROM purchasing_raw
  WHERE activity = 'Cycle Count Adjusted' AND quantity_adjusted <> 0 AND warehouse IS NOT NULL
  GROUP BY ALL ORDER BY week, warehouse`;

/**
 * Waybill's reconciliation of the linked log: order lines ordered vs shipped vs
 * invoiced (and the shipments), the PO three-way match per PO line, and stock per
 * warehouse with the count adjustments by week.
 */
export const FLOOR_RECONCILIATION: string[] = [ORDER_LINE_TOTALS, SHIPMENT_TOTALS, PURCHASE_LINE_TOTALS, STOCK_POSITIONS, STOCK_ADJUSTMENTS_BY_WEEK];
