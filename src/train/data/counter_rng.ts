/**
 * A counter-based random stream: the numbers for a (seed, counter) pair are a pure function of the pair,
 * so the stream of any step can be rebuilt without replaying the ones before it (exact resume).
 * @module
 */

/** murmur3's 32-bit finalizer: a bijective mix of the bits of `x`. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Uniform numbers in [0, 1) for one (seed, counter) pair (mulberry32 seeded from both).
 *
 * @example
 * ```ts
 * const rng = new CounterRng(1, 42);
 * rng.next() === new CounterRng(1, 42).next(); // true
 * ```
 */
export class CounterRng {
  #state: number;

  constructor(seed: number, counter: number) {
    this.#state = fmix32(
      fmix32(seed >>> 0) ^ Math.imul(counter >>> 0, 0x9e3779b9) ^ (counter / 2 ** 32 >>> 0),
    );
  }

  /** The next number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
