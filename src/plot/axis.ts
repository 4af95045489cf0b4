/**
 * The x axis of a chart: optimizer updates, or tokens trained on before an update (which differ when the
 * batch size changes), and the options every chart takes.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { RateMap } from "../plan/rates.ts";

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
 * before k trained on, counting every update's batch and context (a pass over the updates of ramps, once).
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
  const rates = RateMap.ofPlan(plan);
  return (k) => rates.consumed(Math.min(k, plan.steps), "tokens");
}
