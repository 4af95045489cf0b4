/**
 * The seeded sampler: the batch of every update is a pure function of (seed, step), drawn with the
 * plan's mixture and batch size for that update, so a resumed run reads exactly the same data.
 * @module
 */
import { InputError } from "../../diagnostics/input_error.ts";
import type { TokenBatch } from "../engine.ts";
import { CounterRng } from "./counter_rng.ts";
import type { SourceData } from "./source_data.ts";

/** Which source each row of a batch comes from and where its window starts. */
export interface BatchRows {
  sources: string[];
  offsets: number[];
}

/**
 * Assigns `batch` rows to sources by systematic sampling over the cumulative mixture: with one uniform
 * draw u, row r takes the source whose interval holds (r + u) / batch. Every source gets its expected
 * share of rows rounded down or up (never further off), and the expectation is exact.
 */
export function assignRows(mix: Readonly<Record<string, number>>, batch: number, u: number): string[] {
  const names = Object.keys(mix).sort();
  const total = names.reduce((sum, n) => sum + mix[n], 0);
  const rows: string[] = [];
  let cumulative = 0;
  let index = 0;
  for (let r = 0; r < batch; r++) {
    const point = ((r + u) / batch) * total;
    while (index < names.length - 1 && cumulative + mix[names[index]] <= point) {
      cumulative += mix[names[index]];
      index++;
    }
    rows.push(names[index]);
  }
  return rows;
}

/**
 * Draws the batches of a run. The rows of update `step` depend only on (seed, step), the mixture and the
 * batch size, never on earlier draws.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../../mod.ts";
 * import { loadSource } from "./source_data.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const sources = await Promise.all(plan.sources.map((s) => loadSource(s, plan.file, 4 * (plan.context + 1))));
 * const sampler = new Sampler(sources, plan.context, 1);
 * const batch = sampler.batch(100, plan.phases[0].mix, 16); // the same on every call
 * console.assert(batch.batch === 16);
 * ```
 */
export class Sampler {
  #sources: Map<string, SourceData>;

  constructor(sources: SourceData[], readonly context: number, readonly seed: number) {
    this.#sources = new Map(sources.map((s) => [s.name, s]));
    for (const source of sources) {
      if (source.train.length < context + 1) {
        throw new InputError(
          `Source "${source.name}" holds '${source.train.length}' training bytes, fewer than one ` +
            `window of context + 1 = '${context + 1}'`,
        );
      }
    }
  }

  /** The sources and window offsets of update `step`'s rows. */
  rows(step: number, mix: Readonly<Record<string, number>>, batch: number): BatchRows {
    const rng = new CounterRng(this.seed, step);
    const sources = assignRows(mix, batch, rng.next());
    const offsets = sources.map((name) => {
      const source = this.#sources.get(name);
      if (!source) throw new Error(`The mixture names source "${name}", which was not loaded`);
      return rng.below(source.train.length - this.context);
    });
    return { sources, offsets };
  }

  /** The token batch of update `step`: `batch` windows of context + 1 bytes. */
  batch(
    step: number,
    mix: Readonly<Record<string, number>>,
    batch: number,
    context = this.context,
  ): TokenBatch {
    if (!Number.isInteger(context) || context < 1 || context > this.context) {
      throw new RangeError(`Context ${context} is not an integer in [1, ${this.context}]`);
    }
    // The windows' starts are drawn for the sampler's (largest) context, so a shorter one always fits.
    const { sources, offsets } = this.rows(step, mix, batch);
    const width = context + 1;
    const tokens = new Uint32Array(batch * width);
    sources.forEach((name, r) => {
      tokens.set(this.#sources.get(name)!.train.subarray(offsets[r], offsets[r] + width), r * width);
    });
    return { batch, context, tokens };
  }
}

/**
 * Fixed evaluation batches of one source's held-out bytes: `batches` batches of `rows` windows, spread
 * evenly over the held-out part (the same windows at every evaluation).
 */
export function heldOutBatches(
  source: SourceData,
  context: number,
  rows: number,
  batches: number,
): TokenBatch[] {
  const width = context + 1;
  const windows = rows * batches;
  const span = source.heldOut.length - width;
  return Array.from({ length: batches }, (_, b) => {
    const tokens = new Uint32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const start = Math.floor(((b * rows + r) * span) / Math.max(1, windows - 1));
      tokens.set(source.heldOut.subarray(start, start + width), r * width);
    }
    return { batch: rows, context, tokens };
  });
}
