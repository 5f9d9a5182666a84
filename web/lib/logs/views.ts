/** The pages of one log, in the order its tabs show them: each path under `/logs/NAME`. */
export const LOG_VIEWS = [
  { view: 'map', path: '', label: 'Process map' },
  { view: 'variants', path: '/variants', label: 'Variants' },
  { view: 'cases', path: '/cases', label: 'Cases' },
  { view: 'cycle-times', path: '/cycle-times', label: 'Cycle times' },
  { view: 'bottlenecks', path: '/bottlenecks', label: 'Bottlenecks' },
  { view: 'operations', path: '/operations', label: 'Operations' },
  { view: 'reconciliation', path: '/reconciliation', label: 'Reconciliation' },
  { view: 'loads', path: '/loads', label: 'Loads' },
] as const;

export type LogView = (typeof LOG_VIEWS)[number]['view'];

/** The address of a view of a log. */
export function viewPath(log: string, view: LogView): string {
  return `/logs/${encodeURIComponent(log)}${LOG_VIEWS.find((v) => v.view === view)!.path}`;
}
