import { quoteLiteral } from '../../store/sql.ts';
import { type ColumnType, type ColumnTypeGuess, inferTypeFromSample } from './column-types.ts';
import { detectTimestampFormat, parseTimestampText, type TimestampFormat } from './timestamp-format.ts';

/** A proposed role: the columns that fill it (several are combined with `combinedSql`), how sure, and why. */
export interface RoleProposal {
  columns: string[];
  confidence: number;
  reason: string;
}

export interface TimestampProposal extends RoleProposal {
  format: TimestampFormat;
}

export interface AttributeProposal {
  column: string;
  type: ColumnType;
  /** The format to read the column with when `type` is TIMESTAMP. */
  timestampFormat: TimestampFormat | null;
  reason: string;
}

/** What a mapping wizard shows first: one proposal per role (null when none is plausible), typed attributes, and runner-ups. */
export interface MappingProposal {
  case: RoleProposal | null;
  activity: RoleProposal | null;
  /** The event's (complete) time. */
  timestamp: TimestampProposal | null;
  /** Set when two time columns look like start and complete of one event. */
  startTimestamp: TimestampProposal | null;
  resource: RoleProposal | null;
  lifecycle: RoleProposal | null;
  attributes: AttributeProposal[];
  alternatives: { case: RoleProposal[]; activity: RoleProposal[]; timestamp: RoleProposal[] };
}

export interface MappingSample {
  columns: readonly string[];
  rows: readonly (readonly (string | null)[])[];
}

export type Role = 'case' | 'activity' | 'timestamp' | 'resource' | 'lifecycle';

/** Roles settled before the values are looked at (by a flag or a name Waybill knows): kept as given, their columns left out of the other roles. */
export type FixedRoles = Partial<Record<Role, RoleProposal>>;

/** The text placed between combined columns' values. */
export const COMBINED_SEPARATOR = ' · ';

/**
 * A DuckDB expression joining several columns into one text (a case id or
 * activity made of two columns). A missing part becomes '' so the parts keep
 * their places; the result is NULL only when every part is. One column is
 * returned as it is.
 */
export function combinedSql(columnsSql: string[], separator = COMBINED_SEPARATOR): string {
  if (columnsSql.length === 0) throw new Error('combinedSql needs at least one column');
  if (columnsSql.length === 1) return columnsSql[0]!;
  const parts = columnsSql.map((c) => `coalesce(CAST(${c} AS VARCHAR), '')`);
  const allMissing = columnsSql.map((c) => `${c} IS NULL`).join(' AND ');
  return `(CASE WHEN ${allMissing} THEN NULL ELSE concat_ws(${quoteLiteral(separator)}, ${parts.join(', ')}) END)`;
}

/** The JavaScript twin of `combinedSql`, for values of a sample. */
function combineValues(values: readonly (string | null)[], separator = COMBINED_SEPARATOR): string | null {
  return values.every((v) => v === null) ? null : values.map((v) => v ?? '').join(separator);
}

/**
 * The one rule set for column names, checked on lower-cased names with spaces and
 * hyphens as '_'; the first matching entry scores. An entry listing names (rather than
 * a pattern) lists names Waybill knows: a column so named takes the role by its name
 * alone (knownColumn, in the order listed), before any value is looked at.
 */
