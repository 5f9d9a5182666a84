import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, withConnection, type Params, type Store } from '../store/db.ts';
import { findLog, type LogRef } from '../store/logs.ts';
import { OptionError, UnknownLogError } from './errors.ts';
import { compileFilter, type Filter } from './filter/index.ts';

/** What an analysis runs against: an open connection, the log, and its compiled filter. */
export interface AnalysisScope {
  connection: DuckDBConnection;
  log: LogRef;
  /** Parameters every query binds: `$log` and the filter's. */
  params: Params;
  /** Predicate over `cases c`: the log's cases the filter keeps. */
  caseWhere: string;
  /** Predicate restricting an events alias to the filtered cases ('' when no filter applies). */
  eventCases(alias: string): string;
  /** The activity names by id. */
  activityNames(): Promise<string[]>;
}

/**
 * Opens a connection, resolves the log by name and compiles the filter, then runs
 * the analysis. Throws UnknownLogError or FilterError before any query runs.
 */
export async function runAnalysis<T>(store: Store, logName: string, filter: Filter, analysis: (scope: AnalysisScope) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
  // Checked before any query: a bad value fails fast, whatever the log.
  compileFilter({ ...filter, attributes: undefined });
  return withConnection(store, async (connection) => {
    const log = await findLog(connection, logName);
    if (!log) throw new UnknownLogError(logName);
    if (log.objectTypes !== null) {
      // An object-centric log has no single case: its analyses run on a case notion, a child log flattened on one object type.
      const notions = log.objectTypes.map((type) => JSON.stringify(`${log.name}@${type}`)).join(', ');
      throw new OptionError(`${JSON.stringify(log.name)} is object-centric: analyse it by a case notion, one of the logs ${notions}`);
    }
    const compiled = compileFilter(filter, { logId: log.id, attributes: log.attributes });
    const params: Params = { log: log.id, ...compiled.params };
    let caseWhere = `c.log_id = $log AND ${compiled.caseWhere}`;
    let restricts = compiled.restricts;
    if (filter.kpi !== undefined) {
      // A KPI's cases: read by the KPI itself over the whole log, then a condition like the others.
      const { kpiCaseIds } = await import('./kpis/cases.ts');
      const whole: AnalysisScope = { connection, log, params: { log: log.id }, caseWhere: 'c.log_id = $log', eventCases: () => '', activityNames: () => activityNames(connection, log.id) };
      params.kpi_cases = await kpiCaseIds(whole, filter.kpi.id, filter.kpi.counted);
      caseWhere += ' AND c.case_id IN (SELECT unnest($kpi_cases))';
      restricts = true;
    }
    let names: Promise<string[]> | undefined;
    return analysis({
      connection,
      log,
      params,
      caseWhere,
      eventCases: (alias) => (restricts ? `AND ${alias}.case_id IN (SELECT c.case_id FROM cases c WHERE ${caseWhere})` : ''),
      activityNames: () => (names ??= activityNames(connection, log.id)),
    });
  }, options);
}

/** A log's activity names, by id. */
function activityNames(connection: DuckDBConnection, logId: number): Promise<string[]> {
  return queryRows<{ name: string }>(connection, `SELECT name FROM activities WHERE log_id = $log ORDER BY activity_id`, { log: logId }).then((rows) => rows.map((r) => r.name));
}
