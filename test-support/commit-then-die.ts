/**
 * A process that commits to a DuckDB file and dies by SIGKILL before any
 * checkpoint, so the commit is left in the write-ahead log for the next open to
 * replay. `node --import tsx commit-then-die.ts DB migrate FROM` applies the
 * store's migrations after version FROM, as `openStore` does; `... DB sql TEXT`
 * runs TEXT. Either way in one transaction.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { MIGRATIONS } from '../store/schema.ts';

const [path, mode, argument] = process.argv.slice(2);
const instance = await DuckDBInstance.create(path!, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', wal_autocheckpoint: '1TB' });
const connection = await instance.connect();
await connection.run('BEGIN TRANSACTION');
if (mode === 'migrate') {
  for (const migration of MIGRATIONS.filter((m) => m.version > Number(argument))) await connection.run(migration.sql);
  await connection.run(`INSERT OR REPLACE INTO waybill_meta VALUES ('schema_version', '${MIGRATIONS.at(-1)!.version}')`);
} else {
  await connection.run(argument!);
}
await connection.run('COMMIT');
process.kill(process.pid, 'SIGKILL');
