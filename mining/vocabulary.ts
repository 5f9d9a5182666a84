/**
 * The distribution vocabulary: the activity, attribute, key and resource names that
 * distribution logs use and the demo distributor (datasets/distributor) writes. The
 * KPIs, reconciliation and exception trends read them by default (a log's saved
 * settings or an option say otherwise), and the generator writes them, so there is
 * one list to change and none to keep in step. Free of the store and of any library.
 */

/** The order lifecycle's milestones, in the order stream. */
export const ORDER_ACTIVITIES = {
  captured: 'Order Captured',
  validated: 'Order Validated',
  creditHold: 'Credit Hold',
  creditReleased: 'Credit Released',
  lineAllocated: 'Line Allocated',
  shipped: 'Shipped',
  backorderAllocated: 'Backorder Allocated',
  delivered: 'Delivered',
  deliveryFailed: 'Delivery Failed',
  invoiced: 'Invoiced',
  paymentReceived: 'Payment Received',
  returnRequested: 'Return Requested',
  creditMemo: 'Credit Memo',
} as const;

/** The purchase order's milestones, in the purchasing stream. */
export const PURCHASE_ACTIVITIES = {
  goodsReceived: 'Goods Received',
  putAway: 'Put Away',
  invoiceMatched: 'Invoice Matched',
  invoiceMismatched: 'Invoice Mismatched',
  /** In the same stream, a cycle count's correction of stock (case `CC-…`). */
  cycleCountAdjusted: 'Cycle Count Adjusted',
} as const;

/** Activities that are exceptions in the order stream: an order with one is not touchless. */
export const ORDER_EXCEPTIONS = ['Pricing Discrepancy', ORDER_ACTIVITIES.creditHold, 'Backordered', 'Substitution', 'Short Pick'] as const;

/** Resource name prefixes of the office people whose touch makes an order manual. */
export const MANUAL_RESOURCE_PREFIXES = ['sales.rep', 'orderdesk.clerk', 'pricing.analyst', 'credit.analyst'] as const;

/** Quantity attributes, and the keys that name lines and shipments (a column, or a linked log's object type). */
export const QUANTITY_ATTRIBUTES = {
  ordered: 'quantity_ordered',
  allocated: 'quantity_allocated',
  shipped: 'quantity_shipped',
  invoiced: 'quantity_invoiced',
  received: 'quantity_received',
  adjusted: 'quantity_adjusted',
} as const;

export const KEYS = {
  orderLine: ['order_line_id', 'order line'],
  shipment: ['shipment_id', 'shipment'],
  purchaseLine: ['po_line_id', 'PO line'],
} as const;

export const ATTRIBUTES = {
  promisedDate: 'promised_date',
  orderId: 'order_id',
  sku: 'sku',
  warehouse: 'warehouse',
  discrepancy: 'discrepancy',
} as const;
