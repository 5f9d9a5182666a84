import { attributeValuesAnalysis } from './attribute-values/entry.ts';
import { bottlenecksAnalysis } from './bottlenecks/entry.ts';
import { caseTimelineAnalysis, casesAnalysis } from './cases/entry.ts';
import { caseDistributionAnalysis, caseDurationsAnalysis, durationBreakdownAnalysis, durationTrendAnalysis, milestonesAnalysis } from './cycle-time/entry.ts';
import { exceptionsAnalysis } from './exceptions/entry.ts';
import { kpisAnalysis, touchlessOrdersAnalysis } from './kpis/entry.ts';
import { overviewAnalysis } from './overview/entry.ts';
import { processMapAnalysis } from './process-map/entry.ts';
import { queueAgingAnalysis } from './queue-aging/entry.ts';
import { reconciliationAnalysis } from './reconciliation/entry.ts';
import { resourceWorkloadAnalysis } from './resource-workload/entry.ts';
import { variantsAnalysis } from './variants/entry.ts';

/**
 * Every analysis Waybill offers, in the order help and docs list them. The API's
 * `GET /api/logs/:log/NAME`, `waybill mine NAME`, the typed client and
 * docs/analyses.md are made from this list: adding an analysis is its folder and
 * one line here.
 */
export const ANALYSES = [
  processMapAnalysis,
  variantsAnalysis,
  caseDurationsAnalysis,
  caseDistributionAnalysis,
  milestonesAnalysis,
  durationBreakdownAnalysis,
  durationTrendAnalysis,
  queueAgingAnalysis,
  bottlenecksAnalysis,
  exceptionsAnalysis,
  kpisAnalysis,
  touchlessOrdersAnalysis,
  reconciliationAnalysis,
  resourceWorkloadAnalysis,
  overviewAnalysis,
  attributeValuesAnalysis,
  casesAnalysis,
  caseTimelineAnalysis,
] as const;

export type AnalysisName = (typeof ANALYSES)[number]['name'];

/** What each analysis returns, by name: the typed client reads its answers with this. */
export type AnalysisResults = { [A in (typeof ANALYSES)[number] as A['name']]: Awaited<ReturnType<A['run']>> };

export function findAnalysis(name: string): (typeof ANALYSES)[number] | undefined {
  return ANALYSES.find((analysis) => analysis.name === name);
}
