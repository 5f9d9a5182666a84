import { logGroups, maySee, type Identity } from '../../store/accounts.ts';
import type { Store } from '../../store/db.ts';
import { listLogs, logAccess, type LogInfo } from '../../store/logs.ts';
import { UnknownLogError } from '../../mining/errors.ts';

/**
 * Per-log access: a log restricted to groups is seen only by members of one of
 * them (and by admins); its case notions follow it. A log someone may not see
 * answers exactly as a log that does not exist (404), so its name stays private.
 */
export async function checkLogAccess(store: Store, identity: Identity, log: string): Promise<void> {
  if (identity.role === 'admin') return;
  const access = await logAccess(store, log);
  // An unknown log is the analysis's own 404.
  if (access !== undefined && !maySee(identity, access.groups)) throw new UnknownLogError(log);
}

/** The logs `identity` may see. */
export async function visibleLogs(store: Store, identity: Identity): Promise<LogInfo[]> {
  const [logs, groups] = await Promise.all([listLogs(store), logGroups(store)]);
  return logs.filter((log) => maySee(identity, groups.get(log.parent ?? log.name)));
}
