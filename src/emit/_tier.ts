/**
 * Choosing a target's tier: its native config keys when they give the plan's values at every update, else
 * its extension point (a Python module driven by the plan's exact per-update values), unless the user asked
 * for `native` only, where `approximate` may still allow the target's documented approximation.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { type EmitOptions, type Emitted, UnsupportedFeatureError } from "./target.ts";
import { scheduleTable } from "../schedule/table.ts";
import { Fit } from "./_fit.ts";

/** The tier chosen for one plan: the native settings, or why they were not enough. */
export type Chosen<T> =
  | { tier: "native"; value: T; fit: Fit }
  | { tier: "extension"; reason: string };

/**
 * Runs `native` (which refuses with UnsupportedFeatureError where the target's keys cannot express the
 * plan) exactly; on a refusal falls back to the extension tier, or with `options.native` rethrows it (or
 * retries approximately with `options.approximate`).
 *
 * @example
 * ```ts
 * import { chooseTier } from "./_tier.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const chosen = chooseTier("x", plan, {}, (fit) => fit.constantWeightDecay());
 * console.assert(chosen.tier === "native" && chosen.value === 0.1);
 * ```
 */
export function chooseTier<T>(
  target: string,
  plan: Plan,
  options: EmitOptions,
  native: (fit: Fit) => T,
): Chosen<T> {
  const scheduled = Object.values(plan.timelines ?? {})[0];
  if (scheduled) {
    // The trainers' native keys hold one weight decay and one pair of betas; no approximation drops them.
    const feature = "a schedule of weight decay or betas";
    if (options.native) throw new UnsupportedFeatureError(target, feature, scheduled[0].origin, []);
    return { tier: "extension", reason: feature };
  }
  try {
    const fit = new Fit(target, plan, false);
    return { tier: "native", value: native(fit), fit };
  } catch (error) {
    if (!(error instanceof UnsupportedFeatureError)) throw error;
    if (!options.native) return { tier: "extension", reason: error.feature };
    if (!options.approximate) throw error;
    const fit = new Fit(target, plan, true);
    return { tier: "native", value: native(fit), fit };
  }
}

/**
 * The fields of `Emitted` that say how the target follows the plan: its tier, why the native keys were not
 * enough, and (native tier with `approximate`) the largest LR deviation.
 *
 * @example
 * ```ts
 * import { tierFields } from "./_tier.ts";
 * console.assert(tierFields({ tier: "extension", reason: "a cycle" }).maxDeviation === 0);
 * ```
 */
export function tierFields<T>(chosen: Chosen<T>): Pick<Emitted, "tier" | "reason" | "maxDeviation"> {
  return chosen.tier === "native"
    ? { tier: "native", maxDeviation: chosen.fit.deviation() }
    : { tier: "extension", reason: chosen.reason, maxDeviation: 0 };
}

/**
 * The weight decay an extension-tier config states: the plan's largest, so that the trainer creates the
 * param groups that decay with a non-zero value, which the module's scheduler then sets at every update.
 *
 * @example
 * ```ts
 * import { extensionWeightDecay } from "./_tier.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * console.assert(extensionWeightDecay(plan) === 0.1);
 * ```
 */
export function extensionWeightDecay(plan: Plan): number {
  return scheduleTable(plan).weightDecay.reduce((a, b) => Math.max(a, b), 0);
}
