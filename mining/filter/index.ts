import { Bindings, comparableColumn, isNumericType, isTemporalType, parseInstant } from '../columns.ts';
import { FilterError } from '../errors.ts';
import type { Params } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';

/**
 * Which cases an analysis looks at. One shared type for every analysis, compiled
 * to SQL here and only here, with values always bound as parameters.
 *
 * A time window keeps whole cases, chosen by how the case's span [start, end]
 * meets [from, to] (either bound may be open):
 * - `intersecting`: the case has any time inside the window (the default);
 * - `contained`: the case starts and ends inside it;
 * - `started`: the case starts inside it;
 * - `completed`: the case ends inside it.
 *
 * Every other condition keeps the cases that meet it, and all must hold:
 * - `attributes`: an attribute condition holds for at least one of the case's
 *   events (for a value the source repeats on every event, that is the case's
 *   value); `missing` means no event of the case has a value;
 * - `activities.present` / `absent`: every named activity occurs / none does;
 * - `activities.repeated`: every named activity occurs more than once (rework);
 * - `activities.any`: at least one of the named activities occurs (e.g. any exception);
 * - `variants`: the case's variant is one of these ranks (1 = the most frequent);
 * - `duration`: the case's duration (seconds, last event − first) is within [min, max];
 * - `follows`: `directly` — some event of `from` is immediately followed by one of
 *   `to`; `eventually` — some `from` comes before some `to`, anything between;
 * - `startActivities` / `endActivities`: the case starts / ends with one of these;
 * - `kpi`: the cases a KPI counts (`counted`), or considers and does not count, as
 *   its tile on the operations page has them (resolved by runAnalysis, which reads the KPI).
 * The case notion of an object-centric log is not a condition but a choice of log
 * (`<log>@<object type>`), made by the caller.
 */
export interface Filter {
  timeframe?: Timeframe;
  kpi?: { id: string; counted: boolean };
  attributes?: AttributeCondition[];
  activities?: { present?: string[]; absent?: string[]; repeated?: string[]; any?: string[] };
  variants?: number[];
  duration?: { min?: number; max?: number };
  follows?: FollowsCondition[];
  startActivities?: string[];
  endActivities?: string[];
}

export type AttributeCondition =
  | { name: string; op: 'equals'; value: string | number | boolean }
  | { name: string; op: 'in'; values: (string | number | boolean)[] }
  | { name: string; op: 'range'; min?: number | string; max?: number | string }
  | { name: string; op: 'missing' };

export interface FollowsCondition {
  from: string;
  to: string;
  kind: 'directly' | 'eventually';
}

/** What the compiler needs to know of the log: its id's attribute table and the attributes' types. */
export interface FilterTarget {
  logId: number;
  attributes: readonly { name: string; type: string }[];
}

export type TimeframeMode = 'intersecting' | 'contained' | 'started' | 'completed';
export const TIMEFRAME_MODES: readonly TimeframeMode[] = ['intersecting', 'contained', 'started', 'completed'];

export interface Timeframe {
  /** ISO-8601 date or instant; without a zone it is read as UTC. */
  from?: string;
  /** ISO-8601 date or instant; a date alone includes that whole day. */
  to?: string;
  mode?: TimeframeMode;
}

/** SQL predicate over the `cases` table (aliased `c`) and the parameters it binds; it expects `$log` bound to the log's id. */
export interface CompiledFilter {
  /** `TRUE` when the filter keeps every case. */
  caseWhere: string;
  params: Params;
  /** Whether any case can be excluded; analyses skip the case join when not. */
  restricts: boolean;
}

/** Compiles a filter to a predicate over `cases c` with bound parameters. Throws FilterError on a bad value. */
export function compileFilter(filter: Filter, target?: FilterTarget): CompiledFilter {
  const clauses: string[] = [];
  const params: Params = {};
  const { timeframe } = filter;
  if (timeframe && (timeframe.from !== undefined || timeframe.to !== undefined)) {
    const mode = timeframe.mode ?? 'intersecting';
    if (!TIMEFRAME_MODES.includes(mode)) throw new FilterError(`timeframe mode ${JSON.stringify(mode)} is not one of ${TIMEFRAME_MODES.join(', ')}`);
    const from = timeframe.from === undefined ? undefined : parseInstant(timeframe.from, 'from');
    const to = timeframe.to === undefined ? undefined : parseInstant(timeframe.to, 'to', true);
    if (from !== undefined && to !== undefined && from > to) throw new FilterError(`from (${timeframe.from}) is after to (${timeframe.to})`);
    // Bound as epoch microseconds (DOUBLE is exact to 2^53) and compared with epoch_us.
    if (from !== undefined) params.tf_from = from;
    if (to !== undefined) params.tf_to = to;
    const start = 'epoch_us(c.start_ts)';
    const end = 'epoch_us(c.end_ts)';
    const within = (column: string) =>
      [from !== undefined ? `${column} >= $tf_from` : '', to !== undefined ? `${column} <= $tf_to` : ''].filter(Boolean).join(' AND ');
    switch (mode) {
      case 'intersecting':
        clauses.push([from !== undefined ? `${end} >= $tf_from` : '', to !== undefined ? `${start} <= $tf_to` : ''].filter(Boolean).join(' AND '));
        break;
      case 'contained':
        clauses.push(`${within(start)} AND ${within(end)}`);
        break;
      case 'started':
        clauses.push(within(start));
        break;
      case 'completed':
        clauses.push(within(end));
        break;
    }
  }
  compileConditions(filter, target, clauses, params);
  return { caseWhere: clauses.length === 0 ? 'TRUE' : clauses.map((c) => `(${c})`).join(' AND '), params, restricts: clauses.length > 0 };
}

