/**
 * The whole schedule as typed arrays, one entry per update.
 * @module
 */
import type { Plan, Shape } from "../plan/schema.ts";
import { shapeFunction } from "../plan/shape_value.ts";
import { roundCount } from "../plan/evaluate.ts";
import { isCount, type Piece, type PieceQuantity, quantityPieces } from "../plan/pieces.ts";

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

/** Writes a shape into `column` over its piece; a constant is a fill, the rest go through `shapeValue`. */
function fillShape(column: Float64Array | Int32Array, span: Piece, shape: Shape, round: boolean): void {
  if (shape.shape === "constant") {
    column.fill(round ? roundCount(shape.value) : shape.value, span.start, span.end);
    return;
  }
  const n = span.end - span.start;
  const f = shapeFunction(shape, n, span.offset);
  for (let i = 0; i < n; i++) column[span.start + i] = round ? roundCount(f(i)) : f(i);
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
  /** `column` filled with a quantity's pieces (its own schedule, else the phases', else a constant). */
  const filled = <C extends Float64Array | Int32Array>(column: C, quantity: PieceQuantity): C => {
    for (const piece of quantityPieces(plan, quantity)) {
      fillShape(column, piece, piece.shape, isCount(quantity));
    }
    return column;
  };
  const phase = new Uint32Array(T);
  plan.phases.forEach((p, index) => phase.fill(index, p.start, p.end));
  const clips = plan.optimizer.clip !== null || plan.timelines?.clip !== undefined;
  return {
    steps: T,
    lr: filled(new Float64Array(T), "lr"),
    weightDecay: filled(new Float64Array(T), "weightDecay"),
    batch: filled(new Int32Array(T), "batch"),
    context: filled(new Int32Array(T), "context"),
    beta1: filled(new Float64Array(T), "beta1"),
    beta2: filled(new Float64Array(T), "beta2"),
    clip: clips ? filled(new Float64Array(T), "clip") : null,
    phase,
  };
}
