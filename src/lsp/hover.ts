/**
 * Hover over a phase: what the compiler made of it in every plan of the document (its updates, tokens,
 * LR from -> to, weight decay, batch and mixture), found by the phases' origins; over a parameter group,
 * its multipliers and peak LR in every plan.
 * @module
 */
import type { PhaseDecl } from "../syntax/ast.ts";
import type { Phase, Plan, Segment, TimelineName } from "../plan/schema.ts";
import { evaluate, roundCount, segmentValue } from "../plan/evaluate.ts";
import { isCount } from "../plan/pieces.ts";
import { describeGroup, describeShape, phaseTokens } from "../schedule/explain.ts";
import { formatCount, formatNumber } from "../diagnostics/format_number.ts";
import { type Analysis, originAt } from "./analysis.ts";

/** The most phases one hover lists (a `cycles` block repeats its phases). */
const MAX_SHOWN = 6;

/** The phase declaration of the document that holds `offset`, if any. */
export function phaseDeclAt(analysis: Analysis, offset: number): PhaseDecl | null {
  for (const recipe of analysis.program.entry?.ast.recipes ?? []) {
    for (const item of [...recipe.schedule ?? [], ...recipe.timelines.flatMap((t) => t.items)]) {
      const phases = item.kind === "cycles" ? item.phases : [item];
      const found = phases.find((p) => p.span.start <= offset && offset <= p.span.end);
      if (found) return found;
    }
  }
  return null;
}

function phaseLine(plan: Plan, phase: Phase): string {
  const first = evaluate(plan, phase.start);
  const last = evaluate(plan, phase.end - 1);
  const mix = Object.entries(phase.mix).map(([s, w]) => `${s} ${formatNumber(w)}`).join(", ") || "-";
  return [
    `**${phase.name}** (${plan.name}): updates ${phase.start}..${phase.end} (${
      formatCount(phase.end - phase.start)
    }), ${formatCount(phaseTokens(plan, phase))} tokens`,
    `- LR ${formatNumber(first.lr)} -> ${formatNumber(last.lr)} (${describeShape(phase.lr)}${
      phase.offset ? ", inclusive" : ""
    })`,
    `- weight decay ${describeShape(phase.weightDecay)}, batch ${describeShape(phase.batch)}`,
    `- mix ${mix}`,
  ].join("\n");
}

/** A phase of a quantity's own schedule in one plan: its updates, tokens and values. */
function segmentLine(plan: Plan, name: TimelineName, segment: Segment): string {
  const count = isCount(name);
  const value = (k: number) => {
    const v = segmentValue([segment], k);
    return formatNumber(count ? roundCount(v) : v);
  };
  return [
    `**${segment.name}** of the ${name} schedule (${plan.name}): updates ${segment.start}..${segment.end} (${
      formatCount(segment.end - segment.start)
    }), ${formatCount(phaseTokens(plan, segment))} tokens`,
    `- ${name} ${value(segment.start)} -> ${value(segment.end - 1)} (${describeShape(segment.value)}${
      segment.offset ? ", inclusive" : ""
    })`,
  ].join("\n");
}

/**
 * Markdown for the phase under `offset`, or null when there is none or the document does not compile.
 *
 * @example
 * ```ts
 * import { analyse } from "./analysis.ts";
 * import { phaseHover } from "./hover.ts";
 * const analysis = await analyse("recipes/wsd.recipe", (p) => Deno.readTextFile(p));
 * const hover = phaseHover(analysis, analysis.source.text.indexOf("decay rest"));
 * console.assert(hover !== null && hover.includes("**decay**") && hover.includes("LR 0.003 -> "));
 * ```
 */
export function phaseHover(analysis: Analysis, offset: number): string | null {
  const decl = phaseDeclAt(analysis, offset);
  if (!decl) return null;
  const sameOrigin = originAt(analysis, decl.keywordSpan.start);
  const phases = analysis.result.plans.flatMap((plan) =>
    plan.phases.filter((p) => sameOrigin(p.origin)).map((phase) => phaseLine(plan, phase))
  );
  const segments = analysis.result.plans.flatMap((plan) =>
    (Object.entries(plan.timelines ?? {}) as [TimelineName, Segment[]][]).flatMap(([name, list]) =>
      list.filter((s) => sameOrigin(s.origin)).map((segment) => segmentLine(plan, name, segment))
    )
  );
  return capped([...phases, ...segments]);
}

/** Hover lines, at most MAX_SHOWN of them and a count of the rest; null for none. */
function capped(lines: string[]): string | null {
  if (!lines.length) return null;
  const shown = lines.slice(0, MAX_SHOWN);
  if (lines.length > MAX_SHOWN) shown.push(`... and ${lines.length - MAX_SHOWN} more`);
  return shown.join("\n\n");
}

/**
 * Markdown for the parameter group under `offset`: what it selects and its LR and weight decay in every
 * plan of the document, or null when there is none or the document does not compile.
 *
 * @example
 * ```ts
 * import { analyse } from "./analysis.ts";
 * import { groupHover } from "./hover.ts";
 * const analysis = await analyse("recipes/mup.recipe", (p) => Deno.readTextFile(p));
 * const hover = groupHover(analysis, analysis.source.text.indexOf('group "hidden"'));
 * console.assert(hover !== null && hover.includes("lr 0.5x (peak 0.005)"));
 * ```
 */
export function groupHover(analysis: Analysis, offset: number): string | null {
  const decl = (analysis.program.entry?.ast.recipes ?? []).flatMap((r) => r.groups)
    .find((g) => g.span.start <= offset && offset <= g.span.end);
  if (!decl) return null;
  const sameOrigin = originAt(analysis, decl.nameSpan.start);
  return capped(
    analysis.result.plans.flatMap((plan) =>
      (plan.groups ?? []).filter((g) => sameOrigin(g.origin))
        .map((g) => `**${plan.name}**: ${describeGroup(g, plan.optimizer.lr)}`)
    ),
  );
}
