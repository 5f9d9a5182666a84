import { queryRows, withConnection } from '../../store/db.ts';
import type { Store } from '../../store/db.ts';
import { findLog } from '../../store/logs.ts';
import { checkWholeNumber, UnknownLogError } from '../errors.ts';
import { toCsv } from '../export/csv.ts';

/** One load of a source into a log. */
export type Load = {
  load: number;
  source: string;
  sha256: string;
  mode: string;
  rowsRead: number;
  eventsAdded: number;
  duplicatesSkipped: number;
  quarantined: number;
  loadedAt: string;
};

/** A row a load set aside: its source, line and column, what was wrong, and the value. */
export type QuarantinedRow = {
  load: number;
  source: string;
  line: number | null;
  column: string | null;
  problem: string;
  value: string | null;
};

/** A log's loads, newest first, and its quarantined rows (the first `limit`, by load and line). */
export interface LoadHistory {
  log: string;
  /** The log the loads went into: this one, or for a case notion its object-centric log, which is loaded as a whole. */
  loadedAs: string;
  loads: Load[];
  quarantined: number;
  quarantine: QuarantinedRow[];
}

/**
 * The loads of `logName` and the rows they set aside (at most `limit`, default
 * 1,000, of them). A case notion has no loads of its own: its object-centric
 * log's are returned.
 */
export async function getLoadHistory(store: Store, logName: string, options: { limit?: number } = {}): Promise<LoadHistory> {
  checkWholeNumber(options.limit, 'limit', 1, 1_000_000);
  return withConnection(store, async (connection) => {
    const named = await findLog(connection, logName);
    if (!named) throw new UnknownLogError(logName);
    const log = named.parent === null ? named : (await findLog(connection, named.parent))!;
    const params = { log: log.id };
    const loads = await queryRows<Load>(
      connection,
      `SELECT load_id AS load, source, source_sha256 AS sha256, mode, rows_read AS "rowsRead", events_added AS "eventsAdded",
              duplicates_skipped AS "duplicatesSkipped", quarantined, strftime(loaded_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "loadedAt"
       FROM loads WHERE log_id = $log ORDER BY load_id DESC`,
      params,
    );
    const quarantine = await queryRows<QuarantinedRow>(
      connection,
      `SELECT load_id AS load, source, line, column_name AS "column", problem, value
       FROM quarantine WHERE log_id = $log ORDER BY load_id, line LIMIT ${options.limit ?? 1_000}`,
      params,
    );
    const [{ n }] = (await queryRows<{ n: number }>(connection, `SELECT count(*)::BIGINT AS n FROM quarantine WHERE log_id = $log`, params)) as [{ n: number }];
    return { log: named.name, loadedAs: log.name, loads, quarantined: n, quarantine };
  });
}

/** The quarantined rows of a load history as CSV for a spreadsheet (cells that could run as formulas neutralized). */
export function quarantineCsv(history: LoadHistory): string {
  return toCsv(
    ['load', 'source', 'line', 'column', 'problem', 'value'],
    history.quarantine.map((q) => [q.load, q.source, q.line, q.column, q.problem, q.value]),
  );
}

/** A load's source as API clients see it: its file names, not the folders the server read them from. */
export function sourceName(source: string): string {
  return source
    .split(' + ')
    .map((part) => part.split(/[\\/]/).pop() ?? part)
    .join(' + ');
}
