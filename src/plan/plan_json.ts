/**
 * The canonical JSON text of plans.
 * @module
 */
import type { Plan } from "./schema.ts";

/**
 * Plans as `compile` prints them: one plan as an object, several (a sweep) as an array; two-space indent
 * and a final newline. The same plans always give the same bytes.
 *
 * @example
 * ```ts
 * import { planJson } from "./plan_json.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * console.assert(planJson(plans) === planJson(plans) && planJson(plans).endsWith("}\n"));
 * ```
 */
export function planJson(plans: Plan[]): string {
  return JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2) + "\n";
}
