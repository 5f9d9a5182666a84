import { closeStores } from '../store/db.ts';

/**
 * How a `waybill` process stops. On SIGINT (Ctrl-C) or SIGTERM it runs the
 * registered hooks (a server stops accepting requests, a scheduler starts no new
 * run and lets the runs under way end) for up to `GRACE_MS`, then interrupts the
 * database work still going (an unfinished load rolls back whole), checkpoints
 * and closes every store, and exits. A second signal exits at once: what was
 * committed is in the write-ahead log, which the next start replays.
 */

const GRACE_MS = 10_000;

type Hook = () => unknown;
const hooks: Hook[] = [];
let stopping = false;
let announce = (signal: NodeJS.Signals) =>
  console.error(`${signal}: stopping; the database is checkpointed and closed (send ${signal} again to stop at once)`);
let cleanExit = false;
let installed = false;

/** Registers work to do first when the process is told to stop. */
export function onShutdown(hook: Hook): void {
  hooks.push(hook);
}

/**
 * For servers and schedulers, whose normal end is a signal: it exits with 0, and
 * `say` announces the stop in the command's own log.
 */
export function stopsOnSignal(say?: (signal: NodeJS.Signals) => void): void {
  cleanExit = true;
  if (say) announce = say;
}

/** Installs the signal handlers, and a last checkpoint for when the event loop runs dry. */
export function installShutdown(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
  process.once('beforeExit', () => void closeStores());
}

async function shutdown(signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  const code = cleanExit ? 0 : signal === 'SIGINT' ? 130 : 143;
  if (stopping) process.exit(code);
  stopping = true;
  announce(signal);
  const grace = new Promise((resolve) => setTimeout(resolve, GRACE_MS).unref());
  await Promise.race([Promise.allSettled(hooks.map(async (hook) => hook())), grace]);
  await closeStores();
  process.exit(code);
}
