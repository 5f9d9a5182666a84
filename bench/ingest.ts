/**
 * Child process of `npm run bench`: loads one CSV file into a fresh database,
 * through Waybill (`waybill`) or as the plain-SQL floor (`floor`: read_csv into a
 * table), and prints one JSON line with the event count, the wall time and this
 * process's peak RSS, so each load's memory is measured on its own.
 */
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingestFile } from '../ingest/index.ts';
import { openStore } from '../store/db.ts';
import { quoteLiteral } from '../store/sql.ts';
import { FLOOR_INGEST } from './floor.ts';

const [how, csv, db] = process.argv.slice(2);
if ((how !== 'waybill' && how !== 'floor') || !csv || !db) throw new Error('usage: ingest.ts waybill|floor CSV DB');
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
let events: number;
const started = performance.now();
if (how === 'waybill') {
  events = (await ingestFile(await openStore(db), csv, { name: 'bench' })).events;
} else {
  const instance = await DuckDBInstance.create(db, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const connection = await instance.connect();
  await connection.run(FLOOR_INGEST(quoteLiteral(csv)));
  events = Number((await connection.runAndReadAll('SELECT count(*) FROM raw')).getRows()[0]![0]);
  connection.closeSync();
}
const ms = performance.now() - started;
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
console.log(JSON.stringify({ events, ms, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
