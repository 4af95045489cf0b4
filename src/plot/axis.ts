/**
 * The x axis of a chart: optimizer updates, or tokens trained on before an update (which differ when the
 * batch size changes), and the options every chart takes.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { batchAt } from "../plan/evaluate.ts";

/** What the x axis counts. */
export type Axis = "updates" | "tokens";

/** The axes a chart can use, for option parsing and menus. */
export const AXES: readonly Axis[] = ["updates", "tokens"];

/** Options shared by the plan and run charts. */
export interface ChartOptions {
  /** A log scale on the y axis of the line panels. */
  logY?: boolean;
  /** The x axis (default updates). */
  axis?: Axis;
}

/** The label under an x axis. */
export function axisLabel(axis: Axis = "updates"): string {
  return axis === "tokens" ? "tokens" : "update";
}

/**
 * A function from an update k (0..plan.steps) to the x value of `axis`: k itself, or the tokens the updates
 * before k trained on. Costs one pass over the updates of phases whose batch changes, none for the rest.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { axisOf } from "./axis.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const x = axisOf(plan, "tokens");
 * console.assert(x(10) === 10 * 16 * 64); // 16 sequences of 64 tokens per update
 * ```
 */
export function axisOf(plan: Plan, axis: Axis = "updates"): (k: number) => number {
  if (axis === "updates") return (k) => k;
  const before: number[] = []; // tokens before each phase
  const ramps = new Map<number, Float64Array>(); // cumulative tokens inside phases whose batch changes
  let total = 0;
  plan.phases.forEach((phase, index) => {
    before.push(total);
    const n = phase.end - phase.start;
    if (phase.batch.shape === "constant") {
      total += n * batchAt(phase, 0) * plan.context;
      return;
    }
    const sums = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) sums[i + 1] = sums[i] + batchAt(phase, i) * plan.context;
    ramps.set(index, sums);
    total += sums[n];
  });
  return (k) => {
    if (k >= plan.steps) return total;
    let index = plan.phases.findIndex((p) => k < p.end);
    if (index < 0) index = plan.phases.length - 1;
    const phase = plan.phases[index];
    const i = k - phase.start;
    const ramp = ramps.get(index);
    return before[index] + (ramp ? ramp[i] : i * batchAt(phase, 0) * plan.context);
  };
}
