import type { AuditEntry } from '../store/audit.ts';
import { toCsv } from './export/csv.ts';

export { listAudit, type AuditEntry } from '../store/audit.ts';

/** Audit entries as CSV for a spreadsheet (cells that could run as formulas neutralized). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return toCsv(
    ['at', 'actor', 'via', 'address', 'action', 'log', 'detail'],
    entries.map((e) => [e.at, e.actor, e.via, e.address, e.action, e.log, e.detail]),
  );
}
