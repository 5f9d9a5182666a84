import { ATTRIBUTES, ORDER_ACTIVITIES as ORDER, ORDER_EXCEPTIONS, PURCHASE_ACTIVITIES as PURCHASE } from '../vocabulary.ts';

/**
 * An exception type: the events that are exceptions of it. An event is one when its
 * activity is among `activities` (if given) and its attribute `attribute.name` holds
 * one of `attribute.values` (if given); when both are given, both must hold.
 */
export interface ExceptionDefinition {
  type: string;
  activities?: string[];
  attribute?: { name: string; values: (string | number | boolean)[] };
}

/**
 * The distributor's exceptions (design.md's domain list) as the distribution logs
 * write them (datasets/distributor: ORDER_EXCEPTIONS in the order stream, the
 * purchasing and shipment streams' exception events; datasets/order-to-cash's
 * Inventory Shortage). A log gets, by default,
 * those whose activities (and attribute) it has. Supplier delay is not an event
 * in these logs (it is measured against a promised date), so it is not here.
 */
export const DISTRIBUTION_EXCEPTIONS: readonly ExceptionDefinition[] = [
  { type: 'Pricing discrepancy', activities: ['Pricing Discrepancy'] },
  { type: 'Credit hold', activities: [ORDER.creditHold] },
  { type: 'Inventory shortage', activities: ['Inventory Shortage'] },
  { type: 'Backorder', activities: ['Backordered'] },
  { type: 'Substitution', activities: ['Substitution'] },
  { type: 'Short pick', activities: ['Short Pick'] },
  { type: 'Return', activities: [ORDER.returnRequested] },
  { type: 'Receipt discrepancy', activities: [PURCHASE.goodsReceived], attribute: { name: ATTRIBUTES.discrepancy, values: ['over', 'short', 'damaged'] } },
  { type: 'Invoice mismatch', activities: [PURCHASE.invoiceMismatched] },
  { type: 'Delivery failed', activities: [ORDER.deliveryFailed] },
];

// Every order exception of the vocabulary has its type here.
for (const activity of ORDER_EXCEPTIONS) {
  if (!DISTRIBUTION_EXCEPTIONS.some((definition) => definition.activities?.includes(activity))) throw new Error(`the order exception ${activity} has no exception type`);
}

/** Case or event attributes that, when a log has them, are searched for drivers by default. */
export const DEFAULT_DRIVERS: readonly string[] = ['warehouse', 'supplier', 'channel', 'customer', 'carrier'];
