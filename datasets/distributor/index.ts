/**
 * A simulated distributor with three linked event streams (order-to-cash,
 * procure-to-stock, shipments) and a ground-truth manifest of planted effects.
 * `writeDistributorCsv(dir, options)` writes the files; see `generate.ts`.
 */
export { DEFAULT_DAYS, type DistributorOptions, type DistributorSummary, resolveDistributorOptions, writeDistributorCsv } from './generate.ts';
export { type GroundTruth } from './ground-truth.ts';
export { DEFAULT_SCENARIO, loadScenario, mergeScenario, type Scenario, ScenarioError } from './scenario.ts';
export { LINKING_KEYS, ORDER_COLUMNS, PURCHASING_COLUMNS, SHIPMENT_COLUMNS, STREAM_FILES } from './columns.ts';
export { convertToParquet } from './formats/parquet.ts';
export { convertToOcel, OCEL_FILE } from './formats/ocel.ts';
