import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, type Params, type Store } from '../../store/db.ts';
import type { LogRef } from '../../store/logs.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { runAnalysis } from '../analysis.ts';
import { Bindings, comparableColumn } from '../columns.ts';
import { checkWholeNumber, FilterError, OptionError } from '../errors.ts';
import { savedKpiSettings } from '../kpis/settings.ts';
import type { Filter } from '../filter/index.ts';
import { DEFAULT_DRIVERS, DISTRIBUTION_EXCEPTIONS, type ExceptionDefinition } from './definitions.ts';
import { ALPHA, slopeTest, twoProportionZ } from './statistics.ts';

export type ExceptionPeriod = 'week' | 'month';
/**
 * What places an exception in a period:
 * - `case-start`: the period in which its case starts. `cases` in a period are the
 *   cases starting in it; `count` their exception events (whenever they happen);
 *   `cases` with the exception those with at least one. Every case is in one period,
 *   so the rates of a split add up to the rate of the cases before and after it.
 * - `event`: the period of the exception event's own timestamp. The period's cases are
 *   those in progress during it (first event ≤ period end, last event ≥ its start);
 *   `cases` with the exception those with an exception event in the period.
 */
export type PeriodBy = 'case-start' | 'event';

export interface ExceptionTrendsOptions {
  /** The exception types; default: the log's saved exception activities (its KPI settings), one type each, else the distribution exceptions (DISTRIBUTION_EXCEPTIONS) whose activities the log has. */
  exceptions?: ExceptionDefinition[];
  /** Period length: ISO weeks (Monday 00:00 UTC) or calendar months (UTC); default week. */
  period?: ExceptionPeriod;
  /** Default `case-start`. */
  periodBy?: PeriodBy;
  /** Case or event attributes searched for drivers; default those of DEFAULT_DRIVERS the log has. `[]` for none. */
  drivers?: string[];
  /** Driver values listed per attribute and type (1–100); default 5. */
  top?: number;
}

/** One period of one exception type. */
export interface ExceptionPeriodPoint {
  /** The period's start, ISO-8601 UTC. */
  start: string;
  /** Exception events of the type. */
  count: number;
  /** Cases with at least one of them. */
  cases: number;
  /** cases / population. */
  rate: number;
  /** The period's cases (the rate's denominator; see PeriodBy). */
  population: number;
  /**
   * Whether the period can be judged. By event: it ended by the log's last event. By
   * case start: at most 5 % of its cases started within `settleSeconds` of the log's
   * last event (see ExceptionTypeTrend), so few may yet get the exception. Incomplete
   * periods are shown but left out of the trend, step and outlier tests.
   */
  complete: boolean;
}

/** A flagged period: a step change starting in it, or a period whose rate is an outlier. */
export interface ExceptionChange {
  start: string;
  kind: 'step-up' | 'step-down' | 'spike' | 'dip';
  /** The period's rate (spike, dip) or the rate from it on (steps). */
  rate: number;
  /** The rate it is compared with: the other periods of its segment (spike, dip) or the periods before (steps). */
  baseline: number;
  z: number;
  pValue: number;
}

/** Rates of the cases before and after a split point. */
export interface StepSplit {
  start: string;
  before: { population: number; cases: number; rate: number };
  after: { population: number; cases: number; rate: number };
  z: number;
  /**
   * Two-sided p of the two-proportion z-test, times the number of split points tried
   * (Bonferroni), at most 1; the largest of the test with all periods and with each
   * period left out in turn, so that a step does not rest on one period.
   */
  pValue: number;
  significant: boolean;
}

export interface DriverValue {
  value: string;
  /** Cases with this value. */
  cases: number;
  /** Of them, cases with the exception. */
  exceptionCases: number;
  rate: number;
  /** rate / the type's overall rate. */
  lift: number;
  /** exceptionCases − cases × overall rate: the exception cases the value adds above its fair share. */
  excess: number;
  /** Two-sided p of the two-proportion z-test of this value's cases against all other cases. */
  pValue: number;
  /** pValue < 0.05. */
  significant: boolean;
}

