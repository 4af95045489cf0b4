/**
 * Moving-block bootstrap of a curve's points: neighbouring losses are correlated (they share weights), so
 * points are resampled in runs of consecutive ones rather than one by one.
 * @module
 */
import type { Random } from "../fuzz/random.ts";

/**
 * `n` indices into a series of `n` points, drawn as blocks of `block` consecutive indices (default about
 * a tenth of the series, at least 3) starting at random places.
 *
 * @example
 * ```ts
 * import { Random } from "../fuzz/random.ts";
 * import { blockResample } from "./bootstrap.ts";
 * const picks = blockResample(10, new Random(1)); // e.g. [4, 5, 6, 0, 1, 2, 7, 8, 9, 3]
 * console.assert(picks.length === 10 && picks.every((i) => i >= 0 && i < 10));
 * ```
 */
export function blockResample(n: number, random: Random, block = Math.max(3, Math.round(n / 10))): number[] {
  const size = Math.min(block, n);
  const out: number[] = [];
  while (out.length < n) {
    const start = random.int(n - size + 1);
    for (let i = 0; i < size && out.length < n; i++) out.push(start + i);
  }
  return out;
}

/** The `q` quantile (0..1) of `values` by linear interpolation between order statistics. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}
