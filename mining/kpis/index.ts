import { type Store, withConnection } from '../../store/db.ts';
import { runAnalysis } from '../analysis.ts';
import { OptionError, checkWholeNumber } from '../errors.ts';
import type { Filter } from '../filter/index.ts';
import { kpiContext } from './context.ts';
import { creditTurnaround } from './credit-turnaround.ts';
import { exceptionRate } from './exception-rate.ts';
import { KPI_DEFAULTS } from './fields.ts';
import { fillRate } from './fill-rate.ts';
import { orderCycleTime } from './order-cycle-time.ts';
import { otif } from './otif.ts';
import { computeOutcomes } from './outcomes.ts';
import { perfectOrderRate } from './perfect-order.ts';
import { receiptToAvailable } from './receipt-to-available.ts';
import { touchlessRate } from './touchless.ts';

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

export { getTouchlessOrders, type TouchlessOrders } from './touchless.ts';
