/**
 * The decay of each update of a plan's EMA of the weights: the one place consumers (the trainer, the
 * emitters) read it, so that a per-update decay changes only this function.
 * @module
 */
import type { Ema, Segment } from "./schema.ts";
import { segmentValue } from "./evaluate.ts";

/**
 * The decay `d` that update `k` (counted from 0) applies, `ema = d * ema + (1 - d) * w`: 0 up to the EMA's
 * `start` (the EMA is then a copy of the weights), then its decay, or the plan's schedule of it (`schedule`,
 * the plan's `timelines.emaDecay`).
 *
 * @example
 * ```ts
 * const ema = { name: "ema", decay: 0.99, start: 10, step: 100, origin: { file: "", line: 1, column: 1 } };
 * console.assert(emaDecay(ema, 10) === 0 && emaDecay(ema, 11) === 0.99);
 * ```
 */
export function emaDecay(ema: Ema, k: number, schedule?: readonly Segment[]): number {
  if (k <= ema.start) return 0;
  return schedule ? segmentValue(schedule, k) : ema.decay;
}
