/**
 * The step every recipe command starts with: compile the file, print diagnostics on stderr.
 * @module
 */
import { compileFile } from "../plan/compile.ts";
import type { Plan } from "../plan/schema.ts";
import { formatDiagnostics } from "../diagnostics/diagnostic.ts";

/**
 * Compiles `path` (every recipe of the file with `every`) and prints its diagnostics (warnings too) on
 * stderr, or as JSON on stdout with `json`. Returns the plans, or null when the recipe has errors.
 */
export async function compileForCommand(
  path: string,
  options: { recipe?: string; json?: boolean; every?: boolean } = {},
): Promise<Plan[] | null> {
  const result = await compileFile(path, { recipe: options.recipe, every: options.every });
  if (options.json) console.log(JSON.stringify(result.diagnostics, null, 2));
  else if (result.diagnostics.length) console.error(formatDiagnostics(result.diagnostics));
  return result.ok ? result.plans : null;
}
