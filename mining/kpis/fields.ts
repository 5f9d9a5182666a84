import type { KpiId, KpiOptions } from './index.ts';
import { ATTRIBUTES, KEYS, MANUAL_RESOURCE_PREFIXES, ORDER_ACTIVITIES as ORDER, ORDER_EXCEPTIONS, PURCHASE_ACTIVITIES as PURCHASE, QUANTITY_ATTRIBUTES as QUANTITY } from '../vocabulary.ts';

// What each KPI reads from a log, and the distribution defaults. Free of the store and of
// any library, so the dashboard can import it to offer one control per setting.

/**
 * The KPI options a log can save (see mining/kpis/settings.ts): the activities,
 * attributes and resource prefixes each KPI reads. OTIF's judging date and horizon
 * are parameters of one run, not names of the log, so they are not saved.
 */
export type KpiSettings = Omit<KpiOptions, 'otif'> & { otif?: Omit<NonNullable<KpiOptions['otif']>, 'judgedPromisedBy' | 'horizonDays'> };

/** The distribution vocabulary's names (mining/vocabulary.ts): what a KPI reads unless a log's settings or the options say otherwise. */
export const KPI_DEFAULTS = {
  orderActivity: ORDER.captured,
  exceptionActivities: [...ORDER_EXCEPTIONS],
  manualResourcePrefixes: [...MANUAL_RESOURCE_PREFIXES],
  cycleTime: { start: ORDER.captured, end: ORDER.paymentReceived },
  touchless: { completedActivity: ORDER.paymentReceived },
  creditTurnaround: { from: ORDER.creditHold, to: ORDER.creditReleased },
  fillRate: { allocationActivities: [ORDER.lineAllocated], allocatedAttribute: QUANTITY.allocated, orderedAttribute: QUANTITY.ordered, lineKeys: [...KEYS.orderLine] },
  otif: {
    deliveredActivity: ORDER.delivered,
    promisedAttribute: ATTRIBUTES.promisedDate,
    orderedAttribute: QUANTITY.ordered,
    shippedAttribute: QUANTITY.shipped,
    lineKeys: [...KEYS.orderLine],
    shipmentKeys: [...KEYS.shipment],
  },
  perfectOrder: {
    invoiceActivities: [ORDER.invoiced],
    invoicedAttribute: QUANTITY.invoiced,
    failureActivities: [ORDER.deliveryFailed],
    returnActivities: [ORDER.returnRequested],
    returnOrderAttribute: ATTRIBUTES.orderId,
  },
  receiptToAvailable: { from: PURCHASE.goodsReceived, to: PURCHASE.putAway, matchKeys: [...KEYS.purchaseLine] },
} as const satisfies Required<{ [K in keyof KpiSettings]-?: Required<NonNullable<KpiSettings[K]>> }>;

/**
 * How a setting is chosen: `orders` an activity or every case (null); `activity` one
 * activity; `activities` several (none allowed where `optional`); `attribute` one
 * attribute; `key` an attribute or object type naming a business object (lines,
 * shipments), tried in order; `prefixes` resource-name prefixes (free text).
 */
export type KpiFieldKind = 'orders' | 'activity' | 'activities' | 'attribute' | 'key' | 'prefixes';

interface FieldInfo {
  label: string;
  kind: KpiFieldKind;
  /** For `activities`: whether an empty choice is meaningful (the log has none of them). */
  optional?: boolean;
}

export interface KpiField extends FieldInfo {
  /** Where the setting sits in KpiSettings, e.g. `cycleTime.start`. */
  path: KpiSettingPath;
}

const FIELDS = {
  orderActivity: { label: 'Orders are the cases with', kind: 'orders' },
  exceptionActivities: { label: 'Exception activities', kind: 'activities', optional: true },
  manualResourcePrefixes: { label: 'Manual resources (name prefixes)', kind: 'prefixes' },
  'cycleTime.start': { label: 'From', kind: 'activity' },
  'cycleTime.end': { label: 'To', kind: 'activity' },
  'touchless.completedActivity': { label: 'Completed when', kind: 'activity' },
  'creditTurnaround.from': { label: 'From', kind: 'activity' },
  'creditTurnaround.to': { label: 'To', kind: 'activity' },
  'fillRate.allocationActivities': { label: 'Allocation activities', kind: 'activities' },
  'fillRate.allocatedAttribute': { label: 'Allocated quantity', kind: 'attribute' },
  'fillRate.orderedAttribute': { label: 'Ordered quantity', kind: 'attribute' },
  'fillRate.lineKeys': { label: 'Order line', kind: 'key' },
  'otif.deliveredActivity': { label: 'Delivered when', kind: 'activity' },
  'otif.promisedAttribute': { label: 'Promised date', kind: 'attribute' },
  'otif.orderedAttribute': { label: 'Ordered quantity', kind: 'attribute' },
  'otif.shippedAttribute': { label: 'Shipped quantity', kind: 'attribute' },
  'otif.lineKeys': { label: 'Order line', kind: 'key' },
  'otif.shipmentKeys': { label: 'Shipment', kind: 'key' },
  'perfectOrder.invoiceActivities': { label: 'Invoice activities', kind: 'activities' },
  'perfectOrder.invoicedAttribute': { label: 'Invoiced quantity', kind: 'attribute' },
  'perfectOrder.failureActivities': { label: 'Failed deliveries', kind: 'activities', optional: true },
  'perfectOrder.returnActivities': { label: 'Returns', kind: 'activities', optional: true },
  'perfectOrder.returnOrderAttribute': { label: 'Return names its order by', kind: 'attribute' },
  'receiptToAvailable.from': { label: 'From', kind: 'activity' },
  'receiptToAvailable.to': { label: 'To', kind: 'activity' },
  'receiptToAvailable.matchKeys': { label: 'Matched by', kind: 'key' },
} as const satisfies Record<string, FieldInfo>;

