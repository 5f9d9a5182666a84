/**
 * A process that appends FILE to the log `orders` in the store DB while another
 * connection holds an open write transaction, as a server's second writer would:
 * that keeps the load's commit from being checkpointed, so it goes to the
 * write-ahead log. Once the load has committed, the process dies by SIGKILL,
 * leaving the log for the next open to replay.
 * `node --import tsx append-to-wal-then-die.ts DB FILE`
 */
import { ingestFile } from '../ingest/index.ts';
import { openStore } from '../store/db.ts';

const [path, file] = process.argv.slice(2);
const store = await openStore(path!);
const other = await store.instance.connect();
await other.run('BEGIN TRANSACTION');
await other.run(`INSERT INTO log_settings VALUES ('elsewhere', 'note', '1', now())`);
await ingestFile(store, file!, { name: 'orders', mode: 'append' });
process.kill(process.pid, 'SIGKILL');
