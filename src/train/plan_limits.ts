/**
 * What the built-in trainer checks in a plan before it allocates anything: a plan JSON may have been
 * edited by hand, so phases that overlap or leave gaps, and sizes no proxy run needs (a batch of 1e9),
 * are refused with a sentence instead of failing inside an allocation.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { batchAt } from "../plan/evaluate.ts";
import { planProblems } from "../plan/invariants.ts";

/** Most updates the built-in trainer runs (its per-update tables are kept in memory). */
export const MAX_STEPS = 10_000_000;
/** Most tokens (sequences x context) in one update's batch. */
export const MAX_BATCH_TOKENS = 1 << 22;
/** Most bytes of activations one batch shape may need (an estimate; the adapter's limits apply too). */
export const MAX_ACTIVATION_BYTES = 16 * 1024 ** 3;
/** Largest model dimensions (layers, width, heads, context, vocabulary). */
const MAX_MODEL = { layers: 1024, width: 65536, heads: 1024, context: 65536, vocab: 1 << 20 };

const isCount = (n: unknown, min = 1): n is number => Number.isSafeInteger(n) && (n as number) >= min;

/** An estimate of the activation bytes of one batch shape (the step graph of src/train/gpu/graph.ts). */
export function activationBytes(
  model: { layers: number; width: number; heads: number; vocab: number },
  batch: number,
  context: number,
): number {
  const rows = Math.ceil(batch * context / 4) * 4;
  const vocabRows = Math.ceil(model.vocab / 4) * 4;
  const floats = rows * model.width * (16 * model.layers + 4) +
    model.layers * batch * model.heads * context * context + 2 * rows * vocabRows;
  return floats * 4;
}

/**
 * The reasons the built-in trainer cannot train `plan`, as sentences (empty when it can): the plan
 * invariants of `planProblems` (phases that do not tile the updates, non-finite values, mixtures, batch
 * bounds), then sizes beyond the built-in trainer's bounds. Runs in time proportional to the plan's updates, allocating nothing per update.
 */
export function trainerPlanProblems(plan: Plan): string[] {
  // The invariants of every plan (tiling, finite values, mixtures, batch bounds) come first.
  const invariants = planProblems(plan);
  if (invariants.length > 0) return invariants;
  const problems: string[] = [];
  if (!isCount(plan.steps) || plan.steps > MAX_STEPS) {
    problems.push(`its 'steps' '${plan.steps}' is not an integer from 1 to '${MAX_STEPS}'`);
    return problems;
  }
  if (!isCount(plan.context)) problems.push(`its 'context' '${plan.context}' is not a positive integer`);
  if (plan.model) {
    for (const [key, most] of Object.entries(MAX_MODEL)) {
      const value = plan.model[key as keyof typeof MAX_MODEL];
      if (!isCount(value) || value > most) {
        problems.push(`its model's '${key}' '${value}' is not an integer from 1 to '${most}'`);
      }
    }
  }
  if (problems.length > 0) return problems;
  const model = plan.model ?? { layers: 2, width: 64, heads: 2, vocab: 256 };
  for (const phase of plan.phases) {
    const n = phase.end - phase.start;
    // Shapes are monotone within a phase: the ends bound the batch (the middle is checked as well).
    const batches = [0, n >> 1, n - 1].map((i) => batchAt(phase, i));
    const largest = Math.max(...batches);
    if (!batches.every((b) => isCount(b))) {
      problems.push(`phase "${phase.name}" has a batch size that is not a positive integer`);
      continue;
    }
    const tokens = largest * plan.context;
    if (tokens > MAX_BATCH_TOKENS) {
      problems.push(
        `phase "${phase.name}" has a batch of '${largest}' x '${plan.context}' = '${tokens}' tokens per update, ` +
          `more than the '${MAX_BATCH_TOKENS}' the built-in trainer takes`,
      );
      continue;
    }
    const bytes = activationBytes(model, largest, plan.context);
    if (bytes > MAX_ACTIVATION_BYTES) {
      problems.push(
        `phase "${phase.name}" with a batch of '${largest}' x '${plan.context}' needs about ` +
          `'${(bytes / 1024 ** 3).toFixed(1)} GiB' of activations, more than the ` +
          `'${MAX_ACTIVATION_BYTES / 1024 ** 3} GiB' the built-in trainer allows`,
      );
    }
  }
  return problems;
}
