import { describe, expect, it } from 'vitest';
import { logGamma, normalTwoSided, regularizedBeta, slopeTest, studentTwoSided, twoProportionZ } from './statistics.ts';

describe('Student t', () => {
  it('matches the closed forms for 1, 2 and 3 degrees of freedom', () => {
    for (const t of [0.3, 1, 2.5, 7]) {
      // df 1 (Cauchy): 1 − 2/π·atan|t|; df 2: 1 − |t|/√(2 + t²); df 3: 1 − 2/π·(atan(u) + u/(1 + u²)), u = |t|/√3.
      expect(studentTwoSided(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 12);
      expect(studentTwoSided(-t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
      const u = t / Math.sqrt(3);
      expect(studentTwoSided(t, 3)).toBeCloseTo(1 - (2 / Math.PI) * (Math.atan(u) + u / (1 + u * u)), 12);
    }
  });

  it('gives the tabled critical values', () => {
    expect(studentTwoSided(2.776445105, 4)).toBeCloseTo(0.05, 8);
    expect(studentTwoSided(2.228138852, 10)).toBeCloseTo(0.05, 8);
    expect(studentTwoSided(3.169272673, 10)).toBeCloseTo(0.01, 8);
    expect(studentTwoSided(0, 7)).toBe(1);
  });

  it('has a regularized beta with I_x(a, b) = 1 − I_{1−x}(b, a) and ln Γ exact at integers', () => {
    expect(regularizedBeta(0.3, 2.5, 0.5) + regularizedBeta(0.7, 0.5, 2.5)).toBeCloseTo(1, 12);
    // I_x(1, 1) = x; I_x(a, 1) = x^a.
    expect(regularizedBeta(0.37, 1, 1)).toBeCloseTo(0.37, 12);
    expect(regularizedBeta(0.6, 3, 1)).toBeCloseTo(0.216, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});

describe('slope test', () => {
  it('tests the least-squares slope with n − 2 degrees of freedom', () => {
    // Rates .1 .2 .3 .4 .6: slope .12, intercept .08, residuals .02 0 −.02 −.04 .04, SSE .004, se √(.004/3/10).
    const fit = slopeTest([0.1, 0.2, 0.3, 0.4, 0.6].map((y, x) => [x, y] as const));
    expect(fit.slope).toBeCloseTo(0.12, 12);
    expect(fit.intercept).toBeCloseTo(0.08, 12);
    const t = 0.12 / Math.sqrt(0.004 / 3 / 10);
    expect(fit.t).toBeCloseTo(t, 8);
    const u = t / Math.sqrt(3);
    expect(fit.pValue).toBeCloseTo(1 - (2 / Math.PI) * (Math.atan(u) + u / (1 + u * u)), 10);
  });

  it('says nothing it cannot: no slope under two points, no p-value under three', () => {
    expect(slopeTest([[0, 0.5]])).toEqual({ slope: null, intercept: null, t: null, pValue: null });
    expect(slopeTest([[0, 0.1], [1, 0.3]])).toMatchObject({ slope: expect.closeTo(0.2, 12), pValue: null });
    expect(slopeTest([[0, 0.2], [1, 0.2], [2, 0.2]])).toMatchObject({ slope: 0, pValue: 1 });
    expect(slopeTest([[0, 0.1], [1, 0.2], [2, 0.3]]).pValue).toBe(0);
  });
});

describe('two-proportion z', () => {
  it('pools the rates for the standard error', () => {
    // 60/300 against 30/300: pooled .15, se √(.1275 · 2/300), z = .1 / se.
    const { z, pValue } = twoProportionZ(60, 300, 30, 300);
    expect(z).toBeCloseTo(0.1 / Math.sqrt(0.1275 * (2 / 300)), 12);
    expect(pValue).toBeCloseTo(normalTwoSided(z), 15);
    expect(normalTwoSided(1.959964)).toBeCloseTo(0.05, 6);
    expect(twoProportionZ(0, 10, 0, 20)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZ(1, 0, 0, 20)).toEqual({ z: 0, pValue: 1 });
  });
});
