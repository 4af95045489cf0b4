/**
 * The whole schedule as typed arrays, one entry per update.
 * @module
 */
import type { Phase, Plan, Shape } from "../plan/schema.ts";
import { shapeFunction } from "../plan/shape_value.ts";
import { batchAt } from "../plan/evaluate.ts";

/** Per-update columns; entry k is what update k uses. Mixtures are per phase: `plan.phases[phase[k]].mix`. */
export interface ScheduleTable {
  steps: number;
  lr: Float64Array;
  weightDecay: Float64Array;
  batch: Int32Array;
  phase: Uint32Array;
}

/** Writes a phase's shape into `column`; a constant is a fill, the rest go through `shapeValue`. */
function fillShape(column: Float64Array, phase: Phase, shape: Shape): void {
  if (shape.shape === "constant") {
    column.fill(shape.value, phase.start, phase.end);
    return;
  }
  const n = phase.end - phase.start;
  const f = shapeFunction(shape, n, phase.offset);
  for (let i = 0; i < n; i++) column[phase.start + i] = f(i);
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
  const table: ScheduleTable = {
    steps: T,
    lr: new Float64Array(T),
    weightDecay: new Float64Array(T),
    batch: new Int32Array(T),
    phase: new Uint32Array(T),
  };
  plan.phases.forEach((phase, index) => {
    table.phase.fill(index, phase.start, phase.end);
    fillShape(table.lr, phase, phase.lr);
    fillShape(table.weightDecay, phase, phase.weightDecay);
    if (phase.batch.shape === "constant") table.batch.fill(batchAt(phase, 0), phase.start, phase.end);
    else for (let i = 0; i < phase.end - phase.start; i++) table.batch[phase.start + i] = batchAt(phase, i);
  });
  return table;
}
