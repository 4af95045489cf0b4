/**
 * What every plan must satisfy, whatever made it: the compiler, a hand edit of the plan JSON, a proxy. The
 * zod schema checks each field alone; these checks relate the fields to each other and follow the schedule
 * through every update, so that a plan that passes them cannot feed a trainer an infinite LR, a batch of
 * 1e308 sequences or a mixture that does not sum to 1.
 * @module
 */
import type { Phase, Plan, Segment, Shape, TimelineName } from "./schema.ts";

/** Where a shape applies. */
type Span = Pick<Phase, "start" | "end" | "offset">;
import { shapeFunction } from "./shape_value.ts";
import { roundCount } from "./evaluate.ts";

/** The most sequences one update may take (2^24, about 16.8 million). */
export const MAX_BATCH = 2 ** 24;

/** How far the weights of a mixture may sum from 1. */
export const MIX_TOLERANCE = 1e-9;

/**
 * Phases up to this many updates are checked at every update. Longer ones are checked at both ends, at
 * every step boundary and at 4,096 evenly spaced updates: every shape is monotone between its boundaries,
 * and its parameters are checked too, so a value out of range shows at an end or a boundary.
 */
export const EXHAUSTIVE_UPDATES = 2 ** 22;

const SAMPLES = 4096;

/**
 * Every way `plan` breaks the invariants of a plan, one sentence each naming the field (an empty list for
 * a sound plan):
 * - `steps` is an integer >= 1 and the phases tile [0, steps) exactly, in order;
 * - the LR and weight decay are finite and >= 0 at every update;
 * - the batch is an integer in [1, {@link MAX_BATCH}] at every update;
 * - each timeline's segments tile [0, steps) too; its batch and context are counts of at most MAX_BATCH and
 *   the plan's context, betas are in [0, 1), a clipping threshold is > 0;
 * - every mixture is finite, non-negative, over declared sources and sums to 1 (within {@link MIX_TOLERANCE});
 * - every checkpoint lies in [0, steps], and `init` (if any) is at a step >= 0 with a finite LR >= 0.
 *
 * Run it on a plan parsed with the zod schema (`Plan.parse`); it does not repeat the schema's checks of
 * single fields, but it never throws on a plan that passed them.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { planProblems } from "./invariants.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * planProblems(plans[0]); // []
 * const edited = structuredClone(plans[0]);
 * edited.phases[1].start += 2;
 * planProblems(edited)[0]; // "phases[1] starts at 18 but phases[0] ends at 16"
 * ```
 */
export function planProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const steps = plan.steps;
  if (!Number.isInteger(steps) || steps < 1) problems.push(`steps is ${steps}; it must be an integer >= 1`);
  if (!plan.phases.length) problems.push("phases is empty; a plan needs at least one phase");
  const tiled = tilingProblems(plan.phases, steps, "phases");
  problems.push(...tiled);
  if (!tiled.length) {
    plan.phases.forEach((phase, index) => {
      const at = `phases[${index}]`;
      for (const field of ["lr", "weightDecay", "batch"] as const) {
        problems.push(...shapeProblems(phase[field], phase, `${at}.${field}`, CHECKS[field](plan)));
      }
      problems.push(...mixProblems(plan, phase.mix, `${at}.mix`));
    });
  }
  for (const [name, segments] of Object.entries(plan.timelines ?? {}) as [TimelineName, Segment[]][]) {
    const at = `timelines.${name}`;
    const tiledTimeline = tilingProblems(segments, steps, at);
    problems.push(...tiledTimeline);
    if (tiledTimeline.length) continue;
    segments.forEach((segment, index) => {
      problems.push(...shapeProblems(segment.value, segment, `${at}[${index}]`, CHECKS[name](plan)));
    });
  }
  plan.checkpoints.forEach((checkpoint, index) => {
    if (!Number.isInteger(checkpoint.step) || checkpoint.step < 0 || checkpoint.step > steps) {
      problems.push(
        `checkpoints[${index}] ("${checkpoint.name}") is at step ${checkpoint.step}, outside [0, ${steps}]`,
      );
    }
  });
  if (plan.init) {
    if (!Number.isInteger(plan.init.step) || plan.init.step < 0) {
      problems.push(`init.step is ${plan.init.step}; it must be an integer >= 0`);
    }
    if (!(Number.isFinite(plan.init.lr) && plan.init.lr >= 0)) {
      problems.push(`init.lr is ${plan.init.lr}; it must be finite and >= 0`);
    }
  }
  return problems;
}

/** Whether `spans` (phases or a timeline's segments) tile [0, steps) in order, with integer ends. */
function tilingProblems(spans: readonly Span[], steps: number, field: string): string[] {
  const problems: string[] = [];
  spans.forEach((span, index) => {
    const at = `${field}[${index}]`;
    if (!Number.isInteger(span.start) || !Number.isInteger(span.end)) {
      problems.push(`${at} runs from ${span.start} to ${span.end}; both must be integers`);
      return;
    }
    if (index === 0 && span.start !== 0) problems.push(`${at} starts at ${span.start}; it must start at 0`);
    const before = spans[index - 1]?.end;
    if (index > 0 && span.start !== before) {
      problems.push(`${at} starts at ${span.start} but ${field}[${index - 1}] ends at ${before}`);
    }
    if (span.end <= span.start) {
      problems.push(`${at} ends at ${span.end}, not after its start at ${span.start}`);
    }
  });
  const last = spans.at(-1);
  if (last && Number.isInteger(steps) && last.end !== steps) {
    problems.push(`${field}[${spans.length - 1}] ends at ${last.end} but steps is ${steps}`);
  }
  return problems;
}

