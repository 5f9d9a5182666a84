import { IngestError } from './errors.ts';

/**
 * Which source columns play the roles of a case-based event log. Explicit flags
 * win; otherwise the XES/PM4Py names, then common ERP names, are recognized.
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

/** Chooses the mapping once a source's column names are known (staging calls it). */
export type ColumnMapper = (columns: readonly string[]) => ColumnMapping;

/** The mapper ingest uses: explicit flags, then recognized names; throws naming the columns when a role is not found. */
export function mapperFor(overrides: MappingOverrides, file: string): ColumnMapper {
  return (columns) => resolveMapping(columns, overrides, file);
}

// Checked in order: the first candidate present wins. Compared case-insensitively.
const CANDIDATES: Record<keyof ColumnMapping, readonly string[]> = {
  case: ['case:concept:name', 'case_id', 'caseid', 'case id', 'case', 'order_id', 'orderid', 'order id', 'order_number', 'order', 'po_id', 'shipment_id', 'trace_id'],
  activity: ['concept:name', 'activity', 'activity_name', 'activity name', 'event', 'event_name', 'event name', 'action', 'step', 'task'],
  timestamp: ['time:timestamp', 'timestamp', 'time', 'event_time', 'event time', 'datetime', 'date_time', 'complete timestamp', 'completed_at', 'created_at', 'date'],
  resource: ['org:resource', 'resource', 'user', 'user_id', 'username', 'performer', 'agent', 'employee'],
  lifecycle: ['lifecycle:transition', 'lifecycle', 'transition'],
};

const REQUIRED = ['case', 'activity', 'timestamp'] as const;

/**
 * Resolves the mapping for a source with these column names. Throws with the
 * available columns listed when a required role can be neither found nor guessed.
 */
export function resolveMapping(columns: readonly string[], overrides: MappingOverrides, file: string): ColumnMapping {
  const byLower = new Map<string, string>();
  for (const column of columns) if (!byLower.has(column.toLowerCase())) byLower.set(column.toLowerCase(), column);
  const chosen = new Set<string>();
  const pick = (role: keyof ColumnMapping): string | string[] | undefined => {
    const explicit = overrides[role];
    if (explicit !== undefined) {
      // `a+b` combines columns a and b, unless a column is named that way.
      const parts = typeof explicit === 'string' && !columns.includes(explicit) && explicit.includes('+') ? explicit.split('+').map((p) => p.trim()) : columnsOf(explicit);
      for (const part of parts) {
        if (!columns.includes(part)) throw new IngestError(file, `the ${role} column ${JSON.stringify(part)} is not one of the file's; its columns are ${listColumns(columns)}`, undefined, undefined, undefined, { remedy: { option: 'mapping', roles: [role] } });
        chosen.add(part);
      }
      if (parts.length > 1 && role !== 'case' && role !== 'activity') throw new IngestError(file, `the ${role} is one column; only the case and the activity may combine several`, undefined, undefined, undefined, { remedy: { option: 'mapping', roles: [role] } });
      return parts.length === 1 ? parts[0]! : parts;
    }
    for (const candidate of CANDIDATES[role]) {
      const column = byLower.get(candidate);
      if (column !== undefined && !chosen.has(column)) {
        chosen.add(column);
        return column;
      }
    }
    return undefined;
  };
  // Required roles first, so an optional role never takes a column a required one needs.
  const found: Partial<Record<keyof ColumnMapping, string | string[]>> = {};
  for (const role of REQUIRED) found[role] = pick(role);
  found.resource = pick('resource');
  found.lifecycle = pick('lifecycle');
  const missing = REQUIRED.filter((role) => found[role] === undefined);
  if (missing.length > 0) {
    throw new IngestError(file, `cannot tell which column is the ${missing.join(', ')}; columns are ${listColumns(columns)}`, undefined, undefined, undefined, {
      remedy: { option: 'mapping', roles: missing },
    });
  }
  const mapping: ColumnMapping = { case: found.case!, activity: found.activity!, timestamp: found.timestamp as string };
  if (found.resource !== undefined) mapping.resource = found.resource as string;
  if (found.lifecycle !== undefined) mapping.lifecycle = found.lifecycle as string;
  return mapping;
}

function listColumns(columns: readonly string[]): string {
  return columns.map((c) => JSON.stringify(c)).join(', ');
}
