/**
 * Resolving `ema "ema" decay 0.999 start 10%`: the decay must lie in (0, 1) (R0043), the name must be free
 * and a valid directory name (R0044), and the start must come before the last update (R0045). An EMA
 * belongs to the recipe that keeps it: `extends`, `from` and branches do not inherit it.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Ema } from "../plan/schema.ts";
import { fileNameProblem } from "../diagnostics/file_name.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import { originOf, type RecipeContext, report } from "./context.ts";
import type { CheckpointFrame } from "./checkpoints.ts";

/**
 * The EMA the recipe of `context` keeps, or null when it keeps none or after reporting a problem; `frame`
 * places its start, `taken` holds the names of the recipe's checkpoints and averages.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/ema.recipe");
 * console.assert(plan.ema?.name === "ema" && plan.ema.step === plan.steps);
 * ```
 */
export function resolveEma(context: RecipeContext, frame: CheckpointFrame, taken: string[]): Ema | null {
  const located = context.effective.recipe;
  const stmt = located.recipe.ema;
  if (!stmt) return null;
  const source = located.file.source;
  const decay = emaDecayValue(context, stmt, source);
  const start = emaStart(context, stmt, frame, source);
  if (!emaNameIsFree(context, stmt, taken, source) || decay === null || start === null) return null;
  return { name: stmt.name, decay, start, step: frame.end, origin: originOf(source, stmt.span) };
}

/** The decay, or null after reporting one outside (0, 1). */
function emaDecayValue(context: RecipeContext, stmt: A.EmaStmt, source: SourceText): number | null {
  const decay = context.read.number({ node: stmt.decay, source }, "the EMA decay", { min: -Infinity });
  if (decay === null || (decay > 0 && decay < 1)) return decay;
  report(
    context.diagnostics,
    "R0043",
    { node: stmt.decay, source },
    `The EMA decay is "${decay}" but must lie between 0 and 1 (both excluded)`,
    "a decay near 1 averages over many updates: 0.999 is about the last 1000",
  );
  return null;
}

/** The update the EMA starts after (0 without `start`), or null after reporting one outside the plan. */
function emaStart(
  context: RecipeContext,
  stmt: A.EmaStmt,
  frame: CheckpointFrame,
  source: SourceText,
): number | null {
  if (!stmt.start) return 0;
  const m = context.read.measure({ node: stmt.start, source }, "the EMA start", [
    "%",
    "steps",
    "tokens",
    "samples",
  ]);
  if (!m) return null;
  const start = frame.toStep(m);
  if (start < frame.end) return start;
  report(
    context.diagnostics,
    "R0045",
    { node: stmt.start, source },
    `The EMA starts at update ${start}, but the plan's updates are 0 to ${frame.end - 1}`,
    "start it before the end of training",
  );
  return null;
}

/** Whether the EMA's name is free and a valid directory name; reports R0044 otherwise. */
function emaNameIsFree(
  context: RecipeContext,
  stmt: A.EmaStmt,
  taken: string[],
  source: SourceText,
): boolean {
  const problem = stmt.name === ""
    ? "an EMA's name cannot be empty"
    : stmt.name === "final" || taken.includes(stmt.name)
    ? `the name "${stmt.name}" is already a checkpoint of the recipe`
    : fileNameProblem(stmt.name);
  if (problem === null) return true;
  report(
    context.diagnostics,
    "R0044",
    { node: { span: stmt.nameSpan }, source },
    `The EMA cannot be named ${JSON.stringify(stmt.name)}: ${problem}`,
    "give the EMA its own name, one a directory can have",
  );
  return false;
}
