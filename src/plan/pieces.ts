/**
 * One per-update quantity of a plan (LR, weight decay, batch, context, betas, clip) as the pieces of
 * updates over which one shape gives it: what consumers that tabulate, draw or emit a quantity walk.
 * @module
 */
import type { Plan, Shape, TimelineName } from "./schema.ts";

/** A shape over the updates [start, end): a phase's, or a segment of a quantity's own schedule. */
export interface Piece {
  start: number;
  end: number;
  offset: 0 | 1;
  shape: Shape;
}

/** The quantities a plan gives at every update, as pieces. */
export type PieceQuantity = "lr" | TimelineName;

/**
 * Whether a quantity is a count (sequences, tokens per sequence), whose every value rounds half up to a
 * whole number of at least 1 (`roundCount`).
 *
 * @example
 * ```ts
 * import { isCount } from "./pieces.ts";
 * console.assert(isCount("batch") && !isCount("lr"));
 * ```
 */
export function isCount(quantity: PieceQuantity): boolean {
  return quantity === "batch" || quantity === "context";
}

/**
 * The pieces of one quantity: its own schedule when the plan has one, else the phases' shapes (LR, weight
 * decay, batch), else one constant piece (context, betas, clip; a clip of none is 0).
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { quantityPieces } from "./pieces.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * console.assert(quantityPieces(plan, "beta2")[0].shape.shape === "constant");
 * ```
 */
export function quantityPieces(plan: Plan, quantity: PieceQuantity): Piece[] {
  const own = quantity === "lr" ? undefined : plan.timelines?.[quantity];
  if (own) return own.map((s) => ({ start: s.start, end: s.end, offset: s.offset, shape: s.value }));
  if (quantity === "lr" || quantity === "weightDecay" || quantity === "batch") {
    return plan.phases.map((p) => ({ start: p.start, end: p.end, offset: p.offset, shape: p[quantity] }));
  }
  const { betas, clip } = plan.optimizer;
  const value = {
    context: plan.context,
    beta1: betas[0],
    beta2: betas[1],
    clip: clip ?? 0,
    emaDecay: plan.ema?.decay ?? 0,
  }[quantity];
  return [{ start: 0, end: plan.steps, offset: 0, shape: { shape: "constant", value } }];
}
