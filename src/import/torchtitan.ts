/**
 * Importing a torchtitan config: the Python module Recipe writes for torchtitan's config system (its
 * OPTIMIZER, LR_SCHEDULER, TRAINING and CHECKPOINT dicts), or the TOML of v0.2.2 and earlier
 * ([optimizer], [lr_scheduler], [training], [checkpoint]). torchtitan's LambdaLR at s = k
 * (components/optimizer/lr_scheduler.py): warmup (s + 1) / W, the recipe's `inclusive` warmup from 0;
 * stable; the last D = round(total x decay_ratio) updates of total_steps (default training.steps) decay with
 * p = (s - (total - D)) / D, an exclusive decay, linear, sqrt (1-sqrt) or cosine to min_lr_factor x lr.
 * @module
 */
import type { Imported, Piece } from "./imported.ts";
import { Fields } from "./fields.ts";
import { curve, emptyImport, every, flat, type ImportInput, line } from "./pieces.ts";
import { parseStructured } from "./structured.ts";
import { pythonSettings } from "./python_literal.ts";
import { ConfigError } from "./config_error.ts";

const DECAY: Record<string, "linear" | "1-sqrt" | "cosine"> = {
  linear: "linear",
  sqrt: "1-sqrt",
  cosine: "cosine",
};

/** Python's round(): halves to even. */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The module's dicts, under the TOML's section names. */
function moduleTree(input: ImportInput): Record<string, unknown> {
  const settings = pythonSettings(input.text);
  const sections: Record<string, string> = {
    OPTIMIZER: "optimizer",
    LR_SCHEDULER: "lr_scheduler",
    TRAINING: "training",
    CHECKPOINT: "checkpoint",
  };
  const tree: Record<string, unknown> = {};
  for (const [name, section] of Object.entries(sections)) {
    const setting = settings.get(name);
    if (setting) tree[section] = setting.value;
  }
  if (!tree.training) {
    throw new ConfigError(
      input.file,
      0,
      "TRAINING",
      "the module has no TRAINING = {...} settings (steps, batch)",
    );
  }
  return tree;
}

function schedule(f: Fields, total: number, T: number, peak: number): Piece[] {
  let W = Math.trunc(f.number("lr_scheduler.warmup_steps", 200));
  if (W > total) W = total;
  let D = f.has("lr_scheduler.decay_ratio")
    ? pythonRound(total * f.number("lr_scheduler.decay_ratio"))
    : total - W;
  if (W + D > total) D = total - W;
  const type = f.choice("lr_scheduler.decay_type", ["linear", "sqrt", "cosine"], "linear");
  const factor = f.number(f.pick("lr_scheduler.min_lr_factor", "lr_scheduler.lr_min"), 0);
  if (factor < 0 || factor > 1) {
    f.fail(f.pick("lr_scheduler.min_lr_factor", "lr_scheduler.lr_min"), `must lie in [0, 1], got ${factor}`);
  }
  const floor = D > 0 ? peak * factor : peak;
  return [
    ...line(0, W, 0, peak, 1),
    ...flat(W, total - D, peak),
    ...curve(DECAY[type], total - D, total, peak, floor),
    ...flat(total, Math.max(T, total + 1), floor),
  ];
}

/** Sequences per update and their length: tokens per step (current), or the older batch sizes. */
function batch(f: Fields, out: Imported): void {
  out.context = f.int(f.pick("training.max_context_length", "training.seq_len"), 2048, 1);
  if (f.has("training.num_tokens_per_train_step")) {
    const tokens = f.int("training.num_tokens_per_train_step", undefined, 1);
    if (tokens % out.context !== 0) {
      f.fail(
        "training.num_tokens_per_train_step",
        `${tokens} tokens is not a whole number of ${out.context}-token sequences`,
      );
    }
    out.sequences = tokens / out.context;
  } else if (f.has("training.global_batch_size") && f.number("training.global_batch_size") > 0) {
    out.sequences = f.int("training.global_batch_size", undefined, 1);
  } else {
    out.sequences = f.int(f.pick("training.local_batch_size", "training.batch_size"), 8, 1);
    out.notes.push(
      `the batch is one data-parallel rank's (${out.sequences} sequences): multiply it by the ranks`,
    );
  }
}

/**
 * A recipe import of a torchtitan config (Python module or TOML).
 *
 * @example
 * ```ts
 * import { importTorchtitan } from "./torchtitan.ts";
 * const text = "[training]\nsteps = 100\nglobal_batch_size = 8\nseq_len = 512\n[optimizer]\nlr = 1e-3\n";
 * importTorchtitan({ file: "llama.toml", text }).steps; // 100
 * ```
 */
export function importTorchtitan(input: ImportInput): Imported {
  const tree = input.file.endsWith(".toml") || /^\[\w+\]/m.test(input.text)
    ? parseStructured(input.text, input.file, "toml")
    : moduleTree(input);
  const f = new Fields(input.file, input.text, tree);
  const out = emptyImport("torchtitan", input);
  const T = f.int("training.steps", 10_000, 1);
  const name = f.string("optimizer.name", "AdamW");
  if (name !== "AdamW") f.fail("optimizer.name", `${JSON.stringify(name)}: a recipe's optimizer is AdamW`);
  const peak = f.number("optimizer.lr", 8e-4);
  const betas = f.has("optimizer.betas")
    ? f.get("optimizer.betas") as [number, number]
    : [f.number("optimizer.beta1", 0.9), f.number("optimizer.beta2", 0.95)];
  const clip = f.get("training.max_norm") === Infinity ? Infinity : f.number("training.max_norm", 1);
  const total = f.int("lr_scheduler.total_steps", T, 1);
  out.steps = T;
  out.optimizer = {
    lr: peak,
    betas: betas as [number, number],
    eps: f.number("optimizer.eps", 1e-8),
    weightDecay: f.number("optimizer.weight_decay", 0.1),
    clip: clip > 0 && clip < Infinity ? clip : null,
  };
  out.lr = schedule(f, total, T, peak);
  batch(f, out);
  const enabled = f.get(f.pick("checkpoint.enable", "checkpoint.enable_checkpoint")) === true;
  if (enabled) out.checkpointEvery = every(f.int("checkpoint.interval", 500, 1), T);
  f.get("checkpoint.keep_latest_k");
  if (f.has("checkpoint.initial_load_path")) {
    out.parent = { key: "checkpoint.initial_load_path", path: f.string("checkpoint.initial_load_path") };
    f.get("checkpoint.initial_load_model_only");
  }
  if (!input.sidecar) {
    out.notes.push("torchtitan's mixture is Python (DatasetMixConfig): the recipe has no data block");
  }
  out.leftovers = f.leftovers();
  return out;
}
