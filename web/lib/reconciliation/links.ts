import { conditionText } from '../../../mining/filter/params.ts';

/** The linked log a log belongs to: itself, or the log before `@` of a case notion (`@` is reserved for notions). */
export function linkedLog(log: string): string {
  const at = log.indexOf('@');
  return at < 0 ? log : log.slice(0, at);
}

/** The case notion of a linked log whose cases are the objects of `type`. */
export function notionLog(log: string, type: string): string {
  return `${linkedLog(log)}@${type}`;
}

/** The timeline of one object (a line) as a case of its type's notion. */
export function lineTimeline(log: string, type: string, line: string): string {
  return `/logs/${encodeURIComponent(notionLog(log, type))}/cases/${encodeURIComponent(line)}`;
}

/** The cases of a type's notion whose attributes equal the given values, e.g. the PO lines of one SKU at one warehouse. */
export function linesWhere(log: string, type: string, values: Record<string, string>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) query.append('where', conditionText({ name, op: 'equals', value }));
  return `/logs/${encodeURIComponent(notionLog(log, type))}/cases?${query}`;
}
