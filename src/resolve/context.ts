/**
 * What every module of the resolve stage reads while it resolves one recipe: the effective recipe, the
 * reader of its values (with the sweep choice being resolved) and the list diagnostics go to; and the
 * small helpers they share to point at source.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Origin } from "../plan/schema.ts";
import type { Code } from "../diagnostics/codes.ts";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import type { EffectiveRecipe, Located } from "./effective.ts";
import type { ValueReader } from "./values.ts";

/** A place in a file that a diagnostic points at. */
export type At = Located<{ span: A.Span }>;

/** The recipe being resolved, the reader of its values, and where its diagnostics go. */
export interface RecipeContext {
  readonly effective: EffectiveRecipe;
  readonly read: ValueReader;
  readonly diagnostics: Diagnostic[];
  /** How many errors `diagnostics` held before this recipe was resolved. */
  readonly errorsBefore: number;
}

/** Pushes a diagnostic at `at` (a span and the file it is in). */
export function report(
  diagnostics: Diagnostic[],
  code: Code,
  at: At,
  message: string,
  hint: string | null = null,
): void {
  diagnostics.push(diagnostic(code, at.source, at.node.span, message, hint));
}

/** How many errors (not warnings) `diagnostics` holds. */
export function errorCount(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.filter((d) => d.severity === "error").length;
}

/** Whether resolving the recipe of `context` has reported an error so far. */
export function hasNewErrors(context: RecipeContext): boolean {
  return errorCount(context.diagnostics) > context.errorsBefore;
}

/** The recipe's name in its `recipe "..."` line: where problems of the recipe as a whole point. */
export function recipeNameAt(effective: EffectiveRecipe): At {
  return { node: { span: effective.recipe.recipe.nameSpan }, source: effective.recipe.file.source };
}

/** Reports that the recipe lacks a part it needs (R0005). */
export function reportMissing(context: RecipeContext, what: string, hint: string): void {
  const recipe = context.effective.recipe.recipe;
  report(
    context.diagnostics,
    "R0005",
    recipeNameAt(context.effective),
    `Recipe "${recipe.name}" has no ${what}`,
    hint,
  );
}

/** The `index`-th argument of a setting, with the file it was written in. */
export function settingArgument(setting: Located<A.Setting>, index = 0): Located<A.Expr> {
  return { node: setting.node.args[index], source: setting.source };
}

/**
 * The file, line and column of `span`: the origin a plan records for its phases, sources and checkpoints.
 *
 * @example
 * ```ts
 * import { originOf } from "./context.ts";
 * import { SourceText } from "../diagnostics/source_text.ts";
 * originOf(new SourceText("a.recipe", 'recipe "a" {}'), { start: 7, end: 10 });
 * // { file: "a.recipe", line: 1, column: 8 }
 * ```
 */
export function originOf(source: SourceText, span: A.Span): Origin {
  const { line, column } = source.position(span.start);
  return { file: source.path, line, column };
}