export type KpiSettingPath = keyof typeof FIELDS;

const field = (path: KpiSettingPath): KpiField => ({ path, ...FIELDS[path] });
const OTIF: KpiSettingPath[] = ['otif.deliveredActivity', 'otif.promisedAttribute', 'otif.orderedAttribute', 'otif.shippedAttribute', 'otif.lineKeys', 'otif.shipmentKeys'];

/** Every setting each KPI reads, as getKpis reads them: what a log must have, or be told, for the KPI to be computed. */
export const KPI_FIELDS: Record<KpiId, KpiField[]> = {
  order_cycle_time: (['orderActivity', 'cycleTime.start', 'cycleTime.end'] as const).map(field),
  touchless_order_rate: (['orderActivity', 'touchless.completedActivity', 'exceptionActivities', 'manualResourcePrefixes'] as const).map(field),
  exception_rate: (['orderActivity', 'exceptionActivities'] as const).map(field),
  credit_turnaround: (['creditTurnaround.from', 'creditTurnaround.to'] as const).map(field),
  perfect_order_rate: [
    'orderActivity',
    ...OTIF,
    'perfectOrder.invoiceActivities',
    'perfectOrder.invoicedAttribute',
    'exceptionActivities',
    'perfectOrder.failureActivities',
    'perfectOrder.returnActivities',
    'perfectOrder.returnOrderAttribute',
  ].map((path) => field(path as KpiSettingPath)),
  fill_rate: (['orderActivity', 'fillRate.allocationActivities', 'fillRate.allocatedAttribute', 'fillRate.orderedAttribute', 'fillRate.lineKeys'] as const).map(field),
  otif: ['orderActivity', ...OTIF].map((path) => field(path as KpiSettingPath)),
  receipt_to_available: (['receiptToAvailable.from', 'receiptToAvailable.to', 'receiptToAvailable.matchKeys'] as const).map(field),
};

/** Every setting path, in the order the KPIs name them. */
export const KPI_SETTING_PATHS = Object.keys(FIELDS) as KpiSettingPath[];

export function isKpiSettingPath(path: string): path is KpiSettingPath {
  return Object.hasOwn(FIELDS, path);
}

export function kpiField(path: KpiSettingPath): KpiField {
  return field(path);
}

type SettingValue = string | string[] | null;

/** The value at `path` in `settings`, or undefined when it is not set. */
export function settingAt(settings: KpiSettings, path: KpiSettingPath): SettingValue | undefined {
  const [group, name] = path.split('.') as [string, string | undefined];
  const holder = settings as Record<string, unknown>;
  const value = name === undefined ? holder[group] : (holder[group] as Record<string, unknown> | undefined)?.[name];
  return value as SettingValue | undefined;
}

/** The value the KPIs read at `path`: the saved one, else the default. */
export function effectiveSetting(settings: KpiSettings, path: KpiSettingPath): SettingValue {
  const saved = settingAt(settings, path);
  return saved === undefined ? (settingAt(KPI_DEFAULTS as unknown as KpiSettings, path) as SettingValue) : saved;
}

/** A copy of `settings` with `path` set to `value`; undefined removes it (back to the default), and an emptied group goes too. */
export function withSetting(settings: KpiSettings, path: KpiSettingPath, value: SettingValue | undefined): KpiSettings {
  const [group, name] = path.split('.') as [string, string | undefined];
  // Copies, never mutates (settings may be a page's reactive state): groups are copied, lists replaced whole.
  const next = { ...settings } as Record<string, unknown>;
  if (name === undefined) {
    if (value === undefined) delete next[group];
    else next[group] = value;
    return next as KpiSettings;
  }
  const inner = { ...((next[group] as Record<string, unknown> | undefined) ?? {}) };
  if (value === undefined) delete inner[name];
  else inner[name] = value;
  if (Object.keys(inner).length === 0) delete next[group];
  else next[group] = inner;
  return next as KpiSettings;
}

/**
 * Options over saved settings over the defaults: each option given replaces the
 * saved value of the same setting; groups (cycleTime, otif …) merge field by field.
 */
export function mergeKpiOptions(saved: KpiSettings, options: KpiOptions): KpiOptions {
  const merged: Record<string, unknown> = { ...saved };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const under = merged[key];
    merged[key] = value !== null && typeof value === 'object' && !Array.isArray(value) && under !== null && typeof under === 'object' && !Array.isArray(under) ? { ...under, ...value } : value;
  }
  return merged as KpiOptions;
}

/**
 * The KPIs whose cases the filter can list (`counted-by=ID`, `not-counted-by=ID`):
 * each is a share or a duration over cases, so each case it considers is counted or
 * not. The fill rate counts units and the receipt-to-available time PO-line pairs, not
 * cases: they have no list of their own.
 */
export const KPIS_WITH_CASES = ['order_cycle_time', 'touchless_order_rate', 'exception_rate', 'credit_turnaround', 'perfect_order_rate', 'otif'] as const;
export type KpiWithCases = (typeof KPIS_WITH_CASES)[number];

export function isKpiWithCases(id: string): id is KpiWithCases {
  return (KPIS_WITH_CASES as readonly string[]).includes(id);
}
