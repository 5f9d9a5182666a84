import type { Params } from '../../store/db.ts';

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
 */
export interface Filter {
  timeframe?: Timeframe;
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

/** A filter value that cannot be applied, with what was wrong in words a user can act on. */
export class FilterError extends Error {
  override name = 'FilterError';
}

/** SQL predicate over the `cases` table (aliased `c`) and the parameters it binds. */
export interface CompiledFilter {
  /** `TRUE` when the filter keeps every case. */
  caseWhere: string;
  params: Params;
  /** Whether any case can be excluded; analyses skip the case join when not. */
  restricts: boolean;
}

// A zone only after a time: "2026-01-05+02:00" is not a date JavaScript can read.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MICROS_PER_DAY = 86_400_000_000;

/**
 * Parses an ISO-8601 date or instant (UTC when no zone is given) to epoch
 * microseconds, at millisecond precision. `endOfDay` reads a date alone as the
 * last microsecond of that day, so `to=2026-02-01` includes 1 February.
 */
export function parseInstant(text: string, what: string, endOfDay = false): number {
  const trimmed = text.trim();
  if (!ISO_INSTANT.test(trimmed)) {
    throw new FilterError(`${what}: ${JSON.stringify(text)} is not an ISO-8601 date or time (e.g. 2024-03-01 or 2024-03-01T08:00:00Z)`);
  }
  const dateOnly = ISO_DATE.test(trimmed);
  const normalized = trimmed.replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(normalized);
  const ms = Date.parse(dateOnly ? `${normalized}T00:00:00Z` : hasZone ? normalized : `${normalized}Z`);
  if (Number.isNaN(ms)) throw new FilterError(`${what}: ${JSON.stringify(text)} is not a valid date`);
  return dateOnly && endOfDay ? ms * 1000 + MICROS_PER_DAY - 1 : ms * 1000;
}

/** Compiles a filter to a predicate over `cases c` with bound parameters. Throws FilterError on a bad value. */
export function compileFilter(filter: Filter): CompiledFilter {
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
  return { caseWhere: clauses.length === 0 ? 'TRUE' : clauses.map((c) => `(${c})`).join(' AND '), params, restricts: clauses.length > 0 };
}
