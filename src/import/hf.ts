/**
 * Importing Hugging Face TrainingArguments (JSON or YAML, as HfArgumentParser reads them). Every HF
 * scheduler is a LambdaLR of the completed updates s = k (transformers/optimization.py): warmups are the
 * recipe's exclusive linear warmups from 0 (warmup_stable_decay's from its floor), decays exclusive over
 * [warmup, max_steps), and cosine_warmup_with_min_lr evaluates f(k + 1): `inclusive`.
 * @module
 */
import type { Piece } from "./imported.ts";
import type { Imported } from "./imported.ts";
import { Fields } from "./fields.ts";
import { curve, emptyImport, every, flat, type ImportInput, line, piece } from "./pieces.ts";
import { parseStructured, syntaxOf } from "./structured.ts";

const TYPES = [
  "linear",
  "cosine",
  "cosine_with_min_lr",
  "cosine_warmup_with_min_lr",
  "polynomial",
  "constant",
  "constant_with_warmup",
  "inverse_sqrt",
  "warmup_stable_decay",
  "cosine_with_restarts",
  "reduce_lr_on_plateau",
] as const;

/** Warmup updates: warmup_steps (a ratio of max_steps when below 1), else the older warmup_ratio. */
function warmupSteps(f: Fields, T: number): number {
  if (f.has("warmup_steps") && f.number("warmup_steps") !== 0) {
    const w = f.number("warmup_steps");
    if (w < 0) f.fail("warmup_steps", `must be >= 0, got ${w}`);
    return w >= 1 ? Math.trunc(w) : Math.ceil(T * w);
  }
  f.get("warmup_steps");
  const ratio = f.number("warmup_ratio", 0);
  if (ratio < 0 || ratio > 1) f.fail("warmup_ratio", `must lie in [0, 1], got ${ratio}`);
  return Math.ceil(T * ratio);
}

/** The floor of the cosine schedulers: min_lr, else min_lr_rate x the peak. */
function minLr(f: Fields, peak: number, required: boolean): number {
  if (f.has("lr_scheduler_kwargs.min_lr")) return f.number("lr_scheduler_kwargs.min_lr");
  if (required && !f.has("lr_scheduler_kwargs.min_lr_rate")) {
    f.fail("lr_scheduler_kwargs", "cosine_with_min_lr needs min_lr or min_lr_rate (transformers raises)");
  }
  return peak * f.number("lr_scheduler_kwargs.min_lr_rate", 0);
}

function halfCosine(f: Fields): void {
  const cycles = f.number("lr_scheduler_kwargs.num_cycles", 0.5);
  if (cycles !== 0.5) {
    f.fail("lr_scheduler_kwargs.num_cycles", `${cycles} cycles: a recipe phase is half a cosine (0.5)`);
  }
}

/** warmup_stable_decay: a warmup from the floor, stable, a decay to the floor, the floor after. */
function wsd(f: Fields, T: number, W: number, peak: number): Piece[] {
  if (!f.has("lr_scheduler_kwargs.num_decay_steps")) {
    f.fail(
      "lr_scheduler_kwargs",
      "get_wsd_schedule() missing 1 required positional argument: 'num_decay_steps' (transformers raises)",
    );
  }
  const D = f.int("lr_scheduler_kwargs.num_decay_steps");
  const S = f.int("lr_scheduler_kwargs.num_stable_steps", Math.max(0, T - W - D));
  const floor = peak * f.number("lr_scheduler_kwargs.min_lr_ratio", 0);
  halfCosine(f);
  const warmupType = f.choice("lr_scheduler_kwargs.warmup_type", ["linear", "cosine", "1-sqrt"], "linear");
  if (warmupType === "1-sqrt") {
    f.fail(
      "lr_scheduler_kwargs.warmup_type",
      "a 1-sqrt warmup (1 - sqrt(1 - p)) has no recipe shape; use linear",
    );
  }
  const decayType = f.choice("lr_scheduler_kwargs.decay_type", ["linear", "cosine", "1-sqrt"], "cosine");
  return [
    ...piece(0, W, { shape: warmupType, from: floor, to: peak }),
    ...flat(W, W + S, peak),
    ...curve(decayType, W + S, W + S + D, peak, floor),
    ...flat(W + S + D, Math.max(T, W + S + D + 1), floor),
  ];
}

