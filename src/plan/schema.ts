/**
 * The Plan: the versioned, validated document that every consumer (schedule, emitters, trainer, plots)
 * reads. This zod schema is the single source of the Plan's TypeScript types and of its JSON Schema.
 *
 * Conventions (fixed, see DESIGN.md): a step is one optimizer update counted from 0; a plan of `steps`
 * updates covers k = 0..steps-1; phases are half-open [start, end) intervals that tile [0, steps) exactly.
 * Inside a phase of n updates, update k sits at local index i = k - start and a shape is evaluated at
 * p = (i + offset) / n, so with offset 0 it takes `from` at the first update and approaches `to` at the
 * phase's end; with offset 1 (the recipe said `inclusive`) the last update takes `to` exactly.
 *
 * @module
 */
import { z } from "zod";
import { fileNameProblem } from "../diagnostics/file_name.ts";

/** The version of the Plan format this code writes and reads. */
export const PLAN_VERSION = 1;

const finite = z.number().refine(Number.isFinite, { message: "Expected a finite number" });
const nonNegative = finite.refine((x) => x >= 0, { message: "Expected a number >= 0" });
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
/** A name that becomes a file or directory name (a run, a checkpoint): see `fileNameProblem`. */
const fileName = z.string().superRefine((name, ctx) => {
  const problem = fileNameProblem(name);
  if (problem) {
    ctx.addIssue({
      code: "custom",
      message: `The name ${JSON.stringify(name)} cannot be a file name: ${problem}`,
    });
  }
});

/** Where a recipe feature was written, so that consumers can point at it in their errors. */
export const Origin = z.strictObject({
  file: z.string(),
  line: positiveInt,
  column: positiveInt,
});
/** Where a recipe feature was written. */
export type Origin = z.infer<typeof Origin>;

/** A value that does not change over the phase. */
export const ConstantShape = z.strictObject({ shape: z.literal("constant"), value: nonNegative });
/** `from + (to - from) * p`. */
export const LinearShape = z.strictObject({ shape: z.literal("linear"), from: nonNegative, to: nonNegative });
/** `to + (from - to) * (1 + cos(pi * p)) / 2`: half a cosine wave. */
export const CosineShape = z.strictObject({ shape: z.literal("cosine"), from: nonNegative, to: nonNegative });
/** `to + (from - to) * (1 - sqrt(p))`: the "1-sqrt" cooldown. */
export const SqrtShape = z.strictObject({ shape: z.literal("1-sqrt"), from: nonNegative, to: nonNegative });
/** `from * (to / from) ** p`: geometric interpolation; both ends are > 0. */
export const ExponentialShape = z.strictObject({
  shape: z.literal("exponential"),
  from: finite.refine((x) => x > 0, { message: "Expected a number > 0" }),
  to: finite.refine((x) => x > 0, { message: "Expected a number > 0" }),
});
/** `to + (from - to) * (1 - p) ** power`. */
export const PolynomialShape = z.strictObject({
  shape: z.literal("polynomial"),
  from: nonNegative,
  to: nonNegative,
  power: finite.refine((x) => x > 0, { message: "Expected a number > 0" }),
});
/** `from * sqrt(timescale / (i + offset + timescale))`, i the local update index: inverse square root. */
export const InverseSqrtShape = z.strictObject({
  shape: z.literal("inverse-sqrt"),
  from: nonNegative,
  timescale: finite.refine((x) => x > 0, { message: "Expected a number > 0" }),
});
/** `to + (from - to) * (1 - p) / (1 - p / 2)`: the REX (reflected exponential) profile. */
export const RexShape = z.strictObject({ shape: z.literal("rex"), from: nonNegative, to: nonNegative });
/**
 * Piecewise constant: `values[j]` where j is the number of `boundaries` (local update indices, strictly
 * increasing, inside (0, n)) that are <= i + offset. `values.length === boundaries.length + 1`.
 */