const NAMES: Record<Role, readonly (readonly [RegExp | readonly string[], number, string])[]> = {
  case: [
    [['case:concept:name'], 1, 'the XES case id'],
    [['case_id', 'caseid', 'case'], 0.9, 'a usual case id name'],
    [['order_id', 'orderid', 'order_number', 'order', 'po_id', 'shipment_id', 'trace_id'], 0.75, 'a usual business key'],
    [/^case:concept:name$/, 1, 'the XES case id'],
    [/^(case_?id|case|case_?(no|number|key))$/, 0.9, 'a usual case id name'],
    [/^(order_?(id|no|number|nr)|po_?(id|no|number|nr)|shipment_?(id|no|number)|delivery_?(id|no)|invoice_?(id|no)|ticket_?id|trace_?id|process_?id|instance_?id|sales_?order|purchase_?order|so_?(no|number))$/, 0.75, 'a usual business key'],
    [/^case:/, 0, 'a case attribute (case: prefix), not the id'],
    [/(_id|_no|_nr|_number|_key|id)$/, 0.35, 'named like an identifier'],
  ],
  activity: [
    [['concept:name'], 1, 'the XES activity name'],
    [['activity', 'activity_name'], 0.9, 'a usual activity name'],
    [['event'], 0.75, 'a usual activity name'],
    [['event_name'], 0.9, 'a usual activity name'],
    [['action', 'step'], 0.75, 'a usual activity name'],
    [['task'], 0.9, 'a usual activity name'],
    [/^concept:name$/, 1, 'the XES activity name'],
    [/^(activity|activity_?name|activity_?type|event_?name|task|task_?name|step_?name)$/, 0.9, 'a usual activity name'],
    [/^(event|step|action|operation|transaction|transaction_?type|activity_?code)$/, 0.75, 'a usual activity name'],
    [/^(status|state|stage|phase|milestone|event_?type)$/, 0.55, 'a status-like name'],
    [/activity|action|event/, 0.5, 'named like an activity'],
  ],
  timestamp: [
    [['time:timestamp'], 1, 'the XES timestamp'],
    [['timestamp', 'time', 'event_time', 'datetime', 'date_time', 'complete_timestamp', 'completed_at'], 0.85, 'a usual event time name'],
    [['created_at', 'date'], 0.6, 'a time name'],
    [/^(timestamp|event_?time|event_?timestamp|datetime|date_?time|time|complete_?timestamp|completed?_?(at|time|on)|end_?(time|timestamp|date)|ended_?at|finish(ed)?_?(at|time)|occurred_?at|ts)$/, 0.85, 'a usual event time name'],
    [/^(start_?(time|timestamp|date)|started_?at|begin_?(time|timestamp)|created_?(at|on|time)|updated_?at|date|event_?date)$/, 0.6, 'a time name'],
    [/^case:/, 0.1, 'a case attribute (case: prefix)'],
    [/time|date|stamp|_at$|_on$/, 0.4, 'named like a time'],
  ],
  resource: [
    [['org:resource'], 1, 'the XES resource'],
    [['resource', 'user', 'user_id', 'username', 'performer', 'agent', 'employee'], 0.8, 'a usual resource name'],
    [/^(resource|user|user_?(id|name)|agent|performer|employee|operator|clerk|handled_?by|performed_?by|assignee|owner|worker|actor|created_?by|changed_?by|executed_?by)$/, 0.8, 'a usual resource name'],
    [/^case:/, 0.1, 'a case attribute (case: prefix)'],
    [/user|resource|agent|employee|operator/, 0.5, 'named like a resource'],
  ],
  lifecycle: [
    [['lifecycle:transition'], 1, 'the XES lifecycle transition'],
    [['lifecycle', 'transition'], 0.8, 'a usual lifecycle name'],
    [/^(lifecycle|transition|lifecycle_?transition|event_?lifecycle)$/, 0.8, 'a usual lifecycle name'],
  ],
};

const LIFECYCLE_VALUES = new Set(['start', 'complete', 'schedule', 'assign', 'reassign', 'suspend', 'resume', 'abort', 'withdraw', 'autoskip', 'manualskip', 'ate_abort', 'pi_abort', 'started', 'completed', 'begin', 'end']);
const START_NAME = /start|begin/;
const END_NAME = /end|complete|finish|stop|timestamp|^time$|^time:timestamp$/;

