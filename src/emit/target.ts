/**
 * What every emitter implements. One file per target in src/emit/, registered in src/emit/mod.ts.
 * @module
 */
import type { Origin, Plan } from "../plan/schema.ts";

/** One file an emitter writes. */
export interface EmittedFile {
  /** File name relative to the output directory, e.g. "wsd-small.hf.json". */
  name: string;
  content: string;
}

/** The result of emitting one plan for one target. */
export interface Emitted {
  /** The main file first; sidecars (e.g. per-phase mixtures a target cannot express) after it. */
  files: EmittedFile[];
  /** Things the user must know (printed on stderr), e.g. "hf has no data mixtures: wrote ...". */
  notes: string[];
  /** With `approximate`, the largest relative deviation of the target's LR from the plan's; else 0. */
  maxDeviation: number;
}

/** Options every emitter accepts. */
export interface EmitOptions {
  /** Allow a documented approximation instead of refusing; the deviation is reported. */
  approximate?: boolean;
}

/** A recipe feature a target cannot express exactly. */
export class UnsupportedFeatureError extends Error {
  constructor(
    /** The target that refused, e.g. "hf". */
    readonly target: string,
    /** The feature, in the recipe's words, e.g. "a rewarm phase". */
    readonly feature: string,
    /** Where the recipe wrote it. */
    readonly origin: Origin | null,
    /** Targets that can express this plan. */
    readonly alternatives: string[],
  ) {
    super(
      `Target "${target}" cannot express ${feature}` +
        (origin ? ` (${origin.file}:${origin.line}:${origin.column})` : "") +
        `; targets that can: ${alternatives.join(", ")}`,
    );
    this.name = "UnsupportedFeatureError";
  }
}

/** An emitter: turns a plan into the files one external trainer reads. */
export interface Target {
  /** The `--target` name. */
  name: string;
  /** One line for `--help` and docs/targets.md. */
  description: string;
  /** Throws `UnsupportedFeatureError` when the plan is beyond the target (unless approximating). */
  emit(plan: Plan, options: EmitOptions): Emitted;
}