export interface ExceptionTypeTrend {
  type: string;
  /** Exception events of the type, in all periods. */
  total: number;
  /** Cases with at least one. */
  cases: number;
  /** cases / all cases analysed. */
  rate: number;
  /**
   * By case start: the 95th percentile of the time from a case's start to its first
   * exception of the type, in seconds (null without any). Cases younger than that at
   * the log's end may still get one, so their periods are incomplete. 0 by event.
   */
  settleSeconds: number | null;
  series: ExceptionPeriodPoint[];
  trend: { slope: number | null; pValue: number | null; significant: boolean; periods: number };
  /** The best split point, whether significant or not (null with fewer than four periods). */
  step: StepSplit | null;
  changes: ExceptionChange[];
  drivers: { attribute: string; values: DriverValue[] }[];
}

/**
 * Exception trends: per period and exception type, the exception events, the cases
 * with them, and their rate per case; the trend, step changes and outlier periods of
 * that rate; and the attribute values over-represented among the cases with it.
 *
 * - Periods with no case (population 0) are left out of the series; the trend's x is
 *   the period's ordinal from the first, so gaps keep their width.
 * - Incomplete periods (see ExceptionPeriodPoint.complete) are in the series but not in
 *   the tests: by case start, the last periods hold cases still running, whose
 *   exceptions may yet come, and their dip would be the log's end, not an improvement.
 * - `trend.slope`: least-squares slope of the rate per period (rate units per period),
 *   each period one point; `pValue`: two-sided t-test of slope = 0 with n − 2 degrees
 *   of freedom (null under three periods); `significant`: pValue < 0.05.
 * - `step`: among split points leaving at least two periods on each side, the one whose
 *   pooled rates before and after differ most by a two-proportion z-test; reported in
 *   `changes` as `step-up`/`step-down` when its p-value < 0.05, Bonferroni-adjusted for
 *   the splits tried and holding with any one period left out (see StepSplit.pValue).
 * - outlier periods (`spike`/`dip`): a period whose rate differs from the pooled rate
 *   of the other periods of its segment (either side of a significant step, else all)
 *   with |z| > 3 in a two-proportion z-test.
 * - drivers: a case's value of an attribute is its first non-missing value in event
 *   order; cases without one are left out. Values are ranked by `excess`, and only
 *   values with a positive excess are listed.
 */
export interface ExceptionTrends {
  log: string;
  period: ExceptionPeriod;
  periodBy: PeriodBy;
  /** All cases analysed (the filter's). */
  cases: number;
  types: ExceptionTypeTrend[];
  /** The exception definitions used, and the tests' stated thresholds. */
  definitions: { exceptions: ExceptionDefinition[]; drivers: string[]; alpha: number; outlierZ: number; trendTest: string; stepTest: string; outlierTest: string };
}

export const OUTLIER_Z = 3;
const DEFAULT_TOP = 5;
const MIN_SEGMENT = 2;
/** By case start, the share of a period's cases that may be too young to have shown the exception before the period counts as incomplete. */
const MAX_UNSETTLED = 0.05;

