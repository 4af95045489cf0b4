/**
 * Positions written in tokens or samples (checkpoints, step milestones, timescales, and every boundary of a
 * schedule placed against a batch or context schedule) turned into updates, with every update consuming
 * its real, rounded batch and context: inside a batch ramp, "1M tokens" is where 1M tokens have really been
 * trained, not a mean-batch estimate.
 * @module
 */
import type { Plan, Shape } from "./schema.ts";
import { roundCount } from "./evaluate.ts";
import { shapeValue } from "./shape_value.ts";

/** The units a position can be written in (a budget's units). */
type BudgetUnit = "steps" | "samples" | "tokens";

/** A stretch of updates [start, end) over which a count (sequences or tokens per sequence) follows a shape. */
export interface CountSpan {
  start: number;
  end: number;
  offset: 0 | 1;
  /** The count's shape; each update's value rounds half up, to at least 1. */
  value: Shape;
}

/** A stretch over which both the batch and the context come from one span each. */
interface Piece {
  start: number;
  end: number;
  batch: CountSpan;
  context: CountSpan;
  /** Samples and tokens consumed before the piece starts. */
  before: { samples: number; tokens: number };
}

const countAt = (span: CountSpan, k: number) =>
  roundCount(shapeValue(span.value, k - span.start, span.end - span.start, span.offset));

/**
 * How many samples and tokens the updates of a plan consume, from the batch and context of every update:
 * converts between absolute positions in updates, samples and tokens. Past the last update it extends at the
 * last update's rate.
 *
 * @example
 * ```ts
 * import { RateMap } from "../plan/rates.ts";
 * const ramp = { start: 0, end: 4, offset: 0 as const, value: { shape: "linear" as const, from: 1, to: 5 } };
 * const context = { start: 0, end: 4, offset: 0 as const, value: { shape: "constant" as const, value: 8 } };
 * const map = new RateMap([ramp], [context]);
 * console.assert(map.updatesFor(3, "samples") === 2); // the first two updates take 1 and 2 sequences
 * console.assert(map.consumed(2, "tokens") === 24);
 * ```
 */
export class RateMap {
  readonly #pieces: Piece[] = [];
  readonly #cache = new Map<string, Float64Array>();

  /** `batch` and `context` each tile the same updates [0, T). */
  constructor(batch: readonly CountSpan[], context: readonly CountSpan[]) {
    let [b, c, start] = [0, 0, 0];
    const before = { samples: 0, tokens: 0 };
    while (b < batch.length && c < context.length) {
      const end = Math.min(batch[b].end, context[c].end);
      if (end > start) {
        const piece = { start, end, batch: batch[b], context: context[c], before: { ...before } };
        this.#pieces.push(piece);
        for (let k = start; k < end; k++) {
          const bk = countAt(piece.batch, k);
          before.samples += bk;
          before.tokens += bk * countAt(piece.context, k);
          if (this.#constant(piece)) {
            before.samples += (end - k - 1) * bk;
            before.tokens += (end - k - 1) * bk * countAt(piece.context, k);
            break;
          }
        }
      }
      start = end;
      if (batch[b].end === end) b++;
      if (context[c].end === end) c++;
    }
  }

  /** A plan's rate from its phases' batch shapes and one context. */
  static of(spans: readonly { start: number; end: number; offset: 0 | 1; batch: Shape }[], context: number) {
    const last = spans.at(-1)!;
    return new RateMap(
      spans.map((s) => ({ start: s.start, end: s.end, offset: s.offset, value: s.batch })),
      [{ start: 0, end: last.end, offset: 0, value: { shape: "constant", value: context } }],
    );
  }

  /**
   * A plan's rates: its batch and context schedules, or its phases' batch shapes and its context.
   *
   * @example
   * ```ts
   * import { compileFile } from "../../mod.ts";
   * import { RateMap } from "./rates.ts";
   * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
   * console.assert(RateMap.ofPlan(plan).consumed(plan.steps, "tokens") === plan.steps * 16 * 64);
   * ```
   */
  static ofPlan(plan: Plan): RateMap {
    const constant = (value: number): CountSpan[] => [
      { start: 0, end: plan.steps, offset: 0, value: { shape: "constant", value } },
    ];
    const batch = plan.timelines?.batch ??
      plan.phases.map((p) => ({ start: p.start, end: p.end, offset: p.offset, value: p.batch }));
    return new RateMap(batch, plan.timelines?.context ?? constant(plan.context));
  }

  /** The last piece for which `atOrBefore` holds (monotone over the pieces), else the first: a binary search. */
  #lastPiece(atOrBefore: (piece: Piece) => boolean): Piece {
    let [lo, hi] = [0, this.#pieces.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (atOrBefore(this.#pieces[mid])) lo = mid;
      else hi = mid - 1;
    }
    return this.#pieces[lo];
  }

  #constant(piece: Piece): boolean {
    return piece.batch.value.shape === "constant" && piece.context.value.shape === "constant";
  }

  #perUpdate(piece: Piece, k: number, unit: BudgetUnit): number {
    if (unit === "steps") return 1;
    const b = countAt(piece.batch, k);
    return unit === "samples" ? b : b * countAt(piece.context, k);
  }

  /** What the first `updates` updates (fractional: linear within an update) consume of `unit`. */
  consumed(updates: number, unit: BudgetUnit): number {
    if (unit === "steps") return updates;
    const piece = this.#lastPiece((p) => p.start <= updates);
    const amount = piece.before[unit];
    if (this.#constant(piece)) {
      return amount + (updates - piece.start) * this.#perUpdate(piece, piece.start, unit);
    }
    const whole = Math.max(piece.start, Math.min(Math.floor(updates), piece.end));
    const k = Math.min(whole, piece.end - 1);
    const sums = this.#sums(piece, unit);
    return amount + sums[whole - piece.start] + (updates - whole) * this.#perUpdate(piece, k, unit);
  }

  /** What the first i updates of a ramp consume, for i = 0..n (made on first use, then kept). */
  #sums(piece: Piece, unit: "samples" | "tokens"): Float64Array {
    const key = `${piece.start}:${unit}`;
    let sums = this.#cache.get(key);
    if (!sums) {
      sums = new Float64Array(piece.end - piece.start + 1);
      for (let k = piece.start; k < piece.end; k++) {
        sums[k - piece.start + 1] = sums[k - piece.start] + this.#perUpdate(piece, k, unit);
      }
      this.#cache.set(key, sums);
    }
    return sums;
  }

  /** The fractional number of updates after which `amount` of `unit` has been consumed. */
  updatesFor(amount: number, unit: BudgetUnit): number {
    if (unit === "steps") return amount;
    const piece = this.#lastPiece((p) => p.before[unit] <= amount);
    const consumed = piece.before[unit];
    if (this.#constant(piece)) {
      return piece.start + (amount - consumed) / this.#perUpdate(piece, piece.start, unit);
    }
    // The first update of the ramp whose end reaches `amount`, else its last: a binary search of the sums
    // that `consumed` keeps (counts are whole, so every sum is exact).
    const sums = this.#sums(piece, unit);
    let [lo, hi] = [1, sums.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (consumed + sums[mid] >= amount) hi = mid;
      else lo = mid + 1;
    }
    const k = piece.start + lo - 1;
    return k + (amount - (consumed + sums[lo - 1])) / this.#perUpdate(piece, k, unit);
  }

  /** The updates after `start` at which `amount` more of `unit` has been consumed. */
  localUpdates(start: number, amount: number, unit: BudgetUnit): number {
    return unit === "steps" ? amount : this.updatesFor(this.consumed(start, unit) + amount, unit) - start;
  }
}
