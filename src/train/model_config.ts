/**
 * The model a plan trains: the recipe's `model` block, or small defaults when it has none.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import type { Model, Plan } from "../plan/schema.ts";

/** Byte-level tokens: the vocabulary the built-in trainer reads. */
export const BYTE_VOCAB = 256;

/** The model used when a recipe has no `model` block: small enough to train on a CPU adapter. */
export const DEFAULT_MODEL: Omit<Model, "context"> = {
  kind: "gpt",
  layers: 2,
  width: 128,
  heads: 4,
  vocab: 256,
};

/**
 * The model of `plan` (defaults when `plan.model` is null, with the plan's context); throws a clear error
 * when its context is shorter than the plan's or its vocabulary cannot hold byte tokens.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * console.assert(modelFor(plan).width === 64); // the recipe's model block
 * ```
 */
export function modelFor(plan: Plan): Model {
  const model = plan.model ?? { ...DEFAULT_MODEL, context: plan.context };
  if (model.context < plan.context) {
    throw new InputError(
      `Model context '${model.context}' is shorter than the plan's sequence length '${plan.context}': ` +
        "make the model's context at least the batch's",
    );
  }
  if (model.vocab < BYTE_VOCAB) {
    throw new InputError(
      `Model vocabulary '${model.vocab}' cannot hold byte tokens: it needs at least '${BYTE_VOCAB}'`,
    );
  }
  return model;
}