function normalizeName(column: string): string {
  return column.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function nameCue(role: Role, column: string): { score: number; reason: string } {
  const name = normalizeName(column);
  for (const [match, score, why] of NAMES[role]) {
    if (match instanceof RegExp ? match.test(name) : match.includes(name)) return { score, reason: `${quoteName(column)} is ${why}` };
  }
  return { score: 0, reason: `no name cue in ${quoteName(column)}` };
}

/** The column (not in `taken`) named as Waybill knows the role, the most telling name first; undefined when none is. */
export function knownColumn(role: Role, columns: readonly string[], taken: ReadonlySet<string>): string | undefined {
  for (const [match] of NAMES[role]) {
    if (match instanceof RegExp) continue;
    for (const name of match) {
      const column = columns.find((candidate) => !taken.has(candidate) && normalizeName(candidate) === name);
      if (column !== undefined) return column;
    }
  }
  return undefined;
}

const quoteName = (column: string): string => `'${column}'`;
const count = (n: number): string => n.toLocaleString('en-US');
const round2 = (n: number): number => Math.round(Math.max(0, Math.min(1, n)) * 100) / 100;

/** What the proposal needs to know about one column (or a combination) on the sample. */
interface Profile {
  columns: string[];
  values: (string | null)[];
  present: number;
  distinct: number;
  type: ColumnTypeGuess | undefined;
}

function profile(columns: string[], values: (string | null)[], type?: ColumnTypeGuess): Profile {
  const present = values.filter((v) => v !== null);
  return { columns, values, present: present.length, distinct: new Set(present).size, type };
}

/** Groups row indexes by case value (rows without a case are left out). */
function groupByCase(caseValues: readonly (string | null)[]): number[][] {
  const groups = new Map<string, number[]>();
  caseValues.forEach((v, i) => {
    if (v === null) return;
    const group = groups.get(v);
    if (group) group.push(i);
    else groups.set(v, [i]);
  });
  return [...groups.values()];
}

/** Among cases with two or more events: the mean share of distinct values per event (1: never repeats within a case). */
function withinCaseDistinct(p: Profile, cases: readonly number[][]): number | undefined {
  const shares = cases.filter((rows) => rows.length >= 2).map((rows) => {
    const vals = rows.map((r) => p.values[r]).filter((v): v is string => v !== null);
    return vals.length === 0 ? 0 : new Set(vals).size / vals.length;
  });
  return shares.length === 0 ? undefined : shares.reduce((a, b) => a + b, 0) / shares.length;
}

/** Among cases with two or more events: the share where the column takes more than one value (0: a case attribute). */
function variesWithinCase(p: Profile, cases: readonly number[][]): number | undefined {
  const multi = cases.filter((rows) => rows.length >= 2);
  if (multi.length === 0) return undefined;
  return multi.filter((rows) => new Set(rows.map((r) => p.values[r]).filter((v) => v !== null)).size > 1).length / multi.length;
}

/** The share of events whose value also occurs in another case (activities are shared across cases; instance ids are not). */
function sharedAcrossCases(p: Profile, cases: readonly number[][]): number | undefined {
  if (cases.length < 2) return undefined;
  const casesOf = new Map<string, Set<number>>();
  cases.forEach((rows, c) => rows.forEach((r) => {
    const v = p.values[r];
    if (v === null || v === undefined) return;
    const set = casesOf.get(v) ?? new Set<number>();
    set.add(c);
    casesOf.set(v, set);
  }));
  let events = 0;
  let shared = 0;
  for (const rows of cases) for (const r of rows) {
    const v = p.values[r];
    if (v === null || v === undefined) continue;
    events += 1;
    if ((casesOf.get(v)?.size ?? 0) >= 2) shared += 1;
  }
  return events === 0 ? undefined : shared / events;
}

interface Scored extends RoleProposal {
  score: number;
}

const isTextual = (p: Profile): boolean => p.type === undefined || p.type.type === 'VARCHAR' || p.type.type === 'BOOLEAN';

function scoreCase(p: Profile, rows: number, name: { score: number; reason: string }): Scored {
  const facts: string[] = [];
  let value: number;
  if (p.type && (p.type.type === 'TIMESTAMP' || p.type.type === 'DOUBLE')) {
    value = 0;
    facts.push(`its values are ${p.type.type === 'TIMESTAMP' ? 'timestamps' : 'decimal numbers'}, not ids`);
  } else if (p.present === 0) {
    value = 0;
    facts.push('it is blank on the sample');
  } else if (p.distinct === p.present && p.present > 1) {
    value = 0;
    facts.push(`unique per row: each of the ${count(p.present)} sample rows has its own value, so every case would hold a single event — not a good case id`);
  } else if (p.distinct === 1) {
    value = 0;
    facts.push(`one value for all ${count(p.present)} rows`);
  } else {
    const perCase = p.present / p.distinct;
    // Cases of 2 to 60 events are the usual; a handful of values over many rows is a category, not an id.
    const size = perCase < 2 ? perCase - 1 : perCase <= 60 ? 1 : Math.max(0.1, 1 - (perCase - 60) / 200);
    const many = Math.min(1, p.distinct / Math.min(10, rows / 2));
    const filled = p.present / rows;
    // Ids mostly hold digits; activity and resource names mostly do not.
    const digits = p.values.filter((v) => v !== null && /\d/.test(v)).length / p.present;
    value = Math.max(0, size) * many * filled * (0.6 + 0.4 * digits);
    facts.push(`${count(p.distinct)} distinct values over ${count(p.present)} rows (${(Math.round(perCase * 10) / 10).toFixed(1)} events per case)`);
    if (filled < 1) facts.push(`blank on ${count(rows - p.present)} rows`);
  }
  const score = name.score > 0 ? 0.55 * name.score + 0.45 * value : 0.5 * value;
  return { columns: p.columns, score: value === 0 ? Math.min(score, 0.2) : score, confidence: 0, reason: [name.reason, ...facts].join('; ') };
}

function scoreActivity(p: Profile, name: { score: number; reason: string }, cases: readonly number[][]): Scored {
  const facts: string[] = [];
  let value = 0;
  if (!isTextual(p) && !(p.type?.type === 'BIGINT' && name.score >= 0.75)) {
    facts.push(`its values are ${p.type!.type === 'TIMESTAMP' ? 'timestamps' : 'numbers'}`);
  } else if (p.distinct < 2) {
    facts.push(p.distinct === 0 ? 'it is blank on the sample' : 'one value for all rows');
  } else {
    // Activities recur: each value twice or more on average scores fully, a value per row not at all.
    const ratio = p.distinct / p.present;
    const few = ratio <= 0.5 ? 1 : (1 - ratio) / 0.5;
    const within = withinCaseDistinct(p, cases);
    const shared = sharedAcrossCases(p, cases);
    value = few * (within === undefined ? 1 : 0.2 + 0.8 * within) * (shared === undefined ? 1 : 0.5 + 0.5 * shared) * (p.present / p.values.length);
    facts.push(`${count(p.distinct)} distinct values over ${count(p.present)} rows`);
    if (within !== undefined) facts.push(`${Math.round(within * 100)}% of a case's events have distinct values`);
    if (shared !== undefined) facts.push(`${Math.round(shared * 100)}% of events share their value with another case`);
  }
  const score = name.score > 0 ? 0.55 * name.score + 0.45 * value : 0.5 * value;
  return { columns: p.columns, score: value === 0 ? Math.min(score, 0.2) : score, confidence: 0, reason: [name.reason, ...facts].join('; ') };
}

/**
 * Proposes a case-based event log mapping from a sample (header and first
 * rows): the case id, activity (a pair of columns when that tells events apart
 * clearly better than any single column), the complete timestamp and, when two
 * time columns look like start and end, the start timestamp, the resource, the
 * lifecycle transition, and every other column as a typed attribute. Name cues
 * (XES and ERP names) and value cues (case ids repeat, activities are few and
 * shared across cases, timestamps read and vary within a case, resources look
 * like names) add up to each confidence; the reason lists them. Pass the
 * whole-file `types` from `inferColumnTypes` when there is a table; otherwise
 * types are guessed from the sample. `fixed` roles are taken as given, and the
 * rest proposed around them.
 */
export function proposeMapping(sample: MappingSample, types?: ColumnTypeGuess[], fixed: FixedRoles = {}): MappingProposal {
  const { columns, rows } = sample;
  const n = rows.length;
  const typeOf = new Map<string, ColumnTypeGuess>();
  const singles = columns.map((column, i) => {
    const values = rows.map((r) => {
      const v = r[i];
      return v === null || v === undefined || v.trim() === '' ? null : v.trim();
    });
    const type = types?.find((t) => t.column === column) ?? inferTypeFromSample(column, values);
    typeOf.set(column, type);
    return profile([column], values, type);
  });
  const used = new Set(Object.values(fixed).flatMap((role) => role.columns));
  const free = (p: Profile): boolean => p.columns.every((c) => !used.has(c));
  const given = (role: Role): Scored | undefined => {
    const settled = fixed[role];
    return settled && { ...settled, score: settled.confidence };
  };

  // Case: the best single column, or a pair of id-like columns when no single one is plausible. A given role is not ranked.
  let caseRanked = fixed.case ? [] : rank(singles.filter(free).map((p) => scoreCase(p, n, nameCue('case', p.columns[0]!))));
  if (!fixed.case && (caseRanked[0]?.score ?? 0) < 0.4) {
    // Only columns named like identifiers are paired (an order number restarting per plant, say).
    const idLike = singles.filter(free).filter((p) => (isTextual(p) || p.type?.type === 'BIGINT') && p.distinct > 1 && nameCue('case', p.columns[0]!).score > 0);
    const pairs = pairsOf(idLike).map(([a, b]) => {
      const combined = profile([...a.columns, ...b.columns], a.values.map((v, i) => combineValues([v, b.values[i]!])));
      const name = Math.max(nameCue('case', a.columns[0]!).score, nameCue('case', b.columns[0]!).score);
      const scored = scoreCase(combined, n, { score: name, reason: `no single column identifies cases well; ${quoteName(a.columns[0]!)} with ${quoteName(b.columns[0]!)} combined` });
      return { ...scored, score: scored.score * 0.9 };
    });
    caseRanked = rank([...caseRanked, ...pairs]);
  }
  const caseChoice = given('case') ?? (caseRanked[0] && caseRanked[0].score >= 0.25 ? caseRanked[0] : undefined);
  caseChoice?.columns.forEach((c) => used.add(c));
  const caseValues = caseChoice ? combinedValuesOf(singles, caseChoice.columns) : [];
  const cases = caseChoice ? groupByCase(caseValues) : [];

  // Timestamps: every column that reads as times, scored by name, format and variation within a case.
  const times = singles.filter(free).map((p) => scoreTimestamp(p, typeOf.get(p.columns[0]!), cases)).filter((t): t is ScoredTime => t !== undefined);
  const timeRanked = rank(times);
  const { timestamp, startTimestamp } = chooseTimestamps(timeRanked, fixed.timestamp && givenTimestamp(fixed.timestamp, singles, typeOf, cases));
  for (const t of [timestamp, startTimestamp]) t?.columns.forEach((c) => used.add(c));

  // The lifecycle (by name or by its start/complete values) and strongly named resources are set aside
  // first, so that they are not taken for activities.
  const lifecycleRanked = rank(singles.filter(free).map(scoreLifecycle));
  const lifecycleChoice = given('lifecycle') ?? (lifecycleRanked[0] && lifecycleRanked[0].score >= 0.5 ? lifecycleRanked[0] : undefined);
  lifecycleChoice?.columns.forEach((c) => used.add(c));
  const activitySingles = fixed.activity ? [] : singles.filter(free).filter((p) => nameCue('resource', p.columns[0]!).score < 0.8);
  const activitySinglesScored = activitySingles.map((p) => scoreActivity(p, nameCue('activity', p.columns[0]!), cases));
  const bestSingle = rank(activitySinglesScored)[0];
  // Pairs of categorical columns whose combination tells more events apart than either column alone.
  const categorical = activitySingles.filter((p) => isTextual(p) && p.distinct >= 2 && p.distinct <= Math.max(50, p.present * 0.5));
  const pairScores = pairsOf(categorical).flatMap(([a, b]) => {
    const combined = profile([...a.columns, ...b.columns], a.values.map((v, i) => combineValues([v, b.values[i]!])));
    if (combined.distinct <= Math.max(a.distinct, b.distinct)) return [];
    const na = nameCue('activity', a.columns[0]!);
    const nb = nameCue('activity', b.columns[0]!);
    const name = { score: 0.9 * Math.max(na.score, nb.score), reason: `${quoteName(a.columns[0]!)} with ${quoteName(b.columns[0]!)} combined (${na.score >= nb.score ? na.reason : nb.reason})` };
    return [scoreActivity(combined, name, cases)];
  });
  // A pair must beat the best single column clearly: one column is simpler to read.
  const activityRanked = rank([
    ...activitySinglesScored,
    ...pairScores.filter((pair) => !bestSingle || bestSingle.score < 0.5 || pair.score >= bestSingle.score + 0.05),
  ]);
  const activityChoice = given('activity') ?? (activityRanked[0] && activityRanked[0].score >= 0.25 ? activityRanked[0] : undefined);
  activityChoice?.columns.forEach((c) => used.add(c));

  const resourceRanked = fixed.resource ? [] : rank(singles.filter(free).map((p) => scoreResource(p, cases)));
  const resourceChoice = given('resource') ?? (resourceRanked[0] && resourceRanked[0].score >= 0.3 ? resourceRanked[0] : undefined);
  resourceChoice?.columns.forEach((c) => used.add(c));

  const attributes = columns.filter((c) => !used.has(c)).map((column): AttributeProposal => {
    const type = typeOf.get(column)!;
    return { column, type: type.type, timestampFormat: type.type === 'TIMESTAMP' ? type.timestampFormat : null, reason: type.reason };
  });

  return {
    case: caseChoice ? finish(caseChoice) : null,
    activity: activityChoice ? finish(activityChoice) : null,
    timestamp: timestamp ?? null,
    startTimestamp: startTimestamp ?? null,
    resource: resourceChoice ? finish(resourceChoice) : null,
    lifecycle: lifecycleChoice ? finish(lifecycleChoice) : null,
    attributes,
    alternatives: {
      case: alternativesOf(caseRanked, caseChoice),
      activity: alternativesOf(activityRanked, activityChoice),
      // The start of a start/end pair is no rival of its end.
      timestamp: alternativesOf(timeRanked.filter((t) => !sameColumns(t, startTimestamp)), timestamp),
    },
  };
}

function finish(s: Scored): RoleProposal {
  return { columns: s.columns, confidence: round2(s.score), reason: s.reason };
}

function alternativesOf(ranked: readonly Scored[], chosen: RoleProposal | undefined): RoleProposal[] {
  return ranked.filter((s) => !sameColumns(s, chosen) && s.score > 0.1).slice(0, 3).map(finish);
}

function sameColumns(a: RoleProposal, b: RoleProposal | undefined): boolean {
  return b !== undefined && a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]);
}