/**
 * The conditions besides the time window. Names and values are bound parameters;
 * the only identifier written into the SQL, an attribute column, must be one of
 * the log's own attributes and goes through quoteIdent.
 */
function compileConditions(filter: Filter, target: FilterTarget | undefined, clauses: string[], params: Params): void {
  const bindings = new Bindings(params, 'f');
  const bind = (value: string | number | boolean): string => bindings.bind(value);
  // An activity's id in this log (NULL when the log has no such activity, which then matches nothing).
  const activity = (name: string): string => `(SELECT a.activity_id FROM activities a WHERE a.log_id = $log AND a.name = ${bind(name)})`;
  const variantWith = (condition: string) => `c.variant_id IN (SELECT v.variant_id FROM variants v WHERE v.log_id = $log AND ${condition})`;

  for (const name of filter.activities?.present ?? []) clauses.push(variantWith(`list_contains(v.activity_ids, ${activity(name)})`));
  for (const name of filter.activities?.absent ?? []) clauses.push(`NOT ${variantWith(`list_contains(v.activity_ids, ${activity(name)})`)}`);
  const any = filter.activities?.any ?? [];
  if (any.length > 0) clauses.push(variantWith(`list_has_any(v.activity_ids, [${any.map(activity).join(', ')}])`));
  // Every case of a variant repeats the same activities as often: the variant's counts tell.
  for (const name of filter.activities?.repeated ?? []) {
    clauses.push(`c.variant_id IN (SELECT va.variant_id FROM variant_activities va WHERE va.log_id = $log AND va.activity_id = ${activity(name)} AND va.occurrences > 1)`);
  }
  if (filter.variants !== undefined) {
    if (filter.variants.length === 0 || filter.variants.some((rank) => !Number.isSafeInteger(rank) || rank < 1)) throw new FilterError('variant: ranks are whole numbers from 1 (the most frequent variant)');
    clauses.push(`c.variant_id IN (${filter.variants.map((rank) => bind(rank - 1)).join(', ')})`);
  }
  const { duration } = filter;
  if (duration !== undefined) {
    for (const [bound, value] of Object.entries(duration)) {
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new FilterError(`${bound}-duration must be a number of seconds ≥ 0, not ${value}`);
    }
    if (duration.min !== undefined && duration.max !== undefined && duration.min > duration.max) throw new FilterError(`min-duration (${duration.min} s) is above max-duration (${duration.max} s)`);
    if (duration.min !== undefined) clauses.push(`c.duration_s >= ${bind(duration.min)}`);
    if (duration.max !== undefined) clauses.push(`c.duration_s <= ${bind(duration.max)}`);
  }
  for (const { from, to, kind } of filter.follows ?? []) {
    const a = activity(from);
    const b = activity(to);
    // Directly: an event of a whose successor (stored with each event) is b. Eventually, on the variant's
    // activity sequence: a's first position comes before b's last.
    clauses.push(
      kind === 'directly'
        ? `c.case_id IN (SELECT e.case_id FROM events e WHERE e.log_id = $log AND e.activity_id = ${a} AND e.next_activity_id = ${b})`
        : variantWith(`list_position(v.activity_ids, ${a}) > 0 AND list_position(v.activity_ids, ${b}) > 0
            AND list_position(v.activity_ids, ${a}) < len(v.activity_ids) + 1 - list_position(list_reverse(v.activity_ids), ${b})`),
    );
  }
  if (filter.startActivities !== undefined) clauses.push(`c.start_activity_id IN (${filter.startActivities.map(activity).join(', ')})`);
  if (filter.endActivities !== undefined) clauses.push(`c.end_activity_id IN (${filter.endActivities.map(activity).join(', ')})`);
  for (const condition of filter.attributes ?? []) clauses.push(attributeClause(condition, target, bindings));
}

/** Cases with an event meeting the attribute condition (or, for `missing`, with none holding a value). */
function attributeClause(condition: AttributeCondition, target: FilterTarget | undefined, bindings: Bindings): string {
  const attribute = target?.attributes.find((a) => a.name === condition.name);
  if (target === undefined || attribute === undefined) {
    const known = target?.attributes.map((a) => JSON.stringify(a.name)).join(', ') || 'none';
    throw new FilterError(`the log has no attribute ${JSON.stringify(condition.name)}; its attributes are ${known}`);
  }
  const column = comparableColumn(attribute, 'x');
  const typed = (value: string | number | boolean, what: string) => bindings.typed(attribute, value, what);
  const events = (predicate: string) =>
    `c.case_id IN (SELECT e.case_id FROM events e JOIN ${quoteIdent(attributeTable(target.logId))} x ON x.waybill_event_no = e.event_no WHERE e.log_id = $log AND ${predicate})`;
  switch (condition.op) {
    case 'equals':
      return events(`${column} = ${typed(condition.value, 'value')}`);
    case 'in':
      if (condition.values.length === 0) throw new FilterError(`${condition.name} in (): name at least one value`);
      return events(`${column} IN (${condition.values.map((v) => typed(v, 'value')).join(', ')})`);
    case 'range': {
      if (condition.min === undefined && condition.max === undefined) throw new FilterError(`${condition.name} between: give a lower or an upper bound`);
      if (!isNumericType(attribute.type) && !isTemporalType(attribute.type)) throw new FilterError(`${condition.name} holds ${attribute.type.toLowerCase()} values; a range needs numbers or times`);
      const parts = [condition.min !== undefined ? `${column} >= ${typed(condition.min, 'bound')}` : '', condition.max !== undefined ? `${column} <= ${typed(condition.max, 'bound')}` : ''];
      return events(parts.filter(Boolean).join(' AND '));
    }
    case 'missing':
      return `NOT ${events(`${column} IS NOT NULL`)}`;
  }
}

