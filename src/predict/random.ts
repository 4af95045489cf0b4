/**
 * A seeded random number generator (mulberry32) for the fitter's starts and bootstrap resamples, so that
 * the same inputs give the same fit.
 * @module
 */

/**
 * Uniform numbers from a 32-bit seed.
 *
 * @example
 * ```ts
 * import { SeededRandom } from "./random.ts";
 * const random = new SeededRandom(1);
 * const x = random.next();
 * console.assert(x >= 0 && x < 1 && new SeededRandom(1).next() === x);
 * ```
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** The next number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.#state ^ (this.#state >>> 15), 1 | this.#state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
