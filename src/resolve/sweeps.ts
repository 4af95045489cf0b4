/**
 * Finding the `sweep [...]` values of a recipe and naming the plans they produce.
 * @module
 */
import type { SweepExpr } from "../syntax/ast.ts";
import type { EffectiveRecipe } from "./effective.ts";

/** One sweep and the label its plans are named by (the let or setting it sets). */
export interface SweepSite {
  expr: SweepExpr;
  label: string;
}

/**
 * Labels for every sweep reachable from the effective recipe (its lets and all inherited parts), in source order,
 * each labelled by the nearest let name or setting key.
 */
export function collectSweeps(effective: EffectiveRecipe): SweepSite[] {
  const found: SweepSite[] = [];
  const seen = new Set<SweepExpr>();
  const visit = (value: unknown, label: string) => {
    if (Array.isArray(value)) return value.forEach((v) => visit(v, label));
    if (value === null || typeof value !== "object") return;
    const node = value as Record<string, unknown>;
    if (node.kind === "sweep" && !seen.has(node as unknown as SweepExpr)) {
      seen.add(node as unknown as SweepExpr);
      found.push({ expr: node as unknown as SweepExpr, label });
    }
    const own = node.kind === "phase"
      ? String(node.name ?? node.keyword)
      : node.kind === "cycles"
      ? "cycles"
      : typeof node.key !== "string"
      ? label
      : "expr" in node
      ? `${label}.${node.key}` // from/to/at of a phase or a shaped setting
      : node.key;
    for (const [key, child] of Object.entries(node)) if (key !== "source") visit(child, own);
  };
  for (const [name, binding] of effective.lets) visit(binding.decl.value, name);
  const { budget, batch, optimizer, model, mix, schedule, checkpoints, sources } = effective;
  visit(budget?.node, "budget");
  visit(batch?.node, "batch");
  for (const s of [...optimizer.values(), ...model.values()]) visit(s.node, s.node.key);
  visit(mix?.node, "mix");
  visit([...sources.values()].map((s) => s.node), "size");
  visit(schedule?.node, "schedule");
  visit(checkpoints.map((c) => c.node), "checkpoint");
  const { averages, ema } = effective.recipe.recipe;
  visit(averages.map((a) => a.last?.count), "average.last");
  visit(ema?.decay, "ema.decay");
  visit(ema?.start, "ema.start");
  found.sort((a, b) => a.expr.span.start - b.expr.span.start);
  return found;
}
