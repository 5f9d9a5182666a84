import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian's `postgresql` package puts the server binaries: /usr/lib/postgresql/<major>/bin. */
const DEBIAN_ROOT = '/usr/lib/postgresql';
const PORT = 5432;

/** A throwaway PostgreSQL server listening only on a Unix socket in its own temporary folder. */
export interface TestPostgres {
  /** The socket folder: pass it as `host` (with `port`) to a client. */
  host: string;
  port: number;
  user: string;
  /** Connects to `database` (default `postgres`); the caller ends the client. */
  connect(database?: string): Promise<pg.Client>;
  /** Stops the server and deletes its folder. */
  stop(): void;
}

/** The newest installed server's bin folder, or a clear error saying what to install. */
function serverBin(): string {
  const versions = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT)
        .filter((v) => existsSync(join(DEBIAN_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL is not installed: the pull-job tests start a real server from Debian's postgresql package (no initdb under ${DEBIAN_ROOT}/*/bin). ` +
        'Install it with `apt-get install -y postgresql`; `npm test` does this when it runs as root or with sudo.',
    );
  }
  return join(DEBIAN_ROOT, versions[0]!, 'bin');
}

/**
 * Starts a fresh PostgreSQL cluster (initdb into a temporary folder, trust
 * authentication, no TCP listener, fsync off) and waits until it accepts
 * connections. initdb and the server refuse to run as root, so as root they run
 * as the `postgres` user that Debian's package creates, owning the folder.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'waybill-pg-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'socket');
  mkdirSync(socket);
  const asRoot = process.getuid?.() === 0;
  const run = (program: string, args: string[]) => {
    const [command, ...rest] = asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, program), ...args] : [join(bin, program), ...args];
    return execFileSync(command!, rest, { stdio: 'pipe', encoding: 'utf8' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    for (const path of [dir, socket]) chownSync(path, uid, gid);
  }
  const user = 'postgres';
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone: nothing to stop.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const options = `-k ${socket} -p ${PORT} -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    try {
      run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
    } catch (error) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
      throw new Error(`the test PostgreSQL server did not start: ${error instanceof Error ? error.message : String(error)}\n${log}`);
    }
    started = true;
  } catch (error) {
    stop();
    throw error;
  }
  // Should the test process end without calling stop(), do not leave a server behind.
  process.once('exit', stop);
  return {
    host: socket,
    port: PORT,
    user,
    async connect(database = 'postgres') {
      const client = new pg.Client({ host: socket, port: PORT, user, database });
      await client.connect();
      return client;
    },
    stop() {
      process.off('exit', stop);
      stop();
    },
  };
}
