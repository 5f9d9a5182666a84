import { describe, expect, it } from 'vitest';
import { humanizeSeconds } from './format.ts';

describe('humanizeSeconds', () => {
  it('shows the two largest adjacent units', () => {
    expect(humanizeSeconds(3 * 86400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(humanizeSeconds(2 * 3600 + 5 * 60)).toBe('2h 5m');
    expect(humanizeSeconds(86400 + 180)).toBe('1d');
    expect(humanizeSeconds(45)).toBe('45s');
    expect(humanizeSeconds(400 * 86400)).toBe('1y 35d');
  });
  it('handles zero, fractions, negatives and missing values', () => {
    expect(humanizeSeconds(0)).toBe('0s');
    expect(humanizeSeconds(0.12)).toBe('120ms');
    expect(humanizeSeconds(-90)).toBe('-1m 30s');
    expect(humanizeSeconds(null)).toBe('–');
    expect(humanizeSeconds(Number.NaN)).toBe('–');
  });
});