function rank<T extends Scored>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.score - a.score);
}

function pairsOf<T>(items: readonly T[]): [T, T][] {
  const pairs: [T, T][] = [];
  for (let i = 0; i < items.length; i += 1) for (let j = i + 1; j < items.length; j += 1) pairs.push([items[i]!, items[j]!]);
  return pairs;
}

function combinedValuesOf(singles: readonly Profile[], columns: readonly string[]): (string | null)[] {
  const parts = columns.map((c) => singles.find((p) => p.columns[0] === c)!.values);
  return parts[0]!.map((_, i) => combineValues(parts.map((p) => p[i]!)));
}

interface ScoredTime extends Scored {
  format: TimestampFormat;
  instants: (number | undefined)[];
}

function scoreTimestamp(p: Profile, type: ColumnTypeGuess | undefined, cases: readonly number[][]): ScoredTime | undefined {
  const column = p.columns[0]!;
  const facts: string[] = [];
  let format: TimestampFormat | undefined;
  let penalty = 1;
  if (type?.type === 'TIMESTAMP' && type.timestampFormat) {
    format = type.timestampFormat;
  } else {
    format = detectTimestampFormat(p.values.filter((v): v is string => v !== null));
    if (!format) return undefined;
    const failing = type?.checks.find((c) => c.type === 'TIMESTAMP' && c.format?.kind === format!.kind && c.failures > 0);
    if (failing?.firstFailure) {
      penalty = 0.5;
      facts.push(`but ${count(failing.failures)} of ${count(type!.values)} values do not read (first at row ${count(failing.firstFailure.row)}: '${failing.firstFailure.value}')`);
    }
  }
  const name = nameCue('timestamp', column);
  const numeric = format.kind === 'epoch-seconds' || format.kind === 'epoch-milliseconds' || format.kind === 'excel-serial';
  if (numeric && name.score === 0) {
    penalty *= 0.4;
    facts.push('numbers in a time range, but the name does not suggest a time');
  }
  const instants = p.values.map((v) => (v === null ? undefined : parseTimestampText(format!, v)));
  const varies = variesWithinCase(p, cases);
  if (varies !== undefined) facts.push(varies === 0 ? 'the same within every case (a case attribute)' : `varies within ${Math.round(varies * 100)}% of cases`);
  const value = format.confidence * penalty * (varies === undefined ? 1 : 0.2 + 0.8 * varies);
  const score = name.score > 0 ? 0.5 * name.score + 0.5 * value : 0.5 * value;
  return { columns: p.columns, score, confidence: 0, reason: [name.reason, format.reason, ...facts].join('; '), format, instants };
}

