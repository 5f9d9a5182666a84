import { FilterError, type Filter, type TimeframeMode } from './index.ts';

/**
 * The one text syntax for filters, shared by the CLI (`--from 2024-01-01`) and the
 * API (`?from=2024-01-01`): `from`, `to` (ISO-8601 dates or instants, UTC unless
 * zoned; a date alone as `to` includes that day) and `timeframe` (intersecting |
 * contained | started | completed). Values are checked when the filter is compiled.
 */
export const FILTER_PARAMS = ['from', 'to', 'timeframe'] as const;

export function filterFromParams(params: Partial<Record<(typeof FILTER_PARAMS)[number], string | undefined>>): Filter {
  const { from, to, timeframe } = params;
  if (from === undefined && to === undefined) {
    if (timeframe !== undefined) throw new FilterError('timeframe needs from or to');
    return {};
  }
  return {
    timeframe: {
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
      ...(timeframe !== undefined && { mode: timeframe as TimeframeMode }),
    },
  };
}