/** Computes exception trends over the filtered cases of a log. */
export async function getExceptionTrends(store: Store, log: string, filter: Filter = {}, options: ExceptionTrendsOptions = {}): Promise<ExceptionTrends> {
  const period = options.period ?? 'week';
  if (period !== 'week' && period !== 'month') throw new OptionError(`period must be week or month, not ${JSON.stringify(period)}`);
  const periodBy = options.periodBy ?? 'case-start';
  if (periodBy !== 'case-start' && periodBy !== 'event') throw new OptionError(`periodBy must be case-start or event, not ${JSON.stringify(periodBy)}`);
  checkWholeNumber(options.top, 'top', 1, 100);
  const top = options.top ?? DEFAULT_TOP;
  if (options.exceptions !== undefined) checkDefinitions(options.exceptions);

  return runAnalysis(store, log, filter, async ({ connection, log: ref, params, caseWhere, eventCases, activityNames }) => {
    const names = await activityNames();
    const ids = new Map(names.map((name, id) => [name, id]));
    const exceptions = options.exceptions ?? (await savedExceptions(connection, ref.name, ids)) ?? defaultExceptions(ref, ids);
    const drivers = options.drivers ?? DEFAULT_DRIVERS.filter((name) => ref.attributes.some((a) => a.name === name));
    for (const name of drivers) attributeOf(ref, name, 'driver');

    const bound: Params = { ...params };
    const bindings = new Bindings(bound, 'x_');
    const attributes = quoteIdent(attributeTable(ref.id));
    const branches = exceptions.map((definition, t) => {
      const conditions = [`e.log_id = $log`];
      if (definition.activities !== undefined) {
        const known = definition.activities.filter((a) => ids.has(a));
        const unknown = definition.activities.filter((a) => !ids.has(a));
        if (unknown.length > 0) {
          throw new OptionError(`exception ${JSON.stringify(definition.type)}: the log ${JSON.stringify(ref.name)} has no activity ${unknown.map((a) => JSON.stringify(a)).join(', ')}; its activities are ${names.map((a) => JSON.stringify(a)).join(', ')}`);
        }
        conditions.push(`e.activity_id IN (${known.map((a) => bindings.bind(ids.get(a)!)).join(', ')})`);
      }
      let join = '';
      if (definition.attribute !== undefined) {
        const attribute = attributeOf(ref, definition.attribute.name, `exception ${JSON.stringify(definition.type)}`);
        const values = definition.attribute.values.map((value) => {
          try {
            return bindings.typed(attribute, value, 'value');
          } catch (error) {
            throw error instanceof FilterError ? new OptionError(`exception ${JSON.stringify(definition.type)}: ${error.message}`) : error;
          }
        });
        join = `JOIN ${attributes} x ON x.waybill_event_no = e.event_no`;
        conditions.push(`${comparableColumn(attribute, 'x')} IN (${values.join(', ')})`);
      }
      return `SELECT ${t}::INTEGER AS t, e.case_id, e.ts FROM events e ${join} WHERE ${conditions.join(' AND ')} ${eventCases('e')}`;
    });
    const exc = `exc AS MATERIALIZED (${branches.join('\nUNION ALL\n')})`;

    const unit = period === 'week' ? 'week' : 'month';
    // One scan, one result per row, named by `part`: 'population' (cases per period), 'type period' (a type's
    // exceptions and cases per period), 'type' (a type's exceptions and cases overall), 'all' (every case),
    // 'settle' (for case-start periods, the 95th percentile of the time from a case's start to a type's first
    // exception, in `settle_ms`), 'unsettled' (cases per period started within that time of the log's end).
    const sql =
      periodBy === 'case-start'
        ? `WITH pop AS MATERIALIZED (SELECT c.case_id, epoch_ms(date_trunc('${unit}', c.start_ts)) AS period, epoch_ms(c.start_ts) AS start_ms FROM cases c WHERE ${caseWhere}),
           ${exc},
           settle AS (SELECT t, quantile_disc(first_ms - p.start_ms, 0.95)::BIGINT AS ms
                      FROM (SELECT t, case_id, min(epoch_ms(ts)) AS first_ms FROM exc GROUP BY ALL) x JOIN pop p USING (case_id) GROUP BY t)
           SELECT 'population' AS part, -1 AS t, period, count(*)::BIGINT AS count, count(*)::BIGINT AS cases, NULL::BIGINT AS settle_ms FROM pop GROUP BY period
           UNION ALL
           SELECT 'type period', x.t, p.period, count(*)::BIGINT, count(DISTINCT x.case_id)::BIGINT, NULL FROM exc x JOIN pop p USING (case_id) GROUP BY x.t, p.period
           UNION ALL
           SELECT 'type', t, NULL, count(*)::BIGINT, count(DISTINCT case_id)::BIGINT, NULL FROM exc GROUP BY t
           UNION ALL
           SELECT 'all', -1, NULL, count(*)::BIGINT, count(*)::BIGINT, NULL FROM pop
           UNION ALL
           SELECT 'settle', t, NULL, NULL, NULL, ms FROM settle
           UNION ALL
           SELECT 'unsettled', s.t, p.period, count(*)::BIGINT, count(*)::BIGINT, NULL FROM pop p JOIN settle s ON p.start_ms > $log_end_ms - s.ms GROUP BY ALL`
        : `WITH pop AS MATERIALIZED (SELECT c.case_id, c.start_ts, c.end_ts FROM cases c WHERE ${caseWhere}),
           ${exc}
           SELECT 'population' AS part, -1 AS t, epoch_ms(period) AS period, count(*)::BIGINT AS count, count(*)::BIGINT AS cases, NULL::BIGINT AS settle_ms
           FROM (SELECT unnest(generate_series(date_trunc('${unit}', start_ts), date_trunc('${unit}', end_ts), INTERVAL 1 ${unit})) AS period FROM pop)
           GROUP BY period
           UNION ALL
           SELECT 'type period', t, epoch_ms(date_trunc('${unit}', ts)), count(*)::BIGINT, count(DISTINCT case_id)::BIGINT, NULL FROM exc GROUP BY ALL
           UNION ALL
           SELECT 'type', t, NULL, count(*)::BIGINT, count(DISTINCT case_id)::BIGINT, NULL FROM exc GROUP BY t
           UNION ALL
           SELECT 'all', -1, NULL, count(*)::BIGINT, count(*)::BIGINT, NULL FROM pop`;
    const logEnd = ref.lastTimestamp === null ? 0 : Date.parse(ref.lastTimestamp);
    const rows = await queryRows<{ part: 'population' | 'type period' | 'type' | 'all' | 'settle' | 'unsettled'; t: number; period: number | null; count: number; cases: number; settle_ms: number | null }>(
      connection,
      sql,
      periodBy === 'case-start' ? { ...bound, log_end_ms: logEnd } : bound,
    );

    const totalCases = rows.find((r) => r.part === 'all')?.cases ?? 0;
    const population = new Map(rows.filter((r) => r.part === 'population').map((r) => [r.period!, r.count]));
    const periods = periodStarts([...population.keys()], period);
    const driverRows = drivers.length === 0 || exceptions.length === 0 ? [] : await queryDrivers();

    const types = exceptions.map((definition, t): ExceptionTypeTrend => {
      const perPeriod = new Map(rows.filter((r) => r.part === 'type period' && r.t === t).map((r) => [r.period!, r]));
      const overall = rows.find((r) => r.part === 'type' && r.t === t);
      const settleMs = periodBy === 'event' ? 0 : (rows.find((r) => r.part === 'settle' && r.t === t)?.settle_ms ?? null);
      const unsettled = new Map(rows.filter((r) => r.part === 'unsettled' && r.t === t).map((r) => [r.period!, r.count]));
      const series: (ExceptionPeriodPoint & { ordinal: number })[] = periods.flatMap(({ ms, end, ordinal }) => {
        const size = population.get(ms) ?? 0;
        if (size === 0) return [];
        const hit = perPeriod.get(ms);
        const cases = hit?.cases ?? 0;
        const complete = periodBy === 'event' ? end <= logEnd : (unsettled.get(ms) ?? 0) <= MAX_UNSETTLED * size;
        return [{ start: iso(ms), count: hit?.count ?? 0, cases, rate: cases / size, population: size, complete, ordinal }];
      });
      const cases = overall?.cases ?? 0;
      const rate = totalCases === 0 ? 0 : cases / totalCases;
      const judged = series.filter((p) => p.complete);
      const fit = slopeTest(judged.map((p) => [p.ordinal, p.rate] as const));
      const step = bestSplit(judged);
      const changes: ExceptionChange[] = [];
      if (step?.significant) {
        changes.push({
          start: step.start,
          kind: step.after.rate > step.before.rate ? 'step-up' : 'step-down',
          rate: step.after.rate,
          baseline: step.before.rate,
          z: step.z,
          pValue: step.pValue,
        });
      }
      changes.push(...outliers(judged, step?.significant ? step.start : undefined));
      changes.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      return {
        type: definition.type,
        total: overall?.count ?? 0,
        cases,
        rate,
        settleSeconds: settleMs === null ? null : settleMs / 1000,
        series: series.map(({ ordinal: _ordinal, ...point }) => point),
        trend: { slope: fit.slope, pValue: fit.pValue, significant: fit.pValue !== null && fit.pValue < ALPHA, periods: judged.length },
        step,
        changes,
        drivers: drivers.map((attribute, d) => ({
          attribute,
          values: driverValues(driverRows.filter((r) => r.d === d), t, cases, totalCases, top),
        })),
      };
    });

    return {
      log,
      period,
      periodBy,
      cases: totalCases,
      types,
      definitions: {
        exceptions,
        drivers,
        alpha: ALPHA,
        outlierZ: OUTLIER_Z,
        trendTest: 'two-sided t-test of the least-squares slope of the rate per period (n − 2 degrees of freedom)',
        stepTest: `two-proportion z-test of the pooled rates before and after the best split (at least ${MIN_SEGMENT} periods each side), Bonferroni-adjusted for the splits tried, the largest p-value with all periods and with each one left out`,
        outlierTest: `two-proportion z-test of a period against the other periods of its segment, |z| > ${OUTLIER_Z}`,
      },
    };

    /** Per driver attribute and value: its cases and, per type, those with the exception. */
    async function queryDrivers() {
      const values = drivers.map((name, d) => {
        const column = `x.${quoteIdent(name)}`;
        return `arg_min(${column}, e.position) FILTER (WHERE ${column} IS NOT NULL)::VARCHAR AS d${d}`;
      });
      const hits = exceptions.map((_, t) => `count(*) FILTER (WHERE list_contains(types, ${t}))::BIGINT AS h${t}`).join(', ');
      const perDriver = drivers.map((_, d) => `SELECT ${d} AS d, d${d} AS value, count(*)::BIGINT AS cases, ${hits} FROM joined WHERE d${d} IS NOT NULL GROUP BY d${d}`);
      const result = await queryRows<{ d: number; value: string; cases: number } & Record<`h${number}`, number>>(
        connection,
        `WITH ${exc},
         hits AS (SELECT case_id, list(DISTINCT t) AS types FROM exc GROUP BY case_id),
         vals AS (SELECT e.case_id, ${values.join(', ')} FROM events e JOIN ${attributes} x ON x.waybill_event_no = e.event_no
                  WHERE e.log_id = $log ${eventCases('e')} GROUP BY e.case_id),
         joined AS MATERIALIZED (SELECT v.*, coalesce(h.types, []::INTEGER[]) AS types FROM vals v LEFT JOIN hits h USING (case_id))
         ${perDriver.join('\nUNION ALL\n')}`,
        bound,
      );
      return result.map((row) => ({ d: row.d, value: row.value, cases: row.cases, hits: exceptions.map((_, t) => row[`h${t}`] ?? 0) }));
    }
  });
}

