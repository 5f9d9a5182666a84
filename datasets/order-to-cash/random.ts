/**
 * Seeded pseudo-random numbers for the synthetic logs.
 *
 * The stream is sfc32 (Chris Doty-Humphrey's "small fast counting" generator:
 * 128-bit state, passes PractRand, public domain), seeded through splitmix32 so
 * that neighbouring seeds give unrelated streams. Only 32-bit integer arithmetic
 * makes the stream, so a seed gives the same sequence on every platform.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any 32-bit integer (other integers are reduced modulo 2^32). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be an integer, got ${seed}`);
    }
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) | 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    // The first outputs of sfc32 still correlate with the seed; discard them.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform number in [0, 1) with 32 bits of randomness. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item of a non-empty list, each equally likely. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A standard normal number (Box–Muller; the second value is dropped to keep no state). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1], so the log is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * A log-normal number with the given median and shape `sigma`: the usual model
   * of waiting times, skewed right with a long tail. sigma 0.5 puts 90 % of values
   * within ×/÷ 1.9 of the median; sigma 1 within ×/÷ 3.6.
   */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** An exponential number with the given mean (memoryless waits, e.g. picking up a queue). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/**
 * Draws items with fixed relative weights in O(log n) per draw, using a
 * cumulative-weight table and binary search (many customers and SKUs).
 */
export class Weighted<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new RangeError('Weighted needs at least one entry');
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, weight], i) => {
      if (!(weight >= 0)) throw new RangeError(`weight must be >= 0, got ${weight}`);
      total += weight;
      this.cumulative[i] = total;
    });
    if (total <= 0) throw new RangeError('Weighted needs a positive total weight');
  }

  /** One item, chosen with probability proportional to its weight. */
  draw(rng: Random): T {
    const cumulative = this.cumulative;
    const target = rng.next() * (cumulative[cumulative.length - 1] as number);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}
