/**
 * The float64 reference of the EMA of the weights (kernels/ema.wgsl), for the kernel tests.
 * @module
 */

/**
 * One EMA update in place, in float64: `ema = decay * ema + (1 - decay) * params`.
 *
 * @example
 * ```ts
 * const ema = Float64Array.of(1, 2);
 * emaUpdate(ema, [3, 4], 0.5);
 * console.assert(ema[0] === 2 && ema[1] === 3);
 * ```
 */
export function emaUpdate(ema: Float64Array, params: ArrayLike<number>, decay: number): void {
  for (let i = 0; i < ema.length; i++) ema[i] = decay * ema[i] + (1 - decay) * params[i];
}
