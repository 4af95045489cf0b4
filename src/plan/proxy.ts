/**
 * Proxy plans: the same schedule shape scaled to a smaller token budget, to try a recipe cheaply before
 * running it at full size. A pure function of the plan and the budget.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { Plan, type Shape } from "./schema.ts";
import { batchAt } from "./evaluate.ts";

const SUFFIXES: Record<string, number> = { "": 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 };

/**
 * Parses a token count such as "5M", "500K" or "2e6" (suffixes K, M, B, T); throws a sentence naming the
 * value when it is not a positive count.
 *
 * @example
 * ```ts
 * parseTokenCount("5M"); // 5000000
 * ```
 */
export function parseTokenCount(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([KMBT]?)\s*$/i.exec(text);
  const value = match ? Number(match[1]) * SUFFIXES[match[2].toUpperCase()] : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(`Token count "${text}" is not a positive number of tokens such as "5M" or "500K"`);
  }
  return Math.round(value);
}

/** Tokens a plan trains on: the sum over updates of batch x context. */
export function planTokens(plan: Plan): number {
  let sequences = 0;
  for (const phase of plan.phases) {
    for (let i = 0; i < phase.end - phase.start; i++) sequences += batchAt(phase, i);
  }
  return sequences * plan.context;
}

/** Scales the boundaries of a step shape from a phase of n updates to one of m, dropping emptied pieces. */
function scaleShape(shape: Shape, n: number, m: number): Shape {
  if (shape.shape === "inverse-sqrt") return { ...shape, timescale: (shape.timescale * m) / n };
  if (shape.shape !== "step") return shape;
  const edges = [0, ...shape.boundaries.map((b) => Math.min(m, Math.max(0, Math.round((b * m) / n)))), m];
  const kept = shape.values
    .map((value, j) => ({ value, start: edges[j], end: edges[j + 1] }))
    .filter((piece) => piece.end > piece.start);
  const values = kept.map((piece) => piece.value);
  const boundaries = kept.slice(1).map((piece) => piece.start);
  return { ...shape, values, boundaries };
}

/**
 * The plan scaled to about `tokens` tokens: the number of updates shrinks (or grows) by the ratio of the
 * budgets, and phase boundaries, checkpoint steps, step-shape boundaries and inverse-sqrt timescales scale
 * with it (rounded to the nearest update); every phase keeps at least one update, and a checkpoint at a
 * phase boundary stays at that boundary; an average follows its checkpoints, an EMA's start scales and it is
 * written after the last update. Batch sizes, context, LR values and mixtures are unchanged.
 * The result is validated with `Plan.parse`.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const proxy = proxyPlan(plan, parseTokenCount("200K"));
 * console.assert(proxy.steps === Math.round(plan.steps * 200_000 / 800_000)); // 1,024 tokens per update
 * ```
 */
export function proxyPlan(plan: Plan, tokens: number): Plan {
  const phases = plan.phases;
  const steps = Math.max(phases.length, Math.round((plan.steps * tokens) / planTokens(plan)));
  const ratio = steps / plan.steps;
  const starts: number[] = [];
  phases.forEach((phase, i) => {
    const lowest = i === 0 ? 0 : starts[i - 1] + 1;
    const highest = steps - (phases.length - i);
    starts.push(i === 0 ? 0 : Math.min(highest, Math.max(lowest, Math.round(phase.start * ratio))));
  });
  const newPhases = phases.map((phase, i) => {
    const start = starts[i];
    const end = i + 1 < phases.length ? starts[i + 1] : steps;
    const n = phase.end - phase.start;
    const m = end - start;
    return {
      ...phase,
      start,
      end,
      lr: scaleShape(phase.lr, n, m),
      weightDecay: scaleShape(phase.weightDecay, n, m),
      batch: scaleShape(phase.batch, n, m),
    };
  });
  const boundary = new Map(phases.map((p, i) => [p.start, starts[i]]));
  boundary.set(plan.steps, steps);
  const checkpoints = plan.checkpoints.map((c) => ({
    ...c,
    step: boundary.get(c.step) ?? Math.min(steps, Math.round(c.step * ratio)),
  }));
  const stepOf = new Map(checkpoints.map((c) => [c.name, c.step]));
  const averages = plan.averages?.map((a) => ({ ...a, step: Math.max(...a.of.map((n) => stepOf.get(n)!)) }));
  const ema = plan.ema && {
    ...plan.ema,
    start: Math.min(steps - 1, boundary.get(plan.ema.start) ?? Math.round(plan.ema.start * ratio)),
    step: steps,
  };
  return Plan.parse({
    ...plan,
    steps,
    budget: { unit: "tokens", value: tokens },
    phases: newPhases,
    checkpoints,
    ...(averages ? { averages } : {}),
    ...(ema ? { ema } : {}),
  });
}
