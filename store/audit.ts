import { userInfo } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, withConnection, type Row, type Store } from './db.ts';

/**
 * The audit trail: who did what to which log, when and from where. Loads write
 * their entry in their own transaction (so a load and its entry stand or fall
 * together); uploads, settings and job runs write theirs when they happen.
 */

/** Who acted, and through what: the command line (the system user), the web (a client address) or a pull job. */
export interface Actor {
  name: string;
  via: 'cli' | 'web' | 'job' | 'schedule';
  address?: string;
}

export type AuditAction =
  | 'load'
  | 'append'
  | 'replace'
  | 'delete'
  | 'upload'
  | 'settings'
  | 'job run'
  | 'report sent'
  | 'sign-in'
  | 'sign-in failed'
  | 'sign-out'
  | 'user added'
  | 'user changed'
  | 'user removed'
  | 'sessions ended'
  | 'token created'
  | 'token revoked'
  | 'access changed';

export interface AuditEntry {
  at: string;
  actor: string;
  via: Actor['via'];
  address: string | null;
  action: AuditAction;
  log: string | null;
  detail: string;
}

/** The person at this machine's command line: the system user running Waybill. */
export function commandLineActor(): Actor {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return { name, via: 'cli' };
}

/** A pull job, acting on its own schedule or when run by hand. */
export function jobActor(job: string): Actor {
  return { name: `job ${job}`, via: 'job' };
}

/** Writes one entry on `connection`, inside whatever transaction it has open. */
export async function recordAudit(connection: DuckDBConnection, actor: Actor, action: AuditAction, log: string | null, detail: string): Promise<void> {
  await connection.run(`INSERT INTO audit VALUES (now(), $actor, $via, $address, $action, $log, $detail)`, {
    actor: actor.name,
    via: actor.via,
    address: actor.address ?? null,
    action,
    log,
    detail,
  });
}

/** Writes one entry in a transaction of its own. */
export async function audit(store: Store, actor: Actor, action: AuditAction, log: string | null, detail: string): Promise<void> {
  await withConnection(store, (connection) => recordAudit(connection, actor, action, log, detail));
}

/** The newest entries first, at most `limit`, optionally of one log. */
export async function listAudit(store: Store, options: { limit?: number; log?: string } = {}): Promise<AuditEntry[]> {
  const limit = options.limit ?? 1000;
  return withConnection(store, (connection) =>
    queryRows<AuditEntry & Row>(
      connection,
      `SELECT strftime(recorded_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at, actor, via, address, action, log, detail
       FROM audit WHERE $log IS NULL OR log = $log ORDER BY recorded_at DESC LIMIT $limit`,
      { log: options.log ?? null, limit },
    ),
  );
}
