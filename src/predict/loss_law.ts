/**
 * What a schedule-aware loss law is to the fitter: named parameters with box bounds, and the loss after
 * any number of updates of an LR history. Laws work on LRs divided by a reference LR (`scale`, the
 * largest LR of the fitted curves), so that areas are in "updates at the reference LR".
 * @module
 */

/** One parameter of a law, in the form the fitter moves (log for scales, so starts spread evenly). */
export interface ParamSpec {
  /** The name reported (e.g. "A"); the fitter's value goes through `toValue` first. */
  name: string;
  lower: number;
  upper: number;
  /** Where random starts are drawn (inside the bounds). */
  start: [number, number];
  /** How the fitter's value becomes the reported one; default identity. */
  scale?: "log" | "momentum";
  /** When set, the parameter is fixed at this (fitter's) value unless the caller frees it. */
  fixed?: number;
}

/** A law's precomputed view of one LR history: whatever does not depend on the parameters. */
export interface LawInput {
  /** LRs divided by the reference LR. */
  u: Float64Array;
  /** `area[t]` = sum of u[0..t-1]: the forward area after t updates (length T + 1). */
  area: Float64Array;
  /** The first update whose LR is below the one before: LR increases before it are warmup, not annealing. */
  warmup: number;
}

/** A loss law: its parameters and its prediction. */
export interface LossLaw {
  name: LawName;
  /** One line: the formula and the paper. */
  title: string;
  params: ParamSpec[];
  /**
   * The predicted loss after `at[i]` updates (ascending, each in 1..T) of the history `input`, for the
   * fitter's parameter vector `p`.
   */
  evaluate(p: number[], input: LawInput, at: Int32Array): Float64Array;
}

/** The laws `fitLossLaw` knows. */
export type LawName = "tissue" | "multi-power";

/** A reported parameter value from the fitter's one. */
export function paramValue(spec: ParamSpec, x: number): number {
  if (spec.scale === "log") return Math.exp(x);
  if (spec.scale === "momentum") return 1 - 10 ** -x;
  return x;
}

/** The fitter's value of a reported parameter value (the inverse of `paramValue`). */
export function paramInternal(spec: ParamSpec, value: number): number {
  if (spec.scale === "log") return Math.log(value);
  if (spec.scale === "momentum") return -Math.log10(1 - value);
  return value;
}

/**
 * The law's view of the LRs `lr`, divided by `scale`.
 *
 * @example
 * ```ts
 * import { lawInput } from "./loss_law.ts";
 * const input = lawInput(Float64Array.from([0.5, 1, 1, 0.5]), 1);
 * console.assert(input.area.join() === "0,0.5,1.5,2.5,3" && input.warmup === 3); // 3: the first decrease
 * ```
 */
export function lawInput(lr: Float64Array, scale: number): LawInput {
  const u = lr.map((x) => x / scale);
  const area = new Float64Array(u.length + 1);
  for (let i = 0; i < u.length; i++) area[i + 1] = area[i] + u[i];
  let warmup = 1;
  while (warmup < u.length && u[warmup] >= u[warmup - 1]) warmup++;
  return { u, area, warmup };
}
