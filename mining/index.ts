/** Waybill's analyses: each is (store, log, filter, options) → a plain, JSON-safe result. */
export { discoverProcessMap, type ProcessMap, type ProcessMapOptions } from './process-map/index.ts';
export { processMapOptionsFromParams } from './process-map/params.ts';
export { defaultPathShare, simplifyPaths, type SimplifiedMap } from './process-map/simplify.ts';
export { getVariants, type Variants, type VariantsOptions } from './variants/index.ts';
export { getCaseDurations, DEFAULT_HISTOGRAM_BINS, type CaseDurations, type CaseDurationsOptions } from './cycle-time/case-durations.ts';
export {
  getCaseDurationDistribution,
  getDurationBreakdown,
  getDurationTrend,
  getMilestoneDurations,
  type CaseDurationDistribution,
  type DurationBreakdown,
  type DurationTrend,
  type MilestoneDurations,
} from './cycle-time/index.ts';
export { binsFromParams, breakdownFromParams, measureFromParams, trendFromParams, type CycleTimeParams } from './cycle-time/params.ts';
export { getQueueAging, type EndEvidence, type QueueAging, type QueueAgingOptions, type QueueAgingRule, type QueueStep, type OpenCase, type Silence } from './queue-aging/index.ts';
export { queueAgingOptionsFromParams } from './queue-aging/params.ts';
export { getBottlenecks, type Bottlenecks, type BottlenecksOptions, type Handoff, type Rework } from './bottlenecks/index.ts';
export { bottlenecksOptionsFromParams } from './bottlenecks/params.ts';
export { getExceptionTrends, type ExceptionTrends, type ExceptionTrendsOptions } from './exceptions/index.ts';
export { exceptionOptionsFromParams } from './exceptions/params.ts';
export { getKpis, getTouchlessOrders, type Kpi, type KpiOptions, type Kpis, type TouchlessOrders } from './kpis/index.ts';
export { kpiOptionsFromParams } from './kpis/params.ts';
export { getKpiSettings, saveKpiSettings, type LogKpiSettings } from './kpis/settings.ts';
export {
  effectiveSetting,
  isKpiSettingPath,
  KPI_DEFAULTS,
  KPI_FIELDS,
  KPI_SETTING_PATHS,
  kpiField,
  settingAt,
  withSetting,
  type KpiField,
  type KpiSettingPath,
  type KpiSettings,
} from './kpis/fields.ts';
export { getReconciliation, type Reconciliation, type ReconciliationOptions } from './reconciliation/index.ts';
export { conditionText, filterFromParams, FILTER_PARAMS, logForNotion, parseCondition, parseDuration, type FilterParams } from './filter/params.ts';
export { parseInstant } from './columns.ts';
export { compileFilter, TIMEFRAME_MODES, type AttributeCondition, type Filter, type FollowsCondition, type Timeframe, type TimeframeMode } from './filter/index.ts';
export { FilterError, OptionError, parseWholeNumber, UnknownLogError } from './errors.ts';
export { auditCsv, listAudit, type AuditEntry } from './audit.ts';
export { getLoadHistory, quarantineCsv, sourceName, type Load, type LoadHistory, type QuarantinedRow } from './loads/index.ts';
export { csvCell, toCsv, type CsvCell } from './export/csv.ts';
// The store's entry points that every shell needs, so web/ and cli/ depend on mining/ alone.
export { openStore, resolveDbPath, StoreBusyError, StoreClosingError, StoreRecoveryError, type Store } from '../store/db.ts';
export { listLogs, type LogInfo } from '../store/logs.ts';
export type { DurationStats } from './types.ts';
export type { Overview, OverviewPeriod } from './overview/index.ts';
export type { AttributeValues } from './attribute-values/index.ts';
export { casesCsv, getCaseColumns, type CaseColumns, type CaseList } from './cases/index.ts';
export type { CaseTimeline } from './cases/timeline.ts';