/**
 * The event's time: the given column, or the likeliest; and a start time when a
 * start-named column lies at or before it on the sample.
 */
function chooseTimestamps(ranked: readonly ScoredTime[], given?: ScoredTime): { timestamp?: TimestampProposal; startTimestamp?: TimestampProposal } {
  const plausible = ranked.filter((t) => t.score >= 0.3);
  const toProposal = (t: ScoredTime, extra?: string): TimestampProposal => ({
    columns: t.columns, confidence: round2(t.score), reason: extra ? `${t.reason}; ${extra}` : t.reason, format: t.format,
  });
  const ends = given ? [given] : plausible.filter((t) => END_NAME.test(normalizeName(t.columns[0]!)) && !START_NAME.test(normalizeName(t.columns[0]!)));
  for (const start of plausible.filter((t) => START_NAME.test(normalizeName(t.columns[0]!)))) {
    for (const end of ends.filter((t) => t !== start)) {
      let both = 0;
      let ordered = 0;
      start.instants.forEach((s, i) => {
        const e = end.instants[i];
        if (s === undefined || e === undefined) return;
        both += 1;
        if (s <= e) ordered += 1;
      });
      if (both > 0 && ordered >= 0.95 * both) {
        const pairNote = `start ${quoteName(start.columns[0]!)} ≤ end ${quoteName(end.columns[0]!)} on ${count(ordered)} of ${count(both)} sample rows where both are set`;
        return { timestamp: toProposal(end, pairNote), startTimestamp: toProposal(start, pairNote) };
      }
    }
  }
  const best = given ?? plausible[0];
  return best ? { timestamp: toProposal(best) } : {};
}

