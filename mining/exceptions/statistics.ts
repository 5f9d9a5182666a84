import { errorFunction, linearRegression } from 'simple-statistics';

/** The significance level every test of the exception trends is judged at. */
export const ALPHA = 0.05;

/**
 * Least-squares slope of y on x with the two-sided t-test of "slope = 0": t = b / se(b),
 * se(b) = √(SSE / (n − 2) / Sxx), against Student's t with n − 2 degrees of freedom.
 * Needs three points with at least two distinct x; otherwise the slope is what can be
 * computed (null with fewer than two points) and the p-value is null.
 */
export function slopeTest(points: readonly (readonly [number, number])[]): { slope: number | null; intercept: number | null; t: number | null; pValue: number | null } {
  const n = points.length;
  if (n < 2) return { slope: null, intercept: null, t: null, pValue: null };
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  if (sxx === 0) return { slope: null, intercept: null, t: null, pValue: null };
  const { m, b } = linearRegression(points.map(([x, y]) => [x, y]));
  if (n < 3) return { slope: m, intercept: b, t: null, pValue: null };
  const sse = points.reduce((s, [x, y]) => s + (y - (b + m * x)) ** 2, 0);
  const df = n - 2;
  const se = Math.sqrt(sse / df / sxx);
  // A perfect fit: any non-zero slope is certain, a flat line is no evidence at all.
  // Residuals below rounding noise of the rates count as a perfect fit.
  if (se <= 1e-12 * Math.max(1, Math.abs(m))) return { slope: m, intercept: b, t: m === 0 ? 0 : Math.sign(m) * Infinity, pValue: Math.abs(m) <= 1e-15 ? 1 : 0 };
  const t = m / se;
  return { slope: m, intercept: b, t, pValue: studentTwoSided(t, df) };
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * Two-proportion z-test with the pooled rate: z = (p1 − p2) / √(p(1 − p)(1/n1 + 1/n2)),
 * p = (x1 + x2) / (n1 + n2); two-sided p-value from the normal distribution.
 * When both groups have the same all-or-nothing rate (p is 0 or 1) there is no
 * difference to test: z = 0, p = 1.
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): { z: number; pValue: number } {
  if (n1 === 0 || n2 === 0) return { z: 0, pValue: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, pValue: normalTwoSided(z) };
}

/** Two-sided p-value of a standard normal z: 1 − erf(|z| / √2) (simple-statistics' erf, error < 1.2e-7). */
export function normalTwoSided(z: number): number {
  return Math.min(1, Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2)));
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz's method). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
