/**
 * Child process of `npm run bench`: loads the simulated distributor's three CSVs in
 * DIR as one linked log into a fresh database, times the KPIs on its order notion and
 * the reconciliation across its streams (warm), then the same answers as plain SQL on
 * the CSVs (the floor), and prints one JSON line. A process of its own, as `waybill
 * serve` is: a second DuckDB instance in the same process slows both.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingestLinkedFiles, parseObjectKeys } from '../ingest/index.ts';
import { getKpis, getReconciliation } from '../mining/index.ts';
import { closeStore, openStore } from '../store/db.ts';
import { quoteLiteral } from '../store/sql.ts';
import { FLOOR_KPIS, FLOOR_LINKED_INGEST, FLOOR_RECONCILIATION } from './floor-linked.ts';
import { runAll, time, warm } from './timing.ts';

const DISTRIBUTOR_OBJECTS = ['order=order_id', 'order line=order_line_id', 'order line=order_line_ids[]', 'purchase order=po_id', 'PO line=po_line_id', 'shipment=shipment_id'];

const [dir, dataDir] = process.argv.slice(2);
if (!dir || !dataDir) throw new Error('usage: linked.ts CSV_DIR DATA_DIR');
const files = ['orders.csv', 'purchasing.csv', 'shipments.csv'].map((f) => join(dir, f)) as [string, string, string];

const fresh = (path: string) => {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  return path;
};

const dbPath = fresh(join(dataDir, 'linked.duckdb'));
const store = await openStore(dbPath);
const ingest = await time(() => ingestLinkedFiles(store, files, { name: 'distributor', objects: parseObjectKeys(DISTRIBUTOR_OBJECTS) }));
// The floor judges the same orders: the date OTIF was judged by, as its definition states it.
const otif = (await getKpis(store, 'distributor@order')).kpis.find((k) => k.id === 'otif')!;
const judgedBy = /judged by (\d{4}-\d{2}-\d{2})/.exec(otif.definition)![1]!;
const waybillKpisMs = await warm(() => getKpis(store, 'distributor@order'));
const waybillReconciliationMs = await warm(() => getReconciliation(store, 'distributor'));
await closeStore(dbPath);

const floor = await DuckDBInstance.create(fresh(join(dataDir, 'linked-floor.duckdb')), { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const connection = await floor.connect();
await runAll(connection, FLOOR_LINKED_INGEST(...(files.map(quoteLiteral) as [string, string, string])));
const floorKpisMs = await warm(() => runAll(connection, FLOOR_KPIS(judgedBy)));
const floorReconciliationMs = await warm(() => runAll(connection, FLOOR_RECONCILIATION));
connection.closeSync();
floor.closeSync();

console.log(
  JSON.stringify({
    events: ingest.result.events,
    ingestMs: ingest.ms,
    kpis: { waybillMs: waybillKpisMs, floorMs: floorKpisMs },
    reconciliation: { waybillMs: waybillReconciliationMs, floorMs: floorReconciliationMs },
  }),
);
