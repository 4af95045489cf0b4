/**
 * The whole schedule as typed arrays, one entry per update.
 * @module
 */
import type { Phase, Plan, Segment, Shape } from "../plan/schema.ts";
import { shapeFunction } from "../plan/shape_value.ts";
import { roundCount } from "../plan/evaluate.ts";

/** Per-update columns; entry k is what update k uses. Mixtures are per phase: `plan.phases[phase[k]].mix`. */
export interface ScheduleTable {
  steps: number;
  lr: Float64Array;
  weightDecay: Float64Array;
  batch: Int32Array;
  /** Tokens per sequence. */
  context: Int32Array;
  beta1: Float64Array;
  beta2: Float64Array;
  /** The gradient-norm clipping threshold, or null when the plan never clips. */
  clip: Float64Array | null;
  phase: Uint32Array;
}

/** The columns beyond LR, weight decay and batch, which hold constants unless the plan schedules them. */
export const SCHEDULED_COLUMNS = ["context", "beta1", "beta2", "clip"] as const;

/** Where a shape applies: a phase or a timeline's segment. */
type Span = Pick<Phase, "start" | "end" | "offset">;

/** Writes a shape into `column` over its span; a constant is a fill, the rest go through `shapeValue`. */
function fillShape(column: Float64Array | Int32Array, span: Span, shape: Shape, round = false): void {
  if (shape.shape === "constant") {
    column.fill(round ? roundCount(shape.value) : shape.value, span.start, span.end);
    return;
  }
  const n = span.end - span.start;
  const f = shapeFunction(shape, n, span.offset);
  for (let i = 0; i < n; i++) column[span.start + i] = round ? roundCount(f(i)) : f(i);
}

/** Writes a timeline into `column`, when the plan has one for it. */
function fillTimeline(column: Float64Array | Int32Array, segments: Segment[] | undefined, round = false) {
  for (const segment of segments ?? []) fillShape(column, segment, segment.value, round);
}

/**
 * Evaluates every update of the plan at once (the same values as `evaluate`, without the lookups).
 *
 * @example
 * ```ts
 * import { compileFile, evaluate, scheduleTable } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const table = scheduleTable(plan);
 * console.assert(table.lr[500] === evaluate(plan, 500).lr);
 * ```
 */
export function scheduleTable(plan: Plan): ScheduleTable {
  const T = plan.steps;
  const { betas, clip } = plan.optimizer;
  const timelines = plan.timelines ?? {};
  const table: ScheduleTable = {
    steps: T,
    lr: new Float64Array(T),
    weightDecay: new Float64Array(T),
    batch: new Int32Array(T),
    context: new Int32Array(T).fill(plan.context),
    beta1: new Float64Array(T).fill(betas[0]),
    beta2: new Float64Array(T).fill(betas[1]),
    clip: clip === null && !timelines.clip ? null : new Float64Array(T).fill(clip ?? 0),
    phase: new Uint32Array(T),
  };
  plan.phases.forEach((phase, index) => {
    table.phase.fill(index, phase.start, phase.end);
    fillShape(table.lr, phase, phase.lr);
    if (!timelines.weightDecay) fillShape(table.weightDecay, phase, phase.weightDecay);
    if (!timelines.batch) fillShape(table.batch, phase, phase.batch, true);
  });
  fillTimeline(table.weightDecay, timelines.weightDecay);
  fillTimeline(table.batch, timelines.batch, true);
  fillTimeline(table.context, timelines.context, true);
  fillTimeline(table.beta1, timelines.beta1);
  fillTimeline(table.beta2, timelines.beta2);
  if (table.clip) fillTimeline(table.clip, timelines.clip);
  return table;
}
