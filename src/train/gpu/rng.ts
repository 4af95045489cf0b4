/**
 * A small seeded random number generator (SplitMix32 mixing of a Weyl sequence) with normal samples by
 * Box-Muller: the same seed gives the same numbers on every platform.
 * @module
 */

/**
 * A deterministic stream of uniform and normal samples.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const x = rng.normal(); // same value for seed 42 everywhere
 * ```
 */
export class Rng {
  #state: number;

  /** Starts the stream at `seed` (any integer; only its low 32 bits matter). */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A uniform sample in [0, 1) with 32 bits of precision. */
  uniform(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }

  /** A standard normal sample (Box-Muller, one of the pair). */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
