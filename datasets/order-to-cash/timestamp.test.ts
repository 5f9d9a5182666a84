import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';
import { IsoTimestampFormatter } from './timestamp.ts';

describe('IsoTimestampFormatter', () => {
  it('formats like Date#toISOString', () => {
    const formatter = new IsoTimestampFormatter();
    const edges = [
      0,
      Date.parse('2026-01-05T08:13:27.000Z'),
      Date.parse('2028-02-29T23:59:59.999Z'),
      Date.parse('2026-12-31T23:59:59.999Z'),
      Date.parse('2027-01-01T00:00:00.000Z'),
      Date.parse('1969-12-31T23:59:59.001Z'),
    ];
    const rng = new Random(1);
    const random = Array.from({ length: 20_000 }, () => Math.floor(rng.next() * 4_102_444_800_000));
    const all = [...edges, ...random];
    expect(all.map((ms) => formatter.format(ms))).toEqual(all.map((ms) => new Date(ms).toISOString()));
  });
});
