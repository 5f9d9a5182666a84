import { displayLocaleOr } from '../../../mining/format.ts';

/** A UTC day the reader's way (day-first in the default: "2 Oct 2010"). */
const day = (date: Date) => new Intl.DateTimeFormat(displayLocaleOr('en-GB'), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);

/**
 * The period a log covers, from its first and last event timestamps (ISO, UTC), as a
 * person reads it: "2 Oct 2010 – 23 Jan 2012", one date when both fall on the same
 * day, "–" when the log has no events. Dates are UTC days, as the store keeps them.
 */
export function formatDateRange(first: string | null, last: string | null): string {
  const from = parse(first);
  const to = parse(last);
  if (!from && !to) return '–';
  if (!from || !to) return day((from ?? to) as Date);
  const a = day(from);
  const b = day(to);
  return a === b ? a : `${a} – ${b}`;
}

function parse(iso: string | null): Date | undefined {
  if (iso === null) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
