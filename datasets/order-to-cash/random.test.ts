import { describe, expect, it } from 'vitest';
import { Random, Weighted } from './random.ts';

describe('Random', () => {
  it('repeats a sequence for a seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const rng = new Random(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws uniform numbers in [0, 1) and log-normals around their median', () => {
    const rng = new Random(9);
    const uniform = Array.from({ length: 20_000 }, () => rng.next());
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniform)).toBeLessThan(1);
    expect(uniform.reduce((a, b) => a + b, 0) / uniform.length).toBeCloseTo(0.5, 1);
    const waits = Array.from({ length: 20_000 }, () => rng.lognormal(100, 0.7)).sort((a, b) => a - b);
    expect(waits[10_000]).toBeGreaterThan(95);
    expect(waits[10_000]).toBeLessThan(105);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => new Random(0.5)).toThrow(RangeError);
  });
});

describe('Weighted', () => {
  it('draws in proportion to the weights and never draws a zero weight', () => {
    const rng = new Random(3);
    const table = new Weighted([['a', 1], ['never', 0], ['b', 3]] as const);
    const counts = { a: 0, never: 0, b: 0 };
    for (let i = 0; i < 40_000; i++) counts[table.draw(rng)] += 1;
    expect(counts.never).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.8);
    expect(counts.b / counts.a).toBeLessThan(3.2);
  });
});
