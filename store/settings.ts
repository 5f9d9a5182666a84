import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, type JsonValue, queryRow } from './db.ts';

/** A saved per-log setting and when it was saved (ISO-8601 UTC). */
export interface LogSetting {
  value: JsonValue;
  updatedAt: string;
}

/**
 * The setting `key` saved for the log named `log`, or undefined. Settings are keyed
 * by the log's name, not its id, so they outlive a replace of the log's events.
 */
export async function getLogSetting(connection: DuckDBConnection, log: string, key: string): Promise<LogSetting | undefined> {
  const row = await queryRow<{ value: string; updatedAt: string }>(
    connection,
    `SELECT value::VARCHAR AS value, strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "updatedAt"
     FROM log_settings WHERE log = $log AND key = $key ORDER BY updated_at DESC LIMIT 1`,
    { log, key },
  );
  return row === undefined ? undefined : { value: JSON.parse(row.value) as JsonValue, updatedAt: row.updatedAt };
}

/**
 * Saves `value` as the log's setting `key`, replacing what was there; null removes it.
 * The table has no primary key (see migration 5), so a replace is a DELETE and an
 * INSERT in one transaction; `updated_at` is set here, since no column default may
 * call a function.
 */
export async function setLogSetting(connection: DuckDBConnection, log: string, key: string, value: JsonValue): Promise<void> {
  await inTransaction(connection, async () => {
    await connection.run(`DELETE FROM log_settings WHERE log = $log AND key = $key`, { log, key });
    if (value === null) return;
    await connection.run(`INSERT INTO log_settings (log, key, value, updated_at) VALUES ($log, $key, $value::JSON, $at::TIMESTAMPTZ)`, {
      log,
      key,
      value: JSON.stringify(value),
      at: new Date().toISOString(),
    });
  });
}
