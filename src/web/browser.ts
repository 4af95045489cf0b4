/**
 * The library the browser bundle (dist/recipe.js) exports: the compiler over files the caller supplies, the
 * emitters, the explain table and the charts. Nothing here touches Deno or the disk; the page (or a Node
 * script) hands the compiler its files.
 *
 * @example
 * ```ts
 * import { compileText, plotPlans } from "./browser.ts";
 * const text = await Deno.readTextFile("recipes/wsd.recipe");
 * const result = await compileText("wsd.recipe", text, () => Promise.reject(new Error("no imports")));
 * console.assert(result.ok && plotPlans(result.plans).startsWith("<svg"));
 * ```
 * @module
 */
import { compileFile, type CompileResult } from "../plan/compile.ts";

export type { CompileResult } from "../plan/compile.ts";
export { type Diagnostic, formatDiagnostics, hasErrors } from "../diagnostics/diagnostic.ts";
export { Plan } from "../plan/schema.ts";
export { explainPlan } from "../schedule/explain.ts";
export { emitPlan, TARGETS, targetsFor } from "../emit/mod.ts";
export { planPanels, plotPlan, plotPlans } from "../plot/plan_chart.ts";
export { plotRuns, runPanels, type RunRecord, type RunSeries } from "../plot/run_chart.ts";
export { renderPanels } from "../plot/chart.ts";
export { AXES, type Axis, type ChartOptions } from "../plot/axis.ts";
export { parseMetricsText } from "../train/metrics_text.ts";
export { highlightHtml } from "./highlight.ts";

/** An error a file reader throws for a file that does not exist (the compiler reports R0014 for it). */
export class NotFound extends Error {
  override name = "NotFound";
}

/**
 * Compiles `text` as the file `path`; the files it imports come from `readOther` (which throws
 * {@link NotFound} for a missing one).
 *
 * @example
 * ```ts
 * import { compileText, NotFound } from "./browser.ts";
 * const result = await compileText("a.recipe", 'import "b.recipe"', (p) => Promise.reject(new NotFound(p)));
 * console.assert(!result.ok && result.diagnostics[0].code === "R0014");
 * ```
 */
export function compileText(
  path: string,
  text: string,
  readOther: (path: string) => Promise<string>,
): Promise<CompileResult> {
  return compileFile(path, {
    every: true,
    readFile: (p) => p === path ? Promise.resolve(text) : readOther(p),
  });
}
