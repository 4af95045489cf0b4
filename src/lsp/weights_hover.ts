/**
 * Hover over an `ema` or `checkpoint average` statement: what the compiler made of it in every plan of the
 * document (the EMA's decay, start and step; the checkpoints an average resolved to, `last N of` included).
 * @module
 */
import type { Span } from "../syntax/ast.ts";
import type { Origin, Plan } from "../plan/schema.ts";
import { type Analysis, originAt } from "./analysis.ts";

/** The span of the document's `ema` or `checkpoint average` statement that holds `offset`, if any. */
function statementAt(analysis: Analysis, offset: number): Span | null {
  for (const recipe of analysis.program.entry?.ast.recipes ?? []) {
    const spans = [...recipe.averages.map((a) => a.span), ...(recipe.ema ? [recipe.ema.span] : [])];
    const found = spans.find((span) => span.start <= offset && offset <= span.end);
    if (found) return found;
  }
  return null;
}

/** The lines a plan gives about the statement written at `origin`. */
function planLines(plan: Plan, isAt: (origin: Origin) => boolean): string[] {
  const lines = (plan.averages ?? []).filter((a) => isAt(a.origin)).map((a) =>
    `**average "${a.name}"** (${plan.name}): mean of ${a.of.join(", ")}, after update ${a.step}`
  );
  const ema = plan.ema;
  if (ema && isAt(ema.origin)) {
    lines.push(
      `**ema "${ema.name}"** (${plan.name}): decay ${ema.decay}, a copy of the weights after update ` +
        `${ema.start}, then d * ema + (1 - d) * w after each update; written after update ${ema.step}`,
    );
  }
  return lines;
}

/**
 * Markdown for the `ema` or `checkpoint average` statement under `offset`, or null when there is none or
 * the document does not compile.
 *
 * @example
 * ```ts
 * import { analyse } from "./analysis.ts";
 * const analysis = await analyse("recipes/ema.recipe", (p) => Deno.readTextFile(p));
 * const hover = weightsHover(analysis, analysis.source.text.indexOf('ema "ema"'));
 * console.assert(hover !== null && hover.includes("decay 0.99") && hover.includes("after update 100"));
 * ```
 */
export function weightsHover(analysis: Analysis, offset: number): string | null {
  const span = statementAt(analysis, offset);
  if (!span) return null;
  const isAt = originAt(analysis, span.start);
  const lines = analysis.result.plans.flatMap((plan) => planLines(plan, isAt));
  return lines.length ? lines.join("\n\n") : null;
}