function checkDefinitions(definitions: ExceptionDefinition[]): void {
  if (!Array.isArray(definitions) || definitions.length === 0) throw new OptionError('exceptions: name at least one exception type, e.g. [{ type: "Credit hold", activities: ["Credit Hold"] }]');
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (typeof definition?.type !== 'string' || definition.type.trim() === '') throw new OptionError('exceptions: every exception type needs a name (type)');
    if (seen.has(definition.type)) throw new OptionError(`exceptions: the type ${JSON.stringify(definition.type)} is named twice`);
    seen.add(definition.type);
    if (definition.activities === undefined && definition.attribute === undefined) {
      throw new OptionError(`exception ${JSON.stringify(definition.type)}: give its activities, an attribute condition, or both`);
    }
    if (definition.activities !== undefined && (!Array.isArray(definition.activities) || definition.activities.length === 0)) {
      throw new OptionError(`exception ${JSON.stringify(definition.type)}: activities must name at least one activity`);
    }
    if (definition.attribute !== undefined && (typeof definition.attribute.name !== 'string' || !Array.isArray(definition.attribute.values) || definition.attribute.values.length === 0)) {
      throw new OptionError(`exception ${JSON.stringify(definition.type)}: attribute needs a name and at least one value`);
    }
  }
}

/**
 * The exception activities saved for the log (its KPI settings, shared with the
 * exception-rate, touchless and perfect-order KPIs), one type each. Activities the
 * log no longer has (it was replaced) are skipped; undefined when none remain.
 */