/** A value check: null when the value is sound, else what it must be. */
type Check = (v: number) => string | null;

const nonNegative: Check = (v) => Number.isFinite(v) && v >= 0 ? null : "it must be finite and >= 0";
/** A count as `roundCount` rounds it (half up, at least 1), at most `max`. */
const count = (max: number, what: string): Check => (v) => {
  if (!Number.isFinite(v)) return "it must be finite";
  const b = roundCount(v);
  return b > max ? `it rounds to ${b}, more than the limit of ${max} ${what}` : null;
};
const beta: Check = (v) => Number.isFinite(v) && v >= 0 && v < 1 ? null : "it must be in [0, 1)";

/** The check of every scheduled quantity, for a plan. */
const CHECKS: Record<"lr" | TimelineName, (plan: Plan) => Check> = {
  lr: () => nonNegative,
  weightDecay: () => nonNegative,
  batch: () => count(MAX_BATCH, "sequences"),
  context: (plan) => count(plan.context, "tokens (the plan's context)"),
  beta1: () => beta,
  beta2: () => beta,
  clip: () => (v) => Number.isFinite(v) && v > 0 ? null : "it must be finite and > 0",
  emaDecay: () => beta,
};

/** The first problem of a shape over its span: its parameters, then its value at every update. */
function shapeProblems(shape: Shape, span: Span, at: string, check: Check): string[] {
  const bad = parameterProblem(shape);
  if (bad) return [`${at}: ${bad}`];
  const n = span.end - span.start;
  const f = shapeFunction(shape, n, span.offset);
  const problems: string[] = [];
  const visit = (i: number): boolean => {
    const value = f(i);
    const problem = check(value);
    if (problem) problems.push(`${at} is ${value} at update ${span.start + i}; ${problem}`);
    return problem === null;
  };
  if (shape.shape === "constant") visit(0);
  else if (n <= EXHAUSTIVE_UPDATES) { for (let i = 0; i < n && visit(i); i++); }
  else for (const i of sampledUpdates(shape, n)) if (!visit(i)) break;
  return problems;
}

/** What is wrong with a shape's parameters, whatever the update. */
function parameterProblem(shape: Shape): string | null {
  const finite = (name: string, x: number, min: number, exclusive = false): string | null =>
    Number.isFinite(x) && (exclusive ? x > min : x >= min)
      ? null
      : `${shape.shape} has ${name} ${x}; it must be finite and ${exclusive ? ">" : ">="} ${min}`;
  switch (shape.shape) {
    case "constant":
      return finite("value", shape.value, 0);
    case "step":
      return shape.values.map((v, j) => finite(`values[${j}]`, v, 0)).find((p) => p) ?? null;
    case "inverse-sqrt":
      return finite("from", shape.from, 0) ?? finite("timescale", shape.timescale, 0, true);
    case "exponential":
      return finite("from", shape.from, 0, true) ?? finite("to", shape.to, 0, true) ??
        (Number.isFinite(shape.to / shape.from)
          ? null
          : `exponential from ${shape.from} to ${shape.to}; the ratio to / from overflows`);
    case "polynomial":
      return finite("from", shape.from, 0) ?? finite("to", shape.to, 0) ??
        finite("power", shape.power, 0, true);
    default:
      return finite("from", shape.from, 0) ?? finite("to", shape.to, 0);
  }
}

/** For a long phase: the ends, every step boundary and evenly spaced updates, in order. */
function sampledUpdates(shape: Shape, n: number): number[] {
  const points = new Set<number>([0, 1, n - 2, n - 1]);
  for (let j = 0; j <= SAMPLES; j++) points.add(Math.floor((j / SAMPLES) * (n - 1)));
  if (shape.shape === "step") {
    for (const b of shape.boundaries) {
      for (const d of [-2, -1, 0, 1]) points.add(Math.min(n - 1, Math.max(0, b + d)));
    }
  }
  return [...points].sort((a, b) => a - b);
}

/** Problems of one mixture. */
function mixProblems(plan: Plan, mix: Readonly<Record<string, number>>, at: string): string[] {
  const problems: string[] = [];
  const entries = Object.entries(mix);
  if (!entries.length) {
    return plan.sources.length ? [`${at} is empty, but the plan has ${plan.sources.length} sources`] : [];
  }
  const names = new Set(plan.sources.map((s) => s.name));
  let sum = 0;
  for (const [name, weight] of entries) {
    if (!names.has(name)) problems.push(`${at} names "${name}", which is not in sources`);
    if (!(Number.isFinite(weight) && weight >= 0)) {
      problems.push(`${at}["${name}"] is ${weight}; it must be finite and >= 0`);
    }
    sum += weight;
  }
  if (!(Math.abs(sum - 1) <= MIX_TOLERANCE)) problems.push(`${at} sums to ${sum}; its weights must sum to 1`);
  return problems;
}
