import { csvRecord } from '../order-to-cash/csv.ts';

/**
 * The three CSV files and their columns. Each starts with `case_id` (the
 * stream's own object: order, PO or shipment) so that every file is also a
 * classic case-based log that `waybill ingest` maps without flags; the
 * business keys that link the streams follow as ordinary columns.
 */
export const ORDER_COLUMNS = [
  'case_id', 'order_id', 'activity', 'timestamp', 'resource', 'order_line_id', 'channel', 'customer', 'customer_tier',
  'sku', 'warehouse', 'quantity_ordered', 'quantity_allocated', 'quantity_shipped', 'quantity_invoiced', 'unit_price',
  'promised_date', 'shipment_id',
] as const;

/** Besides POs, the inventory side's stream holds cycle-count adjustments (case_id `CC-…`, no po_id), signed in `quantity_adjusted`. */
export const PURCHASING_COLUMNS = [
  'case_id', 'po_id', 'activity', 'timestamp', 'resource', 'po_line_id', 'supplier', 'sku', 'warehouse',
  'quantity_ordered', 'quantity_received', 'quantity_invoiced', 'unit_cost', 'discrepancy', 'approval_path', 'promised_date',
  'quantity_adjusted',
] as const;

export const SHIPMENT_COLUMNS = [
  'case_id', 'shipment_id', 'activity', 'timestamp', 'resource', 'carrier', 'warehouse', 'customer', 'order_id',
  'order_line_ids', 'units',
] as const;

export const STREAM_FILES = { orders: 'orders.csv', purchasing: 'purchasing.csv', shipments: 'shipments.csv' } as const;

/**
 * The business keys that link the three streams into one object-centric log, as
 * `waybill ingest … --object` reads them (`[]`: a column of ;-separated ids).
 */
export const LINKING_KEYS = ['order=order_id', 'order line=order_line_id', 'order line=order_line_ids[]', 'purchase order=po_id', 'PO line=po_line_id', 'shipment=shipment_id'] as const;
export type StreamName = keyof typeof STREAM_FILES;

/** Where rows go: a file writer, or a counter for a pilot run. */
export interface LineSink {
  append(text: string): void;
  /** Appends the record of the first `count` fields (joined by commas, ended by LF). */
  appendRow(fields: readonly string[], count: number): void;
}

export type Sinks = Record<StreamName, LineSink>;

/**
 * One CSV record of generated values, joined as they are: ids, numbers, ISO
 * times and fixed names never hold a comma, quote or line break, so the
 * RFC 4180 quoting check (a quarter of the generator's time) is skipped. The
 * tests assert that no file holds a quote.
 */
export function record(values: readonly string[]): string {
  return `${values.join(',')}\n`;
}

/** The header line of a stream's file. */
export function header(stream: StreamName): string {
  const columns = stream === 'orders' ? ORDER_COLUMNS : stream === 'purchasing' ? PURCHASING_COLUMNS : SHIPMENT_COLUMNS;
  return csvRecord(columns);
}
