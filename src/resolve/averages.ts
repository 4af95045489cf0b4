/**
 * Resolving `checkpoint average "avg" of "a", "b"` (and `last N of "c"`, see checkpoint_series.ts): the
 * averaged checkpoints must be the recipe's own (R0033, with a did-you-mean), at least two (R0034), each
 * named once (R0035), and the average's name must be a free directory name (R0036, R0025). An average
 * belongs to the recipe that writes it: `extends`, `from` and branches do not inherit it.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Average, Checkpoint } from "../plan/schema.ts";
import { FILE_NAME_HINT, fileNameProblem } from "../diagnostics/file_name.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import { originOf, type RecipeContext, report } from "./context.ts";
import { lastOfSeries } from "./checkpoint_series.ts";

/**
 * The averages the recipe of `context` writes, given its named checkpoints (`final` included); each
 * problem is reported and the average left out.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/average.recipe");
 * console.assert(plan.averages?.[0].name === "avg-last3" && plan.averages[0].step === 1000);
 * ```
 */
export function resolveAverages(context: RecipeContext, checkpoints: Checkpoint[]): Average[] {
  const located = context.effective.recipe;
  const byName = new Map(checkpoints.map((c) => [c.name, c]));
  const taken = new Set(byName.keys());
  const averages: Average[] = [];
  for (const stmt of located.recipe.averages) {
    const at = (span: A.Span) => ({ node: { span }, source: located.file.source });
    const refs = stmt.last ? lastOfSeries(context, stmt.last, checkpoints, located.file.source) : stmt.of;
    const steps = refs && averagedSteps(context, stmt, refs, byName, located.file.source);
    if (!nameIsFree(context, stmt, taken, at(stmt.nameSpan))) continue;
    taken.add(stmt.name);
    if (!refs || !steps) continue;
    averages.push({
      name: stmt.name,
      of: refs.map((c) => c.name),
      step: Math.max(...steps),
      origin: originOf(located.file.source, stmt.span),
    });
  }
  return averages;
}

/** The steps of the checkpoints `refs` names, or null after reporting an unknown, repeated or lone one. */
function averagedSteps(
  context: RecipeContext,
  stmt: A.AverageStmt,
  refs: { name: string; span: A.Span }[],
  byName: Map<string, Checkpoint>,
  source: SourceText,
): number[] | null {
  const seen = new Set<string>();
  const steps: number[] = [];
  let ok = true;
  for (const ref of refs) {
    const at = { node: ref, source };
    const checkpoint = byName.get(ref.name);
    if (seen.has(ref.name)) {
      report(
        context.diagnostics,
        "R0035",
        at,
        `Checkpoint "${ref.name}" is averaged twice`,
        "name each checkpoint once",
      );
      ok = false;
    } else if (!checkpoint) {
      const names = [...byName.keys()];
      report(
        context.diagnostics,
        "R0033",
        at,
        `Recipe "${context.effective.recipe.recipe.name}" has no checkpoint "${ref.name}" to average`,
        didYouMean(ref.name, names) ?? `its checkpoints are ${names.map((n) => `"${n}"`).join(", ")}`,
      );
      ok = false;
    } else steps.push(checkpoint.step);
    seen.add(ref.name);
  }
  if (refs.length < 2) {
    report(
      context.diagnostics,
      "R0034",
      { node: stmt, source },
      `Average "${stmt.name}" names one checkpoint: the mean of one checkpoint is that checkpoint`,
      "average two checkpoints or more",
    );
    ok = false;
  }
  return ok ? steps : null;
}

/** Whether the average's name is a free, valid directory name; reports R0036 or R0025 otherwise. */
function nameIsFree(
  context: RecipeContext,
  stmt: A.AverageStmt,
  taken: Set<string>,
  at: { node: { span: A.Span }; source: SourceText },
): boolean {
  if (stmt.name === "" || stmt.name === "final" || taken.has(stmt.name)) {
    report(
      context.diagnostics,
      "R0036",
      at,
      stmt.name === ""
        ? "An average's name cannot be empty"
        : `The name "${stmt.name}" is already a checkpoint of the recipe` +
          (stmt.name === "final" ? " (the weights after the last update)" : ""),
      "give the average its own name",
    );
    return false;
  }
  const problem = fileNameProblem(stmt.name);
  if (problem) {
    report(
      context.diagnostics,
      "R0025",
      at,
      `The average name ${JSON.stringify(stmt.name)} names a directory of the run, but ${problem}`,
      FILE_NAME_HINT,
    );
    return false;
  }
  return true;
}
