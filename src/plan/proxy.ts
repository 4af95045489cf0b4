/**
 * Proxy plans: the same schedule shape scaled to a smaller token budget, to try a recipe cheaply before
 * running it at full size. A pure function of the plan and the budget.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { Plan, type Shape } from "./schema.ts";
import { RateMap } from "./rates.ts";

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
  return RateMap.ofPlan(plan).consumed(plan.steps, "tokens");
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
 * A shape with each of its values v (ends, constant, steps) raised to `power`: an EMA decay d keeps its
 * horizon in proportion when the updates scale by r as d^(1/r) (the ends of each phase exactly).
 */
function powerShape(shape: Shape, power: number): Shape {
  const raise = (v: number) => v ** power;
  switch (shape.shape) {
    case "constant":
      return { ...shape, value: raise(shape.value) };
    case "step":
      return { ...shape, values: shape.values.map(raise) };
    case "inverse-sqrt":
      return { ...shape, from: raise(shape.from) };
    default:
      return { ...shape, from: raise(shape.from), to: raise(shape.to) };
  }
}

/**
 * The plan scaled to about `tokens` tokens: the number of updates shrinks (or grows) by the ratio of the
 * budgets, and phase boundaries, checkpoint steps, step-shape boundaries and inverse-sqrt timescales scale
 * with it (rounded to the nearest update); every phase keeps at least one update, and a checkpoint at a
 * phase boundary stays at that boundary; an average follows its checkpoints, an EMA's start scales, its decay
 * d becomes d^(1/r) (r the ratio of updates, so that it averages over the same share of the run) and it is
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
  const longest = Math.max(plan.phases.length, ...Object.values(plan.timelines ?? {}).map((t) => t.length));
  const steps = Math.max(longest, Math.round((plan.steps * tokens) / planTokens(plan)));
  const ratio = steps / plan.steps;
  const boundary = new Map<number, number>([[plan.steps, steps]]);
  const phases = scaleSpans(plan.phases, steps, ratio, boundary).map(({ span: phase, n, m, ...at }) => ({
    ...phase,
    ...at,
    lr: scaleShape(phase.lr, n, m),
    weightDecay: scaleShape(phase.weightDecay, n, m),
    batch: scaleShape(phase.batch, n, m),
  }));
  const timelines = plan.timelines && Object.fromEntries(
    Object.entries(plan.timelines).map(([name, segments]) => [
      name,
      scaleSpans(segments, steps, ratio, new Map()).map(({ span, n, m, ...at }) => ({
        ...span,
        ...at,
        value: name === "emaDecay"
          ? powerShape(scaleShape(span.value, n, m), 1 / ratio)
          : scaleShape(span.value, n, m),
      })),
    ]),
  );
  const checkpoints = plan.checkpoints.map((c) => ({
    ...c,
    step: boundary.get(c.step) ?? Math.min(steps, Math.round(c.step * ratio)),
  }));
  const stepOf = new Map(checkpoints.map((c) => [c.name, c.step]));
  const averages = plan.averages?.map((a) => ({ ...a, step: Math.max(...a.of.map((n) => stepOf.get(n)!)) }));
  const ema = plan.ema && {
    ...plan.ema,
    decay: plan.ema.decay ** (1 / ratio),
    start: Math.min(steps - 1, boundary.get(plan.ema.start) ?? Math.round(plan.ema.start * ratio)),
    step: steps,
  };
  return Plan.parse({
    ...plan,
    steps,
    budget: { unit: "tokens", value: tokens },
    phases,
    ...(timelines ? { timelines } : {}),
    checkpoints,
    ...(averages ? { averages } : {}),
    ...(ema ? { ema } : {}),
  });
}

/**
 * Spans that tile [0, T) moved to tile [0, steps): each start scaled by `ratio` and kept at least one update
 * after the one before; `boundary` records where each old start went.
 */
function scaleSpans<S extends { start: number; end: number }>(
  spans: readonly S[],
  steps: number,
  ratio: number,
  boundary: Map<number, number>,
): { span: S; start: number; end: number; n: number; m: number }[] {
  const starts: number[] = [];
  spans.forEach((span, i) => {
    const lowest = i === 0 ? 0 : starts[i - 1] + 1;
    const highest = steps - (spans.length - i);
    starts.push(i === 0 ? 0 : Math.min(highest, Math.max(lowest, Math.round(span.start * ratio))));
    boundary.set(span.start, starts[i]);
  });
  return spans.map((span, i) => {
    const start = starts[i];
    const end = i + 1 < spans.length ? starts[i + 1] : steps;
    return { span, start, end, n: span.end - span.start, m: end - start };
  });
}
