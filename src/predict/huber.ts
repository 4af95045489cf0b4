/**
 * The Huber loss as a least-squares residual, so that Levenberg–Marquardt minimises it, and the noise
 * scale that sets its threshold.
 * @module
 */

/**
 * `sign(r) * sqrt(2 * huber(r))`: its square is twice the Huber loss of `r` with threshold `delta`
 * (r^2 / 2 inside, delta * (|r| - delta / 2) outside), so large residuals count linearly, not squared.
 *
 * @example
 * ```ts
 * import { huberResidual } from "./huber.ts";
 * console.assert(huberResidual(0.5, 1) === 0.5); // inside: unchanged
 * console.assert(huberResidual(3, 1) === Math.sqrt(5)); // squared: 2 * (3 - 0.5)
 * ```
 */
export function huberResidual(r: number, delta: number): number {
  const a = Math.abs(r);
  if (a <= delta) return r;
  return Math.sign(r) * Math.sqrt(delta * (2 * a - delta));
}

/** The median of `values` (NaN when empty). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The noise of a series from its successive differences: 1.4826 * MAD(diff) / sqrt(2), a robust standard
 * deviation of point-to-point noise that a slow trend hardly changes.
 *
 * @example
 * ```ts
 * import { noiseScale } from "./huber.ts";
 * const noise = noiseScale([[1, 1.1, 0.9, 1.05, 0.95]]);
 * console.assert(noise > 0.05 && noise < 0.2);
 * ```
 */
export function noiseScale(series: number[][]): number {
  const diffs = series.flatMap((s) => s.slice(1).map((x, i) => x - s[i]));
  if (diffs.length === 0) return 0;
  const m = median(diffs);
  return (1.4826 * median(diffs.map((d) => Math.abs(d - m)))) / Math.SQRT2;
}
