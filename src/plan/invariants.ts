/**
 * What every plan must satisfy, whatever made it: the compiler, a hand edit of the plan JSON, a proxy. The
 * zod schema checks each field alone; these checks relate the fields to each other and follow the schedule
 * through every update, so that a plan that passes them cannot feed a trainer an infinite LR, a batch of
 * 1e308 sequences or a mixture that does not sum to 1.
 * @module
 */
import type { Phase, Plan, Shape } from "./schema.ts";
import { shapeFunction } from "./shape_value.ts";

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
  plan.phases.forEach((phase, index) => {
    const at = `phases[${index}]`;
    if (!Number.isInteger(phase.start) || !Number.isInteger(phase.end)) {
      problems.push(`${at} runs from ${phase.start} to ${phase.end}; both must be integers`);
      return;
    }
    if (index === 0 && phase.start !== 0) problems.push(`${at} starts at ${phase.start}; it must start at 0`);
    if (index > 0) {
      const before = plan.phases[index - 1].end;
      if (phase.start !== before) {
        problems.push(`${at} starts at ${phase.start} but phases[${index - 1}] ends at ${before}`);
      }
    }
    if (phase.end <= phase.start) {
      problems.push(`${at} ends at ${phase.end}, not after its start at ${phase.start}`);
      return;
    }
    for (const problem of phaseProblems(phase, at)) problems.push(problem);
    for (const problem of mixProblems(plan, phase.mix, `${at}.mix`)) problems.push(problem);
  });
  const last = plan.phases[plan.phases.length - 1];
  if (last && Number.isInteger(steps) && last.end !== steps) {
    problems.push(`phases[${plan.phases.length - 1}] ends at ${last.end} but steps is ${steps}`);
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

/** The first problem of each of a phase's three shapes. */
function phaseProblems(phase: Phase, at: string): string[] {
  const problems: string[] = [];
  const n = phase.end - phase.start;
  const columns: [keyof Pick<Phase, "lr" | "weightDecay" | "batch">, (v: number) => string | null][] = [
    ["lr", (v) => Number.isFinite(v) && v >= 0 ? null : "it must be finite and >= 0"],
    ["weightDecay", (v) => Number.isFinite(v) && v >= 0 ? null : "it must be finite and >= 0"],
    ["batch", (v) => {
      // As `batchAt` rounds it: half up, at least 1.
      const b = Math.max(1, Math.floor(v + 0.5));
      if (!Number.isFinite(v)) return "it must be finite";
      return b > MAX_BATCH ? `it rounds to ${b}, more than the limit of ${MAX_BATCH} sequences` : null;
    }],
  ];
  for (const [field, check] of columns) {
    const shape = phase[field];
    const bad = parameterProblem(shape);
    if (bad) {
      problems.push(`${at}.${field}: ${bad}`);
      continue;
    }
    const f = shapeFunction(shape, n, phase.offset);
    const visit = (i: number): boolean => {
      const value = f(i);
      const problem = check(value);
      if (problem) problems.push(`${at}.${field} is ${value} at update ${phase.start + i}; ${problem}`);
      return problem === null;
    };
    if (shape.shape === "constant") visit(0);
    else if (n <= EXHAUSTIVE_UPDATES) { for (let i = 0; i < n && visit(i); i++); }
    else for (const i of sampledUpdates(shape, n)) if (!visit(i)) break;
  }
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
