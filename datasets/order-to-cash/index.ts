/**
 * Synthetic order-to-cash logs of a distributor, seeded and reproducible:
 * `orderToCashEvents` yields the events (for any output format),
 * `writeOrderToCashCsv` streams them to a CSV file.
 */
export {
  ORDER_TO_CASH_COLUMNS,
  orderToCashEvents,
  type OrderToCashCsvSummary,
  type OrderToCashOptions,
  resolveOrderToCashOptions,
  type ResolvedOrderToCashOptions,
  writeOrderToCashCsv,
} from './generate.ts';
export {
  ACTIVITIES,
  type Activity,
  EDI_PRICING_DISCREPANCY_RATE,
  INVENTORY_SHORTAGE_RATE,
  type Order,
  ORDER_TO_CASH_STEPS,
  type OrderToCashEvent,
  type Step,
} from './process.ts';
export {
  CHANNELS,
  type Channel,
  type Customer,
  type CustomerTier,
  type PaymentBehaviour,
  type Sku,
  TIERS,
  type Warehouse,
  WAREHOUSE_SPECS,
} from './master-data.ts';
