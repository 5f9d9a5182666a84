import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GroundTruth } from '../datasets/distributor/index.ts';
import { memoryDuckDB } from '../test-support/memory-duckdb.ts';
import { main } from './main.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waybill-generate-'));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('waybill generate', () => {
  it('writes the three streams as Parquet with the ground truth beside them', async () => {
    const out = join(dir, 'pq');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['generate', '--seed', '4', '--out', out, '--orders', '800', '--days', '21', '--format', 'parquet'])).toBe(0);
    expect(log.mock.calls[0]?.[0]).toMatch(/^Wrote [\d,]+ events of 800 orders .* orders\.parquet, purchasing\.parquet, shipments\.parquet, ground-truth\.json$/);
    expect((await readdir(out)).sort()).toEqual(['ground-truth.json', 'orders.parquet', 'purchasing.parquet', 'shipments.parquet']);
    const truth = JSON.parse(await readFile(join(out, 'ground-truth.json'), 'utf8')) as GroundTruth;
    const { connection, close } = await memoryDuckDB();
    for (const stream of ['orders', 'purchasing', 'shipments'] as const) {
      const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(out, `${stream}.parquet`)}')`);
      expect(reader.getRowObjectsJS()[0]?.n).toBe(truth.events[stream]);
    }
    close();
  });

  it('refuses an unknown format and a bad scenario file', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['generate', '--out', join(dir, 'x'), '--format', 'xml'])).toBe(2);
    expect(error.mock.calls.at(-1)?.[0]).toMatch(/--format must be csv or parquet/);
    expect(await main(['generate', '--out', join(dir, 'y'), '--scenario', join(dir, 'missing.json')])).toBe(1);
    expect(error.mock.calls.at(-1)?.[0]).toMatch(/cannot read scenario .*missing\.json/);
  });
});