export const StepShape = z.strictObject({
  shape: z.literal("step"),
  values: z.array(nonNegative).min(1),
  boundaries: z.array(positiveInt),
});

/** A function of the position inside a phase. */
export const Shape = z.discriminatedUnion("shape", [
  ConstantShape,
  LinearShape,
  CosineShape,
  SqrtShape,
  ExponentialShape,
  PolynomialShape,
  InverseSqrtShape,
  RexShape,
  StepShape,
]);
/** A function of the position inside a phase. */
export type Shape = z.infer<typeof Shape>;
/** The names of all shapes. */
export type ShapeName = Shape["shape"];

/** The phase kinds a recipe can write; they set defaults only and do not change how a phase evaluates. */
export const PhaseKind = z.enum(["warmup", "stable", "decay", "rewarm", "phase"]);
/** The phase kinds a recipe can write. */
export type PhaseKind = z.infer<typeof PhaseKind>;

/** One phase: a half-open interval of updates with its own LR, weight decay, batch and mixture. */
export const Phase = z.strictObject({
  /** Unique within the plan, e.g. "warmup", "decay", "cycle2.decay". */
  name: z.string().min(1),
  kind: PhaseKind,
  /** First update of the phase (inclusive). */
  start: nonNegativeInt,
  /** One past the last update of the phase. */
  end: positiveInt,
  /** 0: shapes start at `from` on the first update; 1: shapes reach `to` on the last update. */
  offset: z.union([z.literal(0), z.literal(1)]),
  lr: Shape,
  /** Decoupled weight decay coefficient, as torch.optim.AdamW's: each update multiplies weights by 1 - lr * wd. */
  weightDecay: Shape,
  /** Sequences per update; the value of the shape is rounded half up to an integer >= 1. */
  batch: Shape,
  /** Normalised weights over `sources` names (sum to 1; only positive weights are listed). */
  mix: z.record(z.string(), finite.refine((x) => x > 0, { message: "Expected a weight > 0" })),
  /** Which cycle of a `cycles` block the phase belongs to (0-based), if any. */
  cycle: nonNegativeInt.optional(),
  origin: Origin,
});
/** One phase of the plan. */
export type Phase = z.infer<typeof Phase>;

/**
 * One phase of a quantity's own schedule (`schedule batch { ... }`): the quantity follows `value` over the
 * half-open updates [start, end), evaluated like a phase's shapes (the same `offset` convention).
 */
export const Segment = z.strictObject({
  /** Unique within its timeline, e.g. "stable", "ramp", "cycle2.decay". */
  name: z.string().min(1),
  kind: PhaseKind,
  start: nonNegativeInt,
  end: positiveInt,
  offset: z.union([z.literal(0), z.literal(1)]),
  value: Shape,
  cycle: nonNegativeInt.optional(),
  origin: Origin,
});
/** One phase of a quantity's own schedule. */
export type Segment = z.infer<typeof Segment>;

const segments = z.array(Segment).min(1);
/**
 * Quantities that follow schedules of their own, independent of the LR phases. Each timeline's segments
 * tile [0, steps). When a timeline is present it gives the quantity at every update, in place of the
 * phases' `batch` or `weightDecay`, the optimizer's `betas` or `clip`, or the plan's `context`. Batch and
 * context values round half up to integers >= 1. `emaDecay` replaces the EMA's constant decay after its start.
 */
export const Timelines = z.strictObject({
  batch: segments.optional(),
  context: segments.optional(),
  weightDecay: segments.optional(),
  beta1: segments.optional(),
  beta2: segments.optional(),
  clip: segments.optional(),
  /** The decay of the EMA of the weights (`schedule ema { ... }`); only with `ema`. */
  emaDecay: segments.optional(),
});
/** Quantities that follow schedules of their own. */
export type Timelines = z.infer<typeof Timelines>;
/** The names of the quantities a timeline can schedule. */
export type TimelineName = keyof Timelines;