/** A given timestamp column, read as the values suggest (its format has confidence 0 when they do not read as times). */
function givenTimestamp(role: RoleProposal, singles: readonly Profile[], typeOf: ReadonlyMap<string, ColumnTypeGuess>, cases: readonly number[][]): ScoredTime {
  const p = singles.find((s) => s.columns[0] === role.columns[0])!;
  const read = scoreTimestamp(p, typeOf.get(role.columns[0]!), cases);
  const format: TimestampFormat = read?.format ?? { kind: 'iso', zone: 'naive', confidence: 0, reason: 'the values do not read as times', matched: 0, total: p.present };
  return { ...role, score: role.confidence, format, instants: read?.instants ?? [] };
}

function scoreResource(p: Profile, cases: readonly number[][]): Scored {
  const name = nameCue('resource', p.columns[0]!);
  const facts: string[] = [];
  let value = 0;
  const present = p.values.filter((v): v is string => v !== null);
  if (!isTextual(p) && !(p.type?.type === 'BIGINT' && name.score >= 0.8)) {
    facts.push(`its values are ${p.type!.type === 'TIMESTAMP' ? 'timestamps' : 'numbers'}`);
  } else if (p.distinct >= 2) {
    // User names: a letter first, then letters, digits, dots, underscores, @ or spaces; short.
    const nameLike = present.filter((v) => /^[\p{L}][\p{L}\p{N}._@' -]{0,40}$/u.test(v)).length / present.length;
    const ratio = p.distinct / p.present;
    const few = ratio <= 0.3 ? 1 : Math.max(0, 1 - (ratio - 0.3) / 0.4);
    const varies = variesWithinCase(p, cases);
    value = nameLike * few * (varies === undefined ? 1 : 0.4 + 0.6 * varies) * (p.present / p.values.length);
    facts.push(`${Math.round(nameLike * 100)}% of values look like names, ${count(p.distinct)} distinct`);
    if (varies !== undefined) facts.push(`changes within ${Math.round(varies * 100)}% of cases`);
  }
  const score = name.score > 0 ? 0.6 * name.score + 0.4 * value : 0.3 * value;
  return { columns: p.columns, score: value === 0 ? Math.min(score, 0.2) : score, confidence: 0, reason: [name.reason, ...facts].join('; ') };
}

function scoreLifecycle(p: Profile): Scored {
  const name = nameCue('lifecycle', p.columns[0]!);
  const present = p.values.filter((v): v is string => v !== null);
  const known = present.length === 0 ? 0 : present.filter((v) => LIFECYCLE_VALUES.has(v.toLowerCase())).length / present.length;
  const facts = present.length === 0 ? [] : [`${Math.round(known * 100)}% of values are lifecycle transitions (start, complete, …)`];
  const score = known < 0.5 ? Math.min(name.score, 0.3) : Math.max(name.score, 0.8 * known);
  return { columns: p.columns, score, confidence: 0, reason: [name.reason, ...facts].join('; ') };
}
