/**
 * What the plan says for one update.
 * @module
 */
import type { Phase, Plan, Segment } from "./schema.ts";
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
  /** Tokens per sequence. */
  context: number;
  beta1: number;
  beta2: number;
  /** The gradient-norm clipping threshold, or null for none. */
  clip: number | null;
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
  return roundCount(shapeValue(phase.batch, i, phase.end - phase.start, phase.offset));
}

/** Rounds a batch or context value half up, to at least 1. */
export function roundCount(value: number): number {
  return Math.max(1, Math.floor(value + 0.5));
}

/** The segment of a timeline that holds update `step` (binary search over the tiling). */
function segmentAt(segments: readonly Segment[], step: number): Segment {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid].start <= step) lo = mid;
    else hi = mid - 1;
  }
  return segments[lo];
}

/**
 * The value a timeline gives update `step`.
 *
 * @example
 * ```ts
 * import { segmentValue } from "./evaluate.ts";
 * const origin = { file: "x.recipe", line: 1, column: 1 };
 * const ramp = { name: "ramp", kind: "phase" as const, start: 0, end: 4, offset: 0 as const, origin,
 *   value: { shape: "linear" as const, from: 0.85, to: 0.95 } };
 * console.assert(Math.abs(segmentValue([ramp], 2) - 0.9) < 1e-12);
 * ```
 */
export function segmentValue(segments: readonly Segment[], step: number): number {
  const segment = segmentAt(segments, step);
  return shapeValue(segment.value, step - segment.start, segment.end - segment.start, segment.offset);
}

/**
 * The LR, weight decay, batch size, context, betas, clip and mixture that update `step` uses.
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
  const timelines = plan.timelines ?? {};
  const timed = (segments: readonly Segment[] | undefined, otherwise: number) =>
    segments ? segmentValue(segments, step) : otherwise;
  const { betas, clip } = plan.optimizer;
  return {
    step,
    phase: index,
    lr: shapeValue(phase.lr, i, n, phase.offset),
    weightDecay: timed(timelines.weightDecay, shapeValue(phase.weightDecay, i, n, phase.offset)),
    batch: timelines.batch ? roundCount(segmentValue(timelines.batch, step)) : batchAt(phase, i),
    context: timelines.context ? roundCount(segmentValue(timelines.context, step)) : plan.context,
    beta1: timed(timelines.beta1, betas[0]),
    beta2: timed(timelines.beta2, betas[1]),
    clip: timelines.clip ? segmentValue(timelines.clip, step) : clip,
    mix: phase.mix,
  };
}
