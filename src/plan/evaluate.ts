/**
 * What the plan says for one update.
 * @module
 */
import type { Phase, Plan } from "./schema.ts";
import { shapeValue } from "./shape_value.ts";

/** Everything the plan fixes for one optimizer update. */
export interface StepSettings {
  /** The update, counted from 0. */
  step: number;
  /** Index into `plan.phases`. */
  phase: number;
  lr: number;
  weightDecay: number;
  /** Sequences in this update's batch. */
  batch: number;
  /** Normalised source weights. */
  mix: Readonly<Record<string, number>>;
}

/** Index of the phase that holds update `step` (binary search over the tiling). */
export function phaseIndexAt(plan: Plan, step: number): number {
  if (!Number.isInteger(step) || step < 0 || step >= plan.steps) {
    throw new RangeError(`Step "${step}" is outside the plan, which covers updates 0 to ${plan.steps - 1}`);
  }
  let lo = 0;
  let hi = plan.phases.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (plan.phases[mid].start <= step) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Sequences per update: the batch shape's value rounded half up, at least 1. */
export function batchAt(phase: Pick<Phase, "batch" | "start" | "end" | "offset">, i: number): number {
  return Math.max(1, Math.floor(shapeValue(phase.batch, i, phase.end - phase.start, phase.offset) + 0.5));
}

/**
 * The LR, weight decay, batch size and mixture that update `step` uses.
 *
 * @example
 * ```ts
 * import { compileFile, evaluate } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const { lr, mix } = evaluate(plan, 700); // in the cooldown
 * console.assert(lr < plan.optimizer.lr && mix.science === 0.5);
 * ```
 */
export function evaluate(plan: Plan, step: number): StepSettings {
  const index = phaseIndexAt(plan, step);
  const phase = plan.phases[index];
  const n = phase.end - phase.start;
  const i = step - phase.start;
  return {
    step,
    phase: index,
    lr: shapeValue(phase.lr, i, n, phase.offset),
    weightDecay: shapeValue(phase.weightDecay, i, n, phase.offset),
    batch: batchAt(phase, i),
    mix: phase.mix,
  };
}
