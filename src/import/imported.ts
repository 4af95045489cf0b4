/**
 * What an importer reads out of a trainer config, before it becomes recipe text: the run's length, batch
 * and optimizer, the LR as pieces over updates (each with its convention), the weight decay, the mixture
 * stages, the checkpoints, the parent checkpoint, and every key the recipe language cannot hold.
 * @module
 */
import type { Shape } from "../plan/schema.ts";

/**
 * A run of updates [start, end) whose LR (or weight decay) follows one shape, evaluated at
 * p = (k - start + offset) / (end - start): offset 1 is the recipe's `inclusive`. `end` may run past the
 * plan's last update (the trainer's schedule is longer than the run): the import cuts it.
 */
export interface Piece {
  start: number;
  end: number;
  shape: Shape;
  offset: 0 | 1;
}

/** A data source: the recipe's name for it, and where the trainer reads it. */
export interface ImportedSource {
  name: string;
  kind: "corpus" | "files" | "dataset";
  uri: string;
}

/** The mixture from update `start` on: source name -> weight (not necessarily normalised). */
export interface MixStage {
  start: number;
  weights: Record<string, number>;
  /** Where the config starts the stage (for errors): its key and line. */
  key?: string;
  line?: number;
}

/** A setting of the config the recipe language cannot hold, kept for the comments at the recipe's end. */
export interface Leftover {
  key: string;
  value: string;
  line: number;
}

/** Everything an importer reads from one config. */
export interface Imported {
  /** The trainer's name, e.g. "megatron". */
  format: string;
  /** The config file, as given. */
  file: string;
  /** The recipe's name (from the file name). */
  name: string;
  /** Optimizer updates. */
  steps: number;
  /** Sequences per update (global batch). */
  sequences: number;
  /** Tokens per sequence. */
  context: number;
  optimizer: { lr: number; betas: [number, number]; eps: number; weightDecay: number; clip: number | null };
  /** The LR, tiling [0, steps) (the last may run past it). */
  lr: Piece[];
  /** The weight decay, tiling [0, steps); empty when it is the optimizer's throughout. */
  weightDecay: Piece[];
  sources: ImportedSource[];
  /** Mixture stages in update order, the first at 0; empty without data. */
  stages: MixStage[];
  /** Save every N updates, if the config saves periodically. */
  checkpointEvery: number | null;
  /** Saves after exactly these updates. */
  checkpointsAt: number[];
  /** The checkpoint the run starts from (a continued run), as the config names it. */
  parent: { key: string; path: string } | null;
  /** Keys the recipe language cannot hold. */
  leftovers: Leftover[];
  /** Assumptions the import made (a default it filled in); printed on stderr and in the header. */
  notes: string[];
}
