import { IngestError } from './errors.ts';
import { type FixedRoles, knownColumn, type MappingProposal, type MappingSample, proposeMapping, type Role, type RoleProposal } from './infer/index.ts';

/**
 * Which source columns play the roles of a case-based event log. Explicit flags
 * win; then the names Waybill knows (XES/PM4Py and common ERP names, see knownColumn); then the values (see `decideMapping`).
 */
export interface ColumnMapping {
  /** One column, or several whose values are joined into one (an order number and a line number make an order line). */
  case: string | string[];
  activity: string | string[];
  timestamp: string;
  resource?: string;
  lifecycle?: string;
}

export type MappingOverrides = Partial<ColumnMapping>;

/** The source columns a role reads: one, or the ones it combines. */
export function columnsOf(column: string | readonly string[] | undefined): string[] {
  return column === undefined ? [] : typeof column === 'string' ? [column] : [...column];
}

/** Every source column the mapping reads. */
export function mappedColumns(mapping: ColumnMapping): Set<string> {
  return new Set(Object.values(mapping).flatMap((column: string | string[] | undefined) => columnsOf(column)));
}

/** A role's column(s) as people read them: `order_no + line_no`. */
export function describeColumns(column: string | readonly string[]): string {
  return columnsOf(column).join(' + ');
}

/** How many first rows of a source the mapping decision looks at: enough for cases to repeat. */
export const MAPPING_SAMPLE_ROWS = 1_000;

/**
 * Chooses the mapping once a source's column names and first rows (every value
 * as text, at most MAPPING_SAMPLE_ROWS) are known; staging calls it.
 */
export type ColumnMapper = (sample: MappingSample) => ColumnMapping;

/** How a role was decided: named by the caller (a flag, the upload form), by a column name Waybill knows, or from the values. */
export type DecidedBy = 'flag' | 'name' | 'values';

/**
 * The one mapping decision, shared by `waybill ingest`, the upload preview and
 * every load: each role with its column(s), confidence and reason
 * (`proposal`), how it was decided (`by`), and the mapping a load uses — null
 * when a required role is undecidable, which `problem` explains naming the
 * candidate columns.
 */
export interface MappingDecision {
  mapping: ColumnMapping | null;
  problem: string | null;
  by: Partial<Record<Role, DecidedBy>>;
  /** The proposal around the settled roles: a role's confidence and reason, runner-ups, typed attributes. */
  proposal: MappingProposal;
}

/**
 * The mapper ingest uses: `decideMapping`, throwing an error that names the
 * undecidable roles, their candidates and the flags that settle them. `decided`
 * is told the decision (a load reports the mapping it used).
 */
export function mapperFor(overrides: MappingOverrides, file: string, decided?: (decision: MappingDecision) => void): ColumnMapper {
  return (sample) => {
    const decision = decideMapping(sample, overrides, file);
    decided?.(decision);
    if (decision.mapping !== null) return decision.mapping;
    const open = REQUIRED.filter((role) => decision.by[role] === undefined);
    throw new IngestError(file, decision.problem!, undefined, undefined, undefined, { remedy: { option: 'mapping', roles: open } });
  };
}

const REQUIRED = ['case', 'activity', 'timestamp'] as const;
const LOOKS = { case: 'a case id', activity: 'an activity name', timestamp: 'a timestamp' } as const;
const ROLES = [...REQUIRED, 'resource', 'lifecycle'] as const;
/** A role is decided from the values only with at least this confidence … */
const MIN_CONFIDENCE = 0.3;
/** … and this far ahead of the runner-up; closer, two columns are equally plausible. */
const TIE_MARGIN = 0.03;

/**
 * Decides the mapping of a source from its column names and first rows: roles
 * named in `overrides` first (`a+b` combines columns), then the XES/PM4Py and
 * common ERP names, then what the values suggest (`proposeMapping`, around the
 * roles already settled). A required role the values leave open — no column
 * plausible enough, or two equally plausible — makes the mapping null. Throws
 * only for an override that names no column.
 */
