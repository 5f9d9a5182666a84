import { FilterError, TIMEFRAME_MODES, type Filter, type TimeframeMode } from './index.ts';

/**
 * The one text syntax for filters, shared by the CLI (`--from 2024-01-01`) and the
 * API (`?from=2024-01-01`): `from`, `to` (ISO-8601 dates or instants, UTC unless
 * zoned) and `timeframe` (intersecting | contained | started | completed).
 */
export const FILTER_PARAMS = ['from', 'to', 'timeframe'] as const;

export function filterFromParams(params: Partial<Record<(typeof FILTER_PARAMS)[number], string | undefined>>): Filter {
  const { from, to, timeframe } = params;
  if (timeframe !== undefined && !TIMEFRAME_MODES.includes(timeframe as TimeframeMode)) {
    throw new FilterError(`timeframe must be one of ${TIMEFRAME_MODES.join(', ')}, not ${JSON.stringify(timeframe)}`);
  }
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