async function savedExceptions(connection: DuckDBConnection, log: string, ids: Map<string, number>): Promise<ExceptionDefinition[] | undefined> {
  const activities = (await savedKpiSettings(connection, log)).settings.exceptionActivities?.filter((a) => ids.has(a)) ?? [];
  return activities.length === 0 ? undefined : activities.map((a) => ({ type: a, activities: [a] }));
}

/** The distribution exceptions this log has: all their activities, and their attribute if they test one. */
function defaultExceptions(log: LogRef, ids: Map<string, number>): ExceptionDefinition[] {
  const found = DISTRIBUTION_EXCEPTIONS.filter(
    (d) => (d.activities ?? []).every((a) => ids.has(a)) && (d.attribute === undefined || log.attributes.some((a) => a.name === d.attribute!.name)),
  );
  if (found.length === 0) {
    const known = [...new Set(DISTRIBUTION_EXCEPTIONS.flatMap((d) => d.activities ?? []))].map((a) => JSON.stringify(a)).join(', ');
    throw new OptionError(
      `the log ${JSON.stringify(log.name)} has none of the distribution exception activities (${known}): ` +
        'say which of its activities are exceptions, as exception types (exception=TYPE=ACTIVITY|ACTIVITY) or in the log\'s KPI settings (exceptionActivities)',
    );
  }
  return found.map((d) => structuredClone(d));
}

function attributeOf(log: LogRef, name: string, what: string): { name: string; type: string } {
  const attribute = log.attributes.find((a) => a.name === name);
  if (!attribute) {
    const known = log.attributes.map((a) => JSON.stringify(a.name)).join(', ') || 'none';
    throw new OptionError(`${what}: the log ${JSON.stringify(log.name)} has no attribute ${JSON.stringify(name)}; its attributes are ${known}`);
  }
  return attribute;
}

