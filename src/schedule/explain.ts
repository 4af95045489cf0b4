/**
 * `explain`: the resolved phases of a plan as a text table.
 * @module
 */
import type { Phase, Plan, Shape } from "../plan/schema.ts";
import { batchAt } from "../plan/evaluate.ts";
import { formatCount, formatNumber as num } from "../diagnostics/format_number.ts";

/** A shape in words: `constant 0.003`, `cosine 0.003 -> 0`, `step 0.1 -> 0.001 at 30, 60`. */
export function describeShape(shape: Shape): string {
  switch (shape.shape) {
    case "constant":
      return num(shape.value);
    case "inverse-sqrt":
      return `inverse-sqrt ${num(shape.from)} (timescale ${num(shape.timescale)})`;
    case "step":
      return `step ${shape.values.map(num).join(" -> ")} at ${shape.boundaries.join(", ")}`;
    case "polynomial":
      return `polynomial^${num(shape.power)} ${num(shape.from)} -> ${num(shape.to)}`;
    default:
      return `${shape.shape} ${num(shape.from)} -> ${num(shape.to)}`;
  }
}

/** Tokens a phase trains on: the sum of its updates' batches times the context. */
export function phaseTokens(plan: Plan, phase: Phase): number {
  const n = phase.end - phase.start;
  if (phase.batch.shape === "constant") return n * batchAt(phase, 0) * plan.context;
  let sequences = 0;
  for (let i = 0; i < n; i++) sequences += batchAt(phase, i);
  return sequences * plan.context;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

/**
 * The plan's phases with their resolved updates, tokens, LR, weight decay, batch and mixture, then its
 * checkpoints.
 *
 * @example
 * ```ts
 * import { compileFile, explainPlan } from "../../mod.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * console.log(explainPlan(plans[0]));
 * ```
 */
export function explainPlan(plan: Plan): string {
  const tokens = plan.phases.map((p) => phaseTokens(plan, p));
  const total = tokens.reduce((a, b) => a + b, 0);
  const budget = `${formatCount(plan.budget.value)} ${plan.budget.unit}`;
  const lines = [
    `${plan.name}: ${formatCount(plan.steps)} updates, ${
      formatCount(total)
    } tokens (budget ${budget}), context ${plan.context}`,
  ];
  if (plan.init) {
    lines.push(
      `starts from "${plan.init.recipe}" at "${plan.init.checkpoint}" (step ${plan.init.step}, LR ${
        num(plan.init.lr)
      })`,
    );
  }
  if (plan.sweep) {
    lines.push(`sweep: ${Object.entries(plan.sweep).map(([k, v]) => `${k}=${num(v)}`).join(", ")}`);
  }
  lines.push("");
  const rows = [["phase", "updates", "n", "tokens", "lr", "weight decay", "batch", "mix"]];
  for (const [index, p] of plan.phases.entries()) {
    rows.push([
      p.name,
      `${p.start}..${p.end}`,
      String(p.end - p.start),
      formatCount(tokens[index]),
      describeShape(p.lr) + (p.offset ? " (inclusive)" : ""),
      describeShape(p.weightDecay),
      describeShape(p.batch),
      Object.entries(p.mix).map(([s, w]) => `${s} ${num(w)}`).join(", ") || "-",
    ]);
  }
  lines.push(table(rows), "");
  lines.push(`checkpoints: ${plan.checkpoints.map((c) => `${c.name} @${c.step}`).join(", ")}`);
  for (const a of plan.averages ?? []) {
    lines.push(`average: ${a.name} @${a.step} = mean of ${a.of.join(", ")}`);
  }
  if (plan.ema) {
    const { name, step, decay, start } = plan.ema;
    lines.push(`ema: ${name} @${step} = EMA of the weights, decay ${decay}, from update ${start}`);
  }
  return lines.join("\n") + "\n";
}
