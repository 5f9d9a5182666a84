import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewFile } from './preview.ts';

/**
 * The upload page previews a file before anything is loaded: for a 2 GiB CSV that
 * must take about a second and a few megabytes, not a full read into DuckDB.
 */

let dir: string;
let path: string;
const GIB = 1024 ** 3;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'waybill-preview-large-'));
  path = join(dir, 'orders.csv');
  const rows: string[] = [];
  for (let i = 0; rows.join('\n').length < 4 * 1024 * 1024; i += 500) {
    for (let j = i; j < i + 500; j++) rows.push(`SO-${j},${['Order Captured', 'Order Validated', 'Shipped', 'Invoiced'][j % 4]},2026-01-${String(1 + (j % 28)).padStart(2, '0')}T${String(j % 24).padStart(2, '0')}:00:00Z,clerk.${j % 7},${(j % 1000) / 10}`);
  }
  const block = Buffer.from(`${rows.join('\n')}\n`);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'case_id,activity,timestamp,resource,amount\n');
    for (let written = 0; written < 2 * GIB; written += block.length) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('previewing a 2 GiB CSV', () => {
  it('reads its head only: within 2 s and 200 MiB, with the columns, first rows and mapping a load would use', async () => {
    expect(statSync(path).size).toBeGreaterThanOrEqual(2 * GIB);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = performance.now();
    const preview = await previewFile(path, 'orders.csv');
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const grewMiB = (peak - baseline) / 1024 / 1024;
    console.log(`preview of a ${(statSync(path).size / GIB).toFixed(2)} GiB CSV: ${seconds.toFixed(2)} s, memory grew ${grewMiB.toFixed(0)} MiB`);
    expect(seconds).toBeLessThan(2);
    expect(grewMiB).toBeLessThan(200);
    expect(preview.columns).toEqual(['case_id', 'activity', 'timestamp', 'resource', 'amount']);
    expect(preview.sample[0]).toEqual(['SO-0', 'Order Captured', '2026-01-01T00:00:00Z', 'clerk.0', '0.0']);
    expect(preview.sample).toHaveLength(20);
    expect(preview.mapping).toMatchObject({ case: 'case_id', activity: 'activity', timestamp: 'timestamp', resource: 'resource' });
  }, 60_000);
});