export function decideMapping(sample: MappingSample, overrides: MappingOverrides, file: string): MappingDecision {
  const { columns } = sample;
  const chosen = new Set<string>();
  const fixed: FixedRoles = {};
  const by: Partial<Record<Role, DecidedBy>> = {};
  const pick = (role: Role): void => {
    const explicit = overrides[role];
    if (explicit !== undefined) {
      // `a+b` combines columns a and b, unless a column is named that way.
      const parts = typeof explicit === 'string' && !columns.includes(explicit) && explicit.includes('+') ? explicit.split('+').map((p) => p.trim()) : columnsOf(explicit);
      for (const part of parts) {
        if (!columns.includes(part)) throw new IngestError(file, `the ${role} column ${JSON.stringify(part)} is not one of the file's; its columns are ${listColumns(columns)}`, undefined, undefined, undefined, { remedy: { option: 'mapping', roles: [role] } });
        chosen.add(part);
      }
      if (parts.length > 1 && role !== 'case' && role !== 'activity') throw new IngestError(file, `the ${role} is one column; only the case and the activity may combine several`, undefined, undefined, undefined, { remedy: { option: 'mapping', roles: [role] } });
      fixed[role] = { columns: parts, confidence: 1, reason: `${describeColumns(parts)} was named as the ${role}` };
      by[role] = 'flag';
      return;
    }
    const column = knownColumn(role, columns, chosen);
    if (column !== undefined) {
      chosen.add(column);
      fixed[role] = { columns: [column], confidence: 1, reason: `'${column}' is a name Waybill knows for the ${role}` };
      by[role] = 'name';
    }
  };
  // Required roles first, so an optional role never takes a column a required one needs.
  for (const role of ROLES) pick(role);
  const proposal = proposeMapping(sample, undefined, fixed);

  const open: (typeof REQUIRED)[number][] = [];
  for (const role of REQUIRED) {
    if (by[role] !== undefined) continue;
    const best = proposal[role];
    const runnerUp = proposal.alternatives[role][0];
    if (best !== null && best.confidence >= MIN_CONFIDENCE && (runnerUp === undefined || best.confidence - runnerUp.confidence >= TIE_MARGIN)) by[role] = 'values';
    else open.push(role);
  }
  // Optional roles take what the values suggest; left open, they are simply not mapped.
  for (const role of ['resource', 'lifecycle'] as const) if (by[role] === undefined && proposal[role] !== null) by[role] = 'values';

  if (open.length > 0) {
    const settled = new Set(ROLES.flatMap((role) => (by[role] === undefined ? [] : (proposal[role]?.columns ?? []))));
    const left = columns.filter((c) => !settled.has(c));
    const doubts = open.map((role) => {
      const best = proposal[role] ?? proposal.alternatives[role][0];
      if (best === undefined) return `no column looks like ${LOOKS[role]}`;
      if (best.confidence < MIN_CONFIDENCE) return `the likeliest ${role}, ${quoted(best)}, is only ${percent(best)} sure`;
      const tied = [best, ...proposal.alternatives[role].filter((a) => best.confidence - a.confidence < TIE_MARGIN)];
      return `the ${role} could as well be ${tied.map((c) => `${quoted(c)} (${percent(c)})`).join(' or ')}`;
    });
    const unmapped = settled.size > 0 && left.length > 0 && doubts.some((d) => d.startsWith('no column')) ? `; the columns not mapped yet are ${listColumns(left)}` : '';
    return { mapping: null, problem: `cannot tell which column is the ${open.join(', ')}; columns are ${listColumns(columns)}. ${capitalize(doubts.join('; '))}${unmapped}`, by, proposal };
  }
  const single = (role: RoleProposal): string | string[] => (role.columns.length === 1 ? role.columns[0]! : role.columns);
  const mapping: ColumnMapping = { case: single(proposal.case!), activity: single(proposal.activity!), timestamp: proposal.timestamp!.columns[0]! };
  if (by.resource !== undefined) mapping.resource = proposal.resource!.columns[0]!;
  if (by.lifecycle !== undefined) mapping.lifecycle = proposal.lifecycle!.columns[0]!;
  return { mapping, problem: null, by, proposal };
}

/** How a role was settled, in the words `waybill ingest` and the upload page share. */
export function howDecided(decision: MappingDecision, role: Role): string {
  const proposed = decision.proposal[role];
  switch (decision.by[role]) {
    case 'flag':
      return 'as you named it';
    case 'name':
      return 'by its name';
    case 'values':
      return `from its values, ${percent(proposed!)} sure`;
  }
  if (proposed) return `undecided: likeliest ${describeColumns(proposed.columns)} (${percent(proposed)})`;
  return role === 'resource' || role === 'lifecycle' ? 'no column looks like one' : 'undecided';
}

/**
 * A role as the upload form offers it, straight from the decision: the page shows
 * it and lets the user change `value`, nothing more.
 */
export interface RoleChoice {
  /** The decided column(s) as a load takes them (several joined by '+'); '' when the role is left to the user. */
  value: string;
  /** The same, as people read it ('order_no + line_no'); '' when left open. */
  label: string;
  /** What the select offers: the decided combination of columns first (when it is one), then every column. */
  options: { value: string; label: string }[];
  /** How it was settled (howDecided). */
  how: string;
  /** Why, at length: the proposal's reason ('' when there is none). */
  reason: string;
}

/** Every role of the decision as the upload form offers it (see RoleChoice). */
export function roleChoices(decision: MappingDecision, columns: readonly string[]): Record<Role, RoleChoice> {
  const choice = (role: Role): RoleChoice => {
    const proposed = decision.proposal[role];
    const decided = decision.by[role] !== undefined && proposed ? proposed.columns : [];
    const value = decided.join('+');
    const combined = decided.length > 1 && !columns.includes(value) ? [{ value, label: describeColumns(decided) }] : [];
    return { value, label: describeColumns(decided), options: [...combined, ...columns.map((column) => ({ value: column, label: column }))], how: howDecided(decision, role), reason: proposed?.reason ?? '' };
  };
  return { case: choice('case'), activity: choice('activity'), timestamp: choice('timestamp'), resource: choice('resource'), lifecycle: choice('lifecycle') };
}

function listColumns(columns: readonly string[]): string {
  return columns.map((c) => JSON.stringify(c)).join(', ');
}

const quoted = (role: RoleProposal): string => role.columns.map((c) => JSON.stringify(c)).join(' + ');
const percent = (role: RoleProposal): string => `${Math.round(role.confidence * 100)} %`;
const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
