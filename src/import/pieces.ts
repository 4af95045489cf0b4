/**
 * Building the LR and weight-decay pieces of an import, and the parts every importer shares: the empty
 * import a format fills in, and the inputs an importer receives.
 * @module
 */
import type { Shape } from "../plan/schema.ts";
import type { Imported, Piece } from "./imported.ts";
import type { Sidecar } from "./sources.ts";
import { recipeNameFor } from "./sources.ts";

/** What an importer reads: the config's text, its file name, and what the config itself cannot say. */
export interface ImportInput {
  file: string;
  text: string;
  /** The mixture sidecar Recipe writes beside configs of trainers without mixtures, if there is one. */
  sidecar?: Sidecar;
  /** The number of updates, for configs that do not say it (DeepSpeed's). */
  steps?: number;
  /** Tokens per sequence, for configs that do not say it (Hugging Face's). */
  context?: number;
}

/**
 * A piece of `shape` over [start, end) (offset 1: the recipe's `inclusive`); none when empty.
 *
 * @example
 * ```ts
 * import { piece } from "./pieces.ts";
 * piece(0, 100, { shape: "linear", from: 0, to: 1e-3 }); // [{ start: 0, end: 100, shape: ..., offset: 0 }]
 * ```
 */
export function piece(start: number, end: number, shape: Shape, offset: 0 | 1 = 0): Piece[] {
  return end > start ? [{ start, end, shape, offset }] : [];
}

/** A constant piece. */
export function flat(start: number, end: number, value: number): Piece[] {
  return piece(start, end, { shape: "constant", value });
}

/** A linear piece from `from` to `to`. */
export function line(start: number, end: number, from: number, to: number, offset: 0 | 1 = 0): Piece[] {
  return piece(start, end, { shape: "linear", from, to }, offset);
}

/** A decay piece of a named curve (linear, cosine, 1-sqrt) from `from` to `to`. */
export function curve(
  kind: "linear" | "cosine" | "1-sqrt",
  start: number,
  end: number,
  from: number,
  to: number,
  offset: 0 | 1 = 0,
): Piece[] {
  return piece(start, end, { shape: kind, from, to }, offset);
}

/**
 * An import with the defaults of `format` for `input`, for the importer to fill in.
 *
 * @example
 * ```ts
 * import { emptyImport } from "./pieces.ts";
 * emptyImport("hf", { file: "run.hf.json", text: "{}" }).name; // "run"
 * ```
 */
export function emptyImport(format: string, input: ImportInput): Imported {
  return {
    format,
    file: input.file,
    name: recipeNameFor(input.file),
    steps: 0,
    sequences: 0,
    context: 0,
    optimizer: { lr: 0, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, clip: null },
    lr: [],
    weightDecay: [],
    sources: input.sidecar?.sources ?? [],
    stages: input.sidecar?.stages ?? [],
    checkpointEvery: null,
    checkpointsAt: [],
    parent: null,
    leftovers: [],
    notes: [],
  };
}

/** Periodic saves every `interval` updates of a T-update run: null when they save only at the end. */
export function every(interval: number, T: number): number | null {
  return interval > 0 && interval < T ? interval : null;
}
