/**
 * Lowering: a resolved recipe (one sweep choice) to its plan. Everything was checked while resolving
 * (src/resolve), so lowering cannot fail: it keeps the sources a mixture uses, sorts the checkpoints by step
 * and names the plan.
 * @module
 */
import type { Plan } from "./schema.ts";
import { PLAN_VERSION } from "./schema.ts";
import type { ResolvedRecipe } from "../resolve/resolved.ts";
import { usedSources } from "../resolve/warnings.ts";

/** The name of one sweep choice's plan and the swept values that make it. */
export interface PlanNaming {
  /** Overrides the plan's name (default: the recipe's; sweeps name each plan). */
  name?: string;
  /** The swept values that make this plan, recorded in it. */
  sweep?: Record<string, number>;
}

/**
 * The plan of a resolved recipe.
 *
 * @example
 * ```ts
 * import { loadProgram } from "../check/load.ts";
 * import { resolveRecipe } from "../resolve/resolve.ts";
 * import { lower } from "./lower.ts";
 * const program = await loadProgram("recipes/wsd.recipe");
 * const noParents = { outcome: () => Promise.reject(new Error("wsd-small has no parent")) };
 * const resolved = await resolveRecipe(program, "wsd-small", [], noParents);
 * if (resolved) console.log(lower(resolved, { name: "wsd-small-copy" }).steps);
 * ```
 */
export function lower(resolved: ResolvedRecipe, naming: PlanNaming = {}): Plan {
  const used = usedSources(resolved.phases);
  return {
    version: PLAN_VERSION,
    name: naming.name ?? resolved.name,
    steps: resolved.steps,
    context: resolved.context,
    budget: resolved.budget,
    optimizer: { kind: "adamw", ...resolved.optimizer },
    ...(resolved.groups.length ? { groups: resolved.groups } : {}),
    model: resolved.model,
    sources: resolved.sources.filter((s) => used.has(s.name)),
    phases: resolved.phases.map((p) => p.phase),
    ...(Object.keys(resolved.timelines).length ? { timelines: resolved.timelines } : {}),
    checkpoints: resolved.checkpoints.toSorted((a, b) =>
      a.step - b.step || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    ),
    ...(resolved.averages.length ? { averages: resolved.averages } : {}),
    ...(resolved.ema ? { ema: resolved.ema } : {}),
    init: resolved.init,
    ...(naming.sweep ? { sweep: naming.sweep } : {}),
    file: resolved.file,
  };
}
