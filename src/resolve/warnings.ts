/**
 * Warnings about a recipe that resolved: a warmup longer than a quarter of the plan (W0002) and sources no
 * mixture uses (W0003).
 * @module
 */
import { formatNumber } from "../diagnostics/format_number.ts";
import { type RecipeContext, report } from "./context.ts";
import type { ResolvedPhase } from "./phases.ts";

/** Reports W0002 and W0003 for the resolved phases of a plan of `steps` updates. */
export function warnAboutPhases(context: RecipeContext, phases: ResolvedPhase[], steps: number): void {
  const warmups = phases.filter((p) => p.phase.kind === "warmup");
  const warmupSteps = warmups.reduce((sum, p) => sum + p.phase.end - p.phase.start, 0);
  if (warmupSteps > 0.25 * steps) {
    report(
      context.diagnostics,
      "W0002",
      warmups[0].keyword,
      `Warmup takes ${warmupSteps} of ${steps} updates (${formatNumber((100 * warmupSteps) / steps)}%)`,
      "warmup rarely needs more than a few percent of the budget",
    );
  }
  const used = usedSources(phases);
  const { recipe, file } = context.effective.recipe;
  for (const s of recipe.sources) {
    if (!used.has(s.name)) {
      report(
        context.diagnostics,
        "W0003",
        { node: { span: s.nameSpan }, source: file.source },
        `Source "${s.name}" is declared but no mixture uses it`,
        "add it to a mix or remove it",
      );
    }
  }
}

/** The names of the sources some phase's mixture gives a weight. */
export function usedSources(phases: readonly ResolvedPhase[]): Set<string> {
  return new Set(phases.flatMap((p) => Object.keys(p.phase.mix)));
}
