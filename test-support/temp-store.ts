import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../store/db.ts';

/** A Waybill database file in a fresh temporary folder; `remove()` deletes the folder. */
export async function tempStore(prefix = 'waybill-test-'): Promise<{ store: Store; dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = await openStore(join(dir, 'waybill.duckdb'));
  return { store, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
