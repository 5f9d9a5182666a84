import { describe, expect, it } from 'vitest';
import { defaultLogName } from './log-name.ts';

describe('defaultLogName', () => {
  it('is the file’s base name without its compression and format extensions, for ingest, uploads and the page alike', () => {
    expect(defaultLogName('/data/exports/orders.csv.gz')).toBe('orders');
    expect(defaultLogName('C:\\exports\\BPIC 2012.xes')).toBe('BPIC 2012');
    expect(defaultLogName('report.v2.parquet')).toBe('report.v2');
    expect(defaultLogName('order-management.jsonocel')).toBe('order-management');
    expect(defaultLogName('shipments.json')).toBe('shipments');
    expect(defaultLogName('notes.md')).toBe('notes.md');
  });
});
