/**
 * What every emitter implements. One file per target in src/emit/, registered in src/emit/mod.ts.
 * @module
 */
import type { Origin, Plan, TimelineName } from "../plan/schema.ts";
import { type Diagnostic, diagnostic, fileDiagnostic } from "../diagnostics/diagnostic.ts";
import { SourceText } from "../diagnostics/source_text.ts";

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
  /** With `approximate`, the largest deviation of the target's LR from the plan's, relative to its peak; else 0. */
  maxDeviation: number;
  /**
   * How the target follows the plan: "native", its own config keys; "extension", its documented extension
   * point driven by the plan's exact per-update values (a Python module among `files`); "universal", a
   * target that expresses every plan by construction (pytorch, optax, csv).
   */
  tier: Tier;
  /** Why the native keys were not enough (extension tier only), in the recipe's words. */
  reason?: string;
  /** The few lines the user adds to their training script to use the files (empty when none). */
  usage: string[];
}

/** How a target follows the plan: see `Emitted.tier`. */
export type Tier = "native" | "extension" | "universal";

/** Options every emitter accepts. */
export interface EmitOptions {
  /**
   * Allow the documented approximations instead of refusing: a target may use its own off-by-one
   * convention for a phase (e.g. torchtitan's warmup reaching the peak one update early) and its only warmup
   * start (0, or HF warmup_stable_decay's floor). Shapes, phase sequences, mixtures, weight decay and batch
   * sizes are never approximated. `Emitted.maxDeviation` reports the largest |target LR - plan LR| over all
   * updates, relative to the plan's peak LR.
   */
  approximate?: boolean;
  /**
   * Only the trainer's native config keys: refuse instead of falling back to the extension tier (a Python
   * module at the trainer's extension point).
   */
  native?: boolean;
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

/**
 * A refusal as an ordinary diagnostic (R0024) at the place the recipe wrote the feature; `text` is that
 * file's text (for the code frame), or null when it cannot be read. A refusal without a place is put on
 * `file` (the compiled recipe) as a whole.
 *
 * @example
 * ```ts
 * import { refusalDiagnostic, UnsupportedFeatureError } from "./target.ts";
 * const origin = { file: "r.recipe", line: 1, column: 3 };
 * const refusal = new UnsupportedFeatureError("hf", "a batch ramp", origin, ["pytorch"]);
 * const d = refusalDiagnostic(refusal, "# a batch ramp\n");
 * console.assert(d.code === "R0024" && d.column === 3 && d.hint === "targets that can: pytorch");
 * ```
 */
export function refusalDiagnostic(
  error: UnsupportedFeatureError,
  text: string | null,
  file = "",
): Diagnostic {
  const message = `Target "${error.target}" cannot express ${error.feature}`;
  const hint = `targets that can: ${error.alternatives.join(", ")}`;
  if (!error.origin) return fileDiagnostic("R0024", file, message, hint);
  const source = new SourceText(error.origin.file, text ?? "");
  const at = source.offset(error.origin.line, error.origin.column);
  return diagnostic("R0024", source, { start: at, end: at + 1 }, message, hint);
}

/** An emitter: turns a plan into the files one external trainer reads. */
export interface Target {
  /** The `--target` name. */
  name: string;
  /** One line for `--help` and docs/targets.md. */
  description: string;
  /** The trainer release the output is written for (read from its source), e.g. "transformers 5.18.0". */
  release: string;
  /**
   * The quantities whose own schedules (`plan.timelines`) the target carries exactly; a plan with any other
   * is refused before `emit` runs. Absent: none.
   */
  timelines?: readonly TimelineName[];
  /** Whether the output keeps the plan's EMA of the weights; the registry refuses one for the others. */
  carriesEma?: boolean;
  /** Throws `UnsupportedFeatureError` when the plan is beyond the target (unless approximating). */
  emit(plan: Plan, options: EmitOptions): Emitted;
}
