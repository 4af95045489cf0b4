/**
 * The plan's weight averages in a target's output: no trainer averages checkpoints itself, so each average
 * becomes a note naming it and the checkpoints to average by hand (never dropped silently).
 * @module
 */
import type { Plan } from "../plan/schema.ts";

/**
 * One note per average of `plan`, for target `target`.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/average.recipe");
 * console.assert(averageNotes("hf", plan)[0].includes('"avg-last3"'));
 * ```
 */
export function averageNotes(target: string, plan: Plan): string[] {
  return (plan.averages ?? []).map((a) =>
    `warning: ${target} does not average checkpoints: average ${
      JSON.stringify(a.name)
    } (after update ${a.step}) ` +
    `is the mean of the model weights of ${a.of.map((n) => JSON.stringify(n)).join(", ")}; ` +
    "average them by hand once they are saved"
  );
}
