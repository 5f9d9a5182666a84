import { describe, expect, it } from 'vitest';
import { fileSize, loadFraction, suggestedName } from './upload.ts';

describe('upload helpers', () => {
  it('suggests a log name from the file name', () => {
    expect(suggestedName('Orders Q3.csv.gz')).toBe('Orders Q3');
    expect(suggestedName('receipt.xes')).toBe('receipt');
    expect(suggestedName('dump.parquet')).toBe('dump');
  });

  it('writes file sizes for people', () => {
    expect([212, 4_300, 1_234_567, 2_147_483_648].map(fileSize)).toEqual(['212 bytes', '4.3 kB', '1.2 MB', '2.1 GB']);
  });

  it('maps the two load phases onto one bar', () => {
    expect(loadFraction({ status: 'uploaded', progress: null })).toBe(0);
    expect(loadFraction({ status: 'loading', progress: { phase: 'reading', fraction: 0.5 } })).toBeCloseTo(0.35);
    expect(loadFraction({ status: 'loading', progress: { phase: 'storing', fraction: 0 } })).toBeCloseTo(0.7);
    expect(loadFraction({ status: 'loaded', progress: { phase: 'storing', fraction: 1 } })).toBe(1);
  });
});
