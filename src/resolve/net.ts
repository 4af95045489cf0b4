/**
 * The net under the checks of the resolve stage: the lowered plan must pass the plan's schema and its
 * invariants (values that only go wrong in combination, at some update), so that no plan the compiler
 * returns feeds a trainer NaN. Each check of the stage reads one value; this one reads them all together.
 * @module
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { FILE_NAME_HINT } from "../diagnostics/file_name.ts";
import { Plan as PlanSchema } from "../plan/schema.ts";
import type { Plan } from "../plan/schema.ts";
import { planProblems } from "../plan/invariants.ts";
import { report } from "./context.ts";
import type { ResolvedRecipe } from "./resolved.ts";

/**
 * The plan lowered from `resolved`, parsed with the plan's schema, or null after a diagnostic: R0025 for a
 * plan name a directory cannot have, R0009 for any other problem (at the phase it is in, if any).
 */
export function verifyPlan(plan: Plan, resolved: ResolvedRecipe, diagnostics: Diagnostic[]): Plan | null {
  const parsed = PlanSchema.safeParse(plan);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Only the plan's name (a sweep appends its values to the recipe's) is not checked before this point.
    const badName = issue.path.length === 1 && issue.path[0] === "name";
    report(
      diagnostics,
      badName ? "R0025" : "R0009",
      resolved.nameAt,
      `The plan is invalid at ${issue.path.join(".")}: ${issue.message}`,
      badName ? FILE_NAME_HINT : null,
    );
    return null;
  }
  const problems = planProblems(parsed.data);
  if (problems.length) {
    const index = Number(problems[0].match(/^phases\[(\d+)\]/)?.[1] ?? -1);
    report(
      diagnostics,
      "R0009",
      resolved.phases[index]?.keyword ?? resolved.nameAt,
      `The plan would be invalid: ${problems[0]}`,
      "check the values of this phase; each must stay a finite number >= 0 at every update",
    );
    return null;
  }
  return parsed.data;
}
