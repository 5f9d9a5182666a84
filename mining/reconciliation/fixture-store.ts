import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { distributorFixtureCsv } from '../kpis/fixture.ts';

/** A store holding the hand-checked fixture (mining/kpis/fixture.ts) as `full`, for the section tests. */
export async function reconciliationFixtureStore(): Promise<{ store: Store; remove: () => void }> {
  const made = await tempStore('waybill-reconcile-');
  await ingestFile(made.store, writeFixture(made.dir, 'full.csv', distributorFixtureCsv()), { name: 'full' });
  return { store: made.store, remove: made.remove };
}