/** Every period from the first to the last start given (epoch ms, UTC): its start, its end (the next start) and its ordinal from the first. */
function periodStarts(starts: number[], period: ExceptionPeriod): { ms: number; end: number; ordinal: number }[] {
  if (starts.length === 0) return [];
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const next = (ms: number) => {
    if (period === 'week') return ms + 7 * 86_400_000;
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  };
  const out: { ms: number; end: number; ordinal: number }[] = [];
  for (let ms = first, ordinal = 0; ms <= last; ms = next(ms), ordinal++) out.push({ ms, end: next(ms), ordinal });
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString();

type Counted = { start: string; cases: number; population: number };

const sum = (points: readonly Counted[]) => {
  const cases = points.reduce((s, p) => s + p.cases, 0);
  const population = points.reduce((s, p) => s + p.population, 0);
  return { population, cases, rate: population === 0 ? 0 : cases / population };
};

/**
 * The split whose pooled rates before and after differ most (largest |z|, the earliest on
 * a tie). Its p-value is Bonferroni-adjusted for the splits tried, and a step must not
 * rest on one period: the p-value reported is the largest of the test with every period
 * and the tests with each period left out in turn (a lone spike is an outlier, not a step).
 */
export function bestSplit(series: readonly Counted[]): StepSplit | null {
  const splits = series.length - 2 * MIN_SEGMENT + 1;
  if (splits < 1) return null;
  const test = (before: Counted[], after: Counted[]) => {
    const b = sum(before);
    const a = sum(after);
    return { before: b, after: a, ...twoProportionZ(a.cases, a.population, b.cases, b.population) };
  };
  let best: { k: number; z: number } | null = null;
  for (let k = MIN_SEGMENT; k <= series.length - MIN_SEGMENT; k++) {
    const { z } = test(series.slice(0, k), series.slice(k));
    if (best === null || Math.abs(z) > Math.abs(best.z)) best = { k, z };
  }
  const { k } = best!;
  const full = test(series.slice(0, k), series.slice(k));
  let pValue = full.pValue;
  for (let j = 0; j < series.length; j++) {
    const left = series.filter((_, i) => i !== j);
    const split = j < k ? k - 1 : k;
    const without = test(left.slice(0, split), left.slice(split));
    // Leaving a period out must not turn the step around either.
    pValue = Math.max(pValue, Math.sign(without.z) === Math.sign(full.z) ? without.pValue : 1);
  }
  const adjusted = Math.min(1, pValue * splits);
  return { start: series[k]!.start, before: full.before, after: full.after, z: full.z, pValue: adjusted, significant: adjusted < ALPHA };
}

/** Periods whose rate differs from the rest of their segment with |z| > OUTLIER_Z. */
export function outliers(series: readonly Counted[], stepStart?: string): ExceptionChange[] {
  const out: ExceptionChange[] = [];
  series.forEach((point, i) => {
    const sameSide = (p: Counted) => stepStart === undefined || p.start >= stepStart === point.start >= stepStart;
    const rest = sum(series.filter((p, j) => j !== i && sameSide(p)));
    if (rest.population === 0) return;
    const { z, pValue } = twoProportionZ(point.cases, point.population, rest.cases, rest.population);
    if (Math.abs(z) > OUTLIER_Z) {
      out.push({ start: point.start, kind: z > 0 ? 'spike' : 'dip', rate: point.cases / point.population, baseline: rest.rate, z, pValue });
    }
  });
  return out;
}

function driverValues(rows: { value: string; cases: number; hits: number[] }[], t: number, typeCases: number, totalCases: number, top: number): DriverValue[] {
  const overall = totalCases === 0 ? 0 : typeCases / totalCases;
  if (overall === 0) return [];
  return rows
    .map((row): DriverValue => {
      const exceptionCases = row.hits[t] ?? 0;
      const rate = exceptionCases / row.cases;
      const { pValue } = twoProportionZ(exceptionCases, row.cases, typeCases - exceptionCases, totalCases - row.cases);
      return { value: row.value, cases: row.cases, exceptionCases, rate, lift: rate / overall, excess: exceptionCases - row.cases * overall, pValue, significant: pValue < ALPHA };
    })
    .filter((v) => v.excess > 1e-9)
    .sort((a, b) => b.excess - a.excess || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, top);
}
