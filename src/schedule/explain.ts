/**
 * `explain`: the resolved phases of a plan as a text table.
 * @module
 */
import {
  type Group,
  type Phase,
  type Plan,
  SCHEDULE_WORDS,
  type Segment,
  type Shape,
  type TimelineName,
} from "../plan/schema.ts";
import { RateMap } from "../plan/rates.ts";
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

/** Tokens the updates [start, end) of a plan train on: every update's batch times its context. */
export function phaseTokens(
  plan: Plan,
  phase: Pick<Phase, "start" | "end">,
  rates = RateMap.ofPlan(plan),
): number {
  return rates.consumed(phase.end, "tokens") - rates.consumed(phase.start, "tokens");
}

/** The plan's schedules of other quantities, one table each. */
function timelineTables(plan: Plan, rates: RateMap): string[] {
  const lines: string[] = [];
  for (const [name, segments] of Object.entries(plan.timelines ?? {}) as [TimelineName, Segment[]][]) {
    const rows = [["phase", "updates", "n", "tokens", SCHEDULE_WORDS[name]]];
    for (const s of segments) {
      rows.push([
        s.name,
        `${s.start}..${s.end}`,
        String(s.end - s.start),
        formatCount(phaseTokens(plan, s, rates)),
        describeShape(s.value) + (s.offset ? " (inclusive)" : ""),
      ]);
    }
    lines.push(`schedule ${SCHEDULE_WORDS[name]}:`, table(rows), "");
  }
  return lines;
}

/**
 * A parameter group in words: what it selects and its multipliers of the plan's LR and weight decay.
 *
 * @example
 * ```ts
 * import { describeGroup } from "./explain.ts";
 * import type { Group } from "../plan/schema.ts";
 * const origin = { file: "r.recipe", line: 1, column: 1 };
 * const group: Group = { name: "hidden", role: "matrices", patterns: [], lrScale: 0.5, weightDecayScale: null, betas: null, eps: null, origin };
 * console.assert(describeGroup(group, 3e-3) === 'group "hidden": matrices, lr 0.5x (peak 0.0015), weight decay as the optimizer');
 * ```
 */
export function describeGroup(group: Group, peak: number): string {
  const selects = group.role === "params"
    ? `params ${group.patterns.map((p) => `"${p}"`).join(", ")}`
    : group.role;
  const decay = group.weightDecayScale === null
    ? "weight decay as the optimizer"
    : `weight decay ${num(group.weightDecayScale)}x (on every parameter of the group)`;
  return [
    `group "${group.name}": ${selects}`,
    `lr ${num(group.lrScale)}x (peak ${num(group.lrScale * peak)})`,
    decay,
    ...(group.betas ? [`betas ${group.betas.map(num).join(" ")}`] : []),
    ...(group.eps === null ? [] : [`eps ${num(group.eps)}`]),
  ].join(", ");
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

/**
 * The plan's phases with their resolved updates, tokens, LR, weight decay, batch and mixture, the schedules
 * of other quantities, then its parameter groups and checkpoints.
 *
 * @example
 * ```ts
 * import { compileFile, explainPlan } from "../../mod.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * console.log(explainPlan(plans[0]));
 * ```
 */
export function explainPlan(plan: Plan): string {
  const rates = RateMap.ofPlan(plan);
  const tokens = plan.phases.map((p) => phaseTokens(plan, p, rates));
  const own = plan.timelines ?? {};
  const total = tokens.reduce((a, b) => a + b, 0);
  const budget = `${formatCount(plan.budget.value)} ${plan.budget.unit}`;
  const lines = [
    `${plan.name}: ${formatCount(plan.steps)} updates, ${
      formatCount(total)
    } tokens (budget ${budget}), context ${plan.context}${own.context ? " at most" : ""}`,
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
      own.weightDecay ? "(scheduled)" : describeShape(p.weightDecay),
      own.batch ? "(scheduled)" : describeShape(p.batch),
      Object.entries(p.mix).map(([s, w]) => `${s} ${num(w)}`).join(", ") || "-",
    ]);
  }
  lines.push(table(rows), "", ...timelineTables(plan, rates));
  for (const group of plan.groups ?? []) lines.push(describeGroup(group, plan.optimizer.lr));
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
