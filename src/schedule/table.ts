/**
 * The whole schedule as typed arrays, one entry per update.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { shapeValue } from "./shape.ts";
import { batchAt } from "./evaluate.ts";

/** Per-update columns; entry k is what update k uses. Mixtures are per phase: `plan.phases[phase[k]].mix`. */
export interface ScheduleTable {
  steps: number;
  lr: Float64Array;
  weightDecay: Float64Array;
  batch: Int32Array;
  phase: Uint32Array;
}

/**
 * Evaluates every update of the plan at once (the same values as `evaluate`, without the lookups).
 *
 * @example
 * ```ts
 * import { scheduleTable } from "../../mod.ts";
 * // const table = scheduleTable(plan); table.lr[0] === evaluate(plan, 0).lr
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
    const n = phase.end - phase.start;
    table.phase.fill(index, phase.start, phase.end);
    for (let i = 0; i < n; i++) {
      const k = phase.start + i;
      table.lr[k] = shapeValue(phase.lr, i, n, phase.offset);
      table.weightDecay[k] = shapeValue(phase.weightDecay, i, n, phase.offset);
      table.batch[k] = batchAt(phase, i);
    }
  });
  return table;
}
