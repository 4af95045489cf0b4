/**
 * Checkpoint series: the checkpoints one `checkpoint every 100 steps "c"` makes (`c-100`, `c-200`, ...),
 * and `checkpoint average "avg" last N of "c"`, which averages the last N of them by step. `final` is not
 * part of a series (name it in `average ... of` to average it).
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Checkpoint } from "../plan/schema.ts";
import type { EffectiveRecipe } from "./effective.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import { type RecipeContext, report } from "./context.ts";

/** The names of the recipe's periodic checkpoint statements (`checkpoint every ... "c"`), phases' included. */
function seriesNames(effective: EffectiveRecipe): Set<string> {
  const phases = (effective.schedule?.node ?? []).flatMap((item) =>
    item.kind === "cycles" ? item.phases : [item]
  );
  const statements = [...effective.checkpoints.map((c) => c.node), ...phases.flatMap((p) => p.checkpoints)];
  return new Set(statements.flatMap((c) => c.every && c.name !== null ? [c.name] : []));
}

/**
 * The checkpoints of series `series`, by step: those named `<series>-<step>` after their own step.
 *
 * @example
 * ```ts
 * const origin = { file: "r.recipe", line: 1, column: 1 };
 * const all = [900, 100, 500].map((step) => ({ name: `c-${step}`, step, origin }));
 * console.assert(seriesMembers("c", all).map((c) => c.step).join() === "100,500,900");
 * ```
 */
export function seriesMembers(series: string, checkpoints: Checkpoint[]): Checkpoint[] {
  return checkpoints.filter((c) => c.name === `${series}-${c.step}`).toSorted((a, b) => a.step - b.step);
}

/**
 * The checkpoints `average "avg" last N of "c"` averages, as references at the series' name, or null after
 * reporting a count that is not a whole number of at least two (R0040), more than the series has (R0041)
 * or an unknown series (R0042).
 */
export function lastOfSeries(
  context: RecipeContext,
  last: NonNullable<A.AverageStmt["last"]>,
  checkpoints: Checkpoint[],
  source: SourceText,
): { name: string; span: A.Span }[] | null {
  const count = context.read.number({ node: last.count, source }, "the number of checkpoints", {
    min: -Infinity,
  });
  if (count === null) return null;
  const at = { node: { span: last.seriesSpan }, source };
  if (!Number.isInteger(count) || count < 2) {
    report(
      context.diagnostics,
      "R0040",
      { node: last.count, source },
      `The count in \`last ${count}\` must be a whole number of at least 2`,
      "average the last 2 checkpoints or more",
    );
    return null;
  }
  const names = seriesNames(context.effective);
  const members = seriesMembers(last.series, checkpoints);
  if (!names.has(last.series)) {
    report(
      context.diagnostics,
      "R0042",
      at,
      `Recipe "${context.effective.recipe.recipe.name}" has no checkpoint series "${last.series}"`,
      didYouMean(last.series, [...names]) ??
        (names.size
          ? `its series are ${[...names].map((n) => `"${n}"`).join(", ")}`
          : 'declare one with `checkpoint every 100 steps "c"`'),
    );
    return null;
  }
  if (members.length < count) {
    report(
      context.diagnostics,
      "R0041",
      at,
      `Series "${last.series}" has ${members.length} checkpoint${members.length === 1 ? "" : "s"}, ` +
        `fewer than the ${count} to average`,
      `average the last ${Math.max(2, members.length)} or fewer, or checkpoint more often`,
    );
    return null;
  }
  return members.slice(-count).map((c) => ({ name: c.name, span: last.seriesSpan }));
}
