/**
 * The plans a trainer command runs: compiled from a .recipe file, or read from a plan JSON file (one plan
 * or an array, as `compile` writes them).
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { Plan } from "../plan/schema.ts";

/**
 * Reads plans from a JSON file; throws a sentence naming the file and the first schema problem.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * const path = `${await Deno.makeTempDir()}/wsd.plan.json`;
 * await Deno.writeTextFile(path, JSON.stringify(plans[0]));
 * const [plan] = await readPlanFile(path);
 * console.assert(plan.steps === plans[0].steps);
 * ```
 */
export async function readPlanFile(path: string): Promise<Plan[]> {
  let value: unknown;
  try {
    value = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "does not exist"
      : `cannot be read as JSON (${(error as Error).message})`;
    throw new InputError(`Plan file "${path}" ${reason}`);
  }
  const result = Plan.array().safeParse(Array.isArray(value) ? value : [value]);
  if (!result.success) {
    const issue = result.error.issues[0];
    // A file with one plan (not an array) names the field without the index of the array it was put in.
    const at = Array.isArray(value) ? issue.path : issue.path.slice(1);
    throw new InputError(
      `"${path}" is not a valid plan: ${issue.message} at "${at.join(".")}" (compile a recipe with ` +
        "`deno task compile FILE -o x.plan.json` to get one)",
    );
  }
  return result.data;
}
