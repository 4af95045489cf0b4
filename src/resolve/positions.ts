/**
 * Positions written in tokens or samples (checkpoints, step milestones, timescales) turned into updates,
 * with every update consuming its real, rounded batch: inside a batch ramp, "1M tokens" is where 1M
 * tokens have really been trained, not a mean-batch estimate.
 * @module
 */
import type { Phase } from "../plan/schema.ts";
import type { BudgetUnit } from "./durations.ts";
import { batchAt } from "../plan/evaluate.ts";

/** What a position needs of a phase. */
export type PhaseSpan = Pick<Phase, "start" | "end" | "offset" | "batch">;

/**
 * The fractional number of updates, from the start of `spans[0]`, after which `amount` of `unit` has been
 * consumed; linear within an update, and extended past the end at the last update's rate.
 *
 * @example
 * ```ts
 * import { updatesToReach } from "./positions.ts";
 * const ramp = { start: 0, end: 4, offset: 0 as const, batch: { shape: "linear" as const, from: 1, to: 5 } };
 * updatesToReach([ramp], 1, 3, "samples"); // 2: the first two updates take 1 and 2 sequences
 * ```
 */
export function updatesToReach(
  spans: PhaseSpan[],
  context: number,
  amount: number,
  unit: BudgetUnit,
): number {
  if (unit === "steps") return amount;
  const perSequence = unit === "tokens" ? context : 1;
  let consumed = 0;
  let updates = 0;
  let last = 1;
  for (const span of spans) {
    const n = span.end - span.start;
    if (span.batch.shape === "constant") {
      last = batchAt(span, 0) * perSequence;
      if (consumed + n * last >= amount) return updates + (amount - consumed) / last;
      consumed += n * last;
      updates += n;
      continue;
    }
    for (let i = 0; i < n; i++) {
      last = batchAt(span, i) * perSequence;
      if (consumed + last >= amount) return updates + i + (amount - consumed) / last;
      consumed += last;
    }
    updates += n;
  }
  return updates + (amount - consumed) / last;
}
