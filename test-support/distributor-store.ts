import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GroundTruth, writeDistributorCsv } from '../datasets/distributor/index.ts';
import { ingestFile } from '../ingest/index.ts';
import type { Store } from '../store/db.ts';
import { tempStore } from './temp-store.ts';

export type DistributorStream = 'orders' | 'purchasing' | 'shipments';

/**
 * The simulated distributor the mining proofs run on (seed 2026, 6,000 orders,
 * about 5 s): its CSVs in `dir`, the `streams` loaded as flat logs of the same
 * names, and its planted truth. `remove()` deletes it all.
 */
export async function distributorStore(streams: readonly DistributorStream[] = ['orders']): Promise<{ store: Store; dir: string; truth: GroundTruth; remove: () => void }> {
  const { store, dir, remove } = await tempStore('waybill-distributor-');
  await writeDistributorCsv(dir, { seed: 2026, orders: 6000 });
  const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as GroundTruth;
  for (const name of streams) await ingestFile(store, join(dir, `${name}.csv`), { name });
  return { store, dir, truth, remove };
}