/** The LR pieces of `lr_scheduler_type` over T updates with W warmup updates. */
function schedule(f: Fields, T: number, W: number, peak: number): Piece[] {
  const type = f.choice("lr_scheduler_type", TYPES, "linear");
  const warmup = line(0, W, 0, peak);
  switch (type) {
    case "constant":
      return flat(0, T, peak);
    case "constant_with_warmup":
      return [...warmup, ...flat(W, T, peak)];
    case "linear":
      return [...warmup, ...line(W, T, peak, 0)];
    case "cosine":
    case "cosine_with_min_lr":
      halfCosine(f);
      return [...warmup, ...curve("cosine", W, T, peak, minLr(f, peak, type === "cosine_with_min_lr"))];
    case "cosine_warmup_with_min_lr":
      halfCosine(f);
      return [...line(0, W, 0, peak, 1), ...curve("cosine", W, T, peak, minLr(f, peak, true), 1)];
    case "polynomial": {
      const end = f.number("lr_scheduler_kwargs.lr_end", 1e-7);
      if (!(peak > end)) {
        f.fail("lr_scheduler_kwargs.lr_end", `lr_end (${end}) must be smaller than initial lr (${peak})`);
      }
      const power = f.number("lr_scheduler_kwargs.power", 1);
      return [...warmup, ...piece(W, T, { shape: "polynomial", from: peak, to: end, power })];
    }
    case "inverse_sqrt": {
      const timescale = f.number("lr_scheduler_kwargs.timescale", W || 10_000);
      return [...warmup, ...piece(W, T, { shape: "inverse-sqrt", from: peak, timescale })];
    }
    case "warmup_stable_decay":
      return wsd(f, T, W, peak);
    default:
      return f.fail(
        "lr_scheduler_type",
        `${JSON.stringify(type)} has no recipe phases; Recipe imports ${TYPES.slice(0, 9).join(", ")}`,
      );
  }
}

/**
 * A recipe import of Hugging Face TrainingArguments (JSON or YAML).
 *
 * @example
 * ```ts
 * import { importHf } from "./hf.ts";
 * const text = '{"max_steps": 100, "learning_rate": 1e-3, "lr_scheduler_type": "cosine", "warmup_steps": 10}';
 * importHf({ file: "run.json", text, context: 512 }).lr.length; // 2
 * ```
 */
export function importHf(input: ImportInput): Imported {
  const tree = parseStructured(input.text, input.file, syntaxOf(input.file));
  if (typeof tree.lr_scheduler_kwargs === "string") {
    try {
      tree.lr_scheduler_kwargs = JSON.parse(tree.lr_scheduler_kwargs);
    } catch {
      new Fields(input.file, input.text, tree).fail("lr_scheduler_kwargs", "is a string that is not JSON");
    }
  }
  const f = new Fields(input.file, input.text, tree);
  const out = emptyImport("hf", input);
  const maxSteps = f.number("max_steps", -1);
  const T = maxSteps > 0 ? f.int("max_steps", undefined, 1) : input.sidecar?.steps ?? input.steps ??
    f.fail(
      "max_steps",
      "is needed: with num_train_epochs the number of updates depends on the dataset's size",
    );
  const peak = f.number("learning_rate", 5e-5);
  if (!f.has("learning_rate")) out.notes.push("learning_rate is not set: transformers' default 5e-05");
  const optim = f.string("optim", "adamw_torch");
  if (!optim.startsWith("adamw")) f.fail("optim", `${JSON.stringify(optim)}: a recipe's optimizer is AdamW`);
  const clip = f.number("max_grad_norm", 1);
  out.optimizer = {
    lr: peak,
    betas: [f.number("adam_beta1", 0.9), f.number("adam_beta2", 0.999)],
    eps: f.number("adam_epsilon", 1e-8),
    weightDecay: f.number("weight_decay", 0),
    clip: clip > 0 ? clip : null,
  };
  out.steps = T;
  out.lr = schedule(f, T, warmupSteps(f, T), peak);
  out.sequences = f.int("per_device_train_batch_size", 8, 1) * f.int("gradient_accumulation_steps", 1, 1);
  out.notes.push(
    `the batch is per_device_train_batch_size x gradient_accumulation_steps (${out.sequences} sequences) ` +
      "on one device: multiply it by the number of devices you train on",
  );
  const contextKey = f.pick("max_seq_length", "max_length", "block_size");
  out.context = f.has(contextKey) ? f.int(contextKey, undefined, 1) : input.context ?? 1024;
  if (!f.has(contextKey) && input.context === undefined) {
    out.notes.push("TrainingArguments has no sequence length: assumed 1024 tokens (pass --context N)");
  }
  const strategy = f.string("save_strategy", "steps");
  if (strategy === "steps") {
    const save = f.number("save_steps", 500);
    out.checkpointEvery = every(save < 1 ? Math.ceil(T * save) : Math.trunc(save), T);
  }
  if (!input.sidecar) out.notes.push("TrainingArguments has no data mixture: the recipe has no data block");
  out.leftovers = f.leftovers();
  return out;
}