/** What a recipe calls each quantity's own schedule: `schedule <word> { ... }`. */
export const SCHEDULE_WORDS: Readonly<Record<TimelineName, string>> = {
  batch: "batch",
  context: "context",
  weightDecay: "weight_decay",
  beta1: "beta1",
  beta2: "beta2",
  clip: "clip",
  emaDecay: "ema",
};

/** A data source the mixture draws from. */
export const Source = z.strictObject({
  name: z.string().min(1),
  /** corpus: built into the trainer; files: a local glob; dataset: a path only external trainers use. */
  kind: z.enum(["corpus", "files", "dataset"]),
  uri: z.string().min(1),
  /**
   * For `files`: the directory the glob is relative to (the declaring recipe file's directory, as the
   * compiler was given it). Part of the plan's hash, so that two plans with one hash read the same files.
   */
  base: z.string().optional(),
  /** Size in tokens, if the recipe stated it (used for temperature sampling). */
  tokens: nonNegative.optional(),
  /** Name of the recipe that declared the source (differs from the plan's name for inherited ones). */
  recipe: z.string(),
  origin: Origin,
});
/** A data source. */
export type Source = z.infer<typeof Source>;

/** A named checkpoint: the weights after `step` updates (so step 0 is the initial weights). */
export const Checkpoint = z.strictObject({
  name: fileName,
  step: nonNegativeInt,
  origin: Origin,
});
/** A named checkpoint. */
export type Checkpoint = z.infer<typeof Checkpoint>;

/**
 * A checkpoint made by averaging others (`checkpoint average "avg" of "a", "b"`): the element-wise mean of
 * their model weights, with the optimizer state of the latest of them. It exists after `step` updates, the
 * step of the latest checkpoint it averages; children may start from it as from any checkpoint.
 */
export const Average = z.strictObject({
  name: fileName,
  /** The names of the averaged checkpoints (at least two, distinct, each one of the plan's checkpoints). */
  of: z.array(fileName).min(2),
  step: nonNegativeInt,
  origin: Origin,
});
/** A checkpoint made by averaging others. */
export type Average = z.infer<typeof Average>;

/**
 * An exponential moving average of the model weights (`ema "ema" decay 0.999 start 10%`). After update
 * `start` (counted from 0) it is a copy of the weights; after every later update k it becomes
 * `d * ema + (1 - d) * w`, with `d` the decay of update k (`emaDecay`) and `w` the weights after it. It is
 * the checkpoint `name`, with the optimizer state of `final`, after `step` updates (the plan's last);
 * children may start from it as from any checkpoint.
 */
export const Ema = z.strictObject({
  name: fileName,
  /** The decay of every averaged update, in (0, 1). */
  decay: z.number().gt(0).lt(1),
  /** The update after which the EMA starts as a copy of the weights (0: the first). */
  start: nonNegativeInt,
  step: nonNegativeInt,
  origin: Origin,
});
/** An exponential moving average of the model weights. */
export type Ema = z.infer<typeof Ema>;

/** Where a continual-pretraining plan starts: a named checkpoint of a parent recipe. */
export const Init = z.strictObject({
  recipe: fileName,
  checkpoint: fileName,
  /** The parent's step at that checkpoint. */
  step: nonNegativeInt,
  /** The parent plan's hash (see `planHash`), so that a consumer can tell a stale parent run. */
  planHash: z.string(),
  /** The LR the parent used on its last update before the checkpoint. */
  lr: nonNegative,
  origin: Origin,
});
/** Where a continual-pretraining plan starts. */
export type Init = z.infer<typeof Init>;

/** The optimizer. Only AdamW (decoupled weight decay) for now. */
export const Optimizer = z.strictObject({
  kind: z.literal("adamw"),
  /** The peak LR: what relative values such as `0.1x` are relative to. */
  lr: nonNegative,
  betas: z.tuple([nonNegative, nonNegative]),
  eps: nonNegative,
  /** The recipe's base weight decay (phases carry the value actually used). */
  weightDecay: nonNegative,
  /** Global gradient-norm clipping threshold, or null for none. */
  clip: nonNegative.nullable(),
});
/** The optimizer. */
export type Optimizer = z.infer<typeof Optimizer>;

/**
 * The roles a parameter group selects by. For the built-in GPT: `embeddings` are wte and wpe, `head` is
 * nothing (the head is tied to wte), `matrices` are the blocks' 2-D weights, `vectors` the LayerNorm
 * weights and every bias. For an external model (see docs/targets.md): `vectors` are the parameters of
 * fewer than 2 dimensions, `embeddings` the weights of nn.Embedding modules and those named like
 * embed/wte/wpe/tok_embeddings, `head` the weights named like lm_head/output, `matrices` every other
 * weight of 2 or more dimensions. `params` selects by name: fnmatch patterns over the parameter names.
 */
export const GroupRole = z.enum(["embeddings", "head", "matrices", "vectors", "params"]);
/** The roles a parameter group selects by. */
export type GroupRole = z.infer<typeof GroupRole>;

/**
 * A parameter group: its parameters use `lrScale` times the plan's LR of every update, and
 * `weightDecayScale` times its weight decay (null: the optimizer's rule, which decays only weights of 2 or
 * more dimensions). A parameter belongs to the first group that selects it; the others use the optimizer's
 * settings.
 */
export const Group = z.strictObject({
  name: z.string().min(1),
  role: GroupRole,
  /** The fnmatch patterns of a `params` group (empty for the other roles). */
  patterns: z.array(z.string().min(1)),
  lrScale: finite.refine((x) => x > 0, { message: "Expected a number > 0" }),
  weightDecayScale: nonNegative.nullable(),
  /** Betas that replace the optimizer's, or null. */
  betas: z.tuple([nonNegative, nonNegative]).nullable(),
  /** Adam's epsilon for the group, or null for the optimizer's. */
  eps: nonNegative.nullable(),
  origin: Origin,
});
/** A parameter group. */
export type Group = z.infer<typeof Group>;

/** The model the built-in trainer builds (GPT-2 shaped). */
export const Model = z.strictObject({
  kind: z.literal("gpt"),
  layers: positiveInt,
  width: positiveInt,
  heads: positiveInt,
  context: positiveInt,
  vocab: positiveInt,
});
/** The model the built-in trainer builds. */
export type Model = z.infer<typeof Model>;

/** The plan: everything a consumer needs to run the recipe, update by update. */
export const Plan = z.strictObject({
  version: z.literal(PLAN_VERSION),
  name: fileName,
  /** Total optimizer updates T; the plan covers k = 0..T-1. */
  steps: positiveInt,
  /** Tokens per sequence (the largest, when `timelines.context` changes it). */
  context: positiveInt,
  /** The unit the recipe's budget was written in, and its value as written. */
  budget: z.strictObject({ unit: z.enum(["steps", "tokens", "samples"]), value: nonNegative }),
  optimizer: Optimizer,
  /** Parameter groups with their own LR and weight decay scales, betas and eps; absent when none. */
  groups: z.array(Group).optional(),
  model: Model.nullable(),
  sources: z.array(Source),
  phases: z.array(Phase).min(1),
  /** Quantities with schedules of their own; absent when the recipe gives none. */
  timelines: Timelines.optional(),
  checkpoints: z.array(Checkpoint),
  /** Checkpoints made by averaging others; absent when the recipe averages none. */
  averages: z.array(Average).optional(),
  /** The exponential moving average of the weights the plan keeps; absent when it keeps none. */
  ema: Ema.optional(),
  init: Init.nullable(),
  /** For a plan produced by a sweep: the swept parameter values that made it. */
  sweep: z.record(z.string(), finite).optional(),
  /** The recipe file the plan was compiled from (as given on the command line). */
  file: z.string(),
});
/** The plan. */
export type Plan = z.infer<typeof Plan>;
