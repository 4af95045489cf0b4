/**
 * Importing a DeepSpeed config JSON. DeepSpeed (runtime/lr_schedules.py, engine.py) builds its scheduler at
 * iteration -1, which sets warmup_min_lr for update 0, and steps it after each update, so update k >= 1 uses
 * iteration k - 1: WarmupLR holds its first value one extra update, then rises linearly over
 * max(2, warmup_num_steps) updates (exclusive); WarmupDecayLR then decays linearly to warmup_min_lr at
 * total_num_steps. The config has no length: it comes from WarmupDecayLR, the mixture sidecar or --steps.
 * @module
 */
import type { Imported, Piece } from "./imported.ts";
import { Fields } from "./fields.ts";
import { emptyImport, flat, type ImportInput, line } from "./pieces.ts";
import { parseStructured } from "./structured.ts";

const P = "scheduler.params";

function schedule(f: Fields, T: number, lr: number): Piece[] {
  if (!f.has("scheduler")) return flat(0, T, lr);
  const type = f.choice("scheduler.type", ["WarmupLR", "WarmupDecayLR"]);
  const min = f.number(`${P}.warmup_min_lr`, 0);
  const max = f.number(`${P}.warmup_max_lr`, 0.001);
  const steps = f.number(`${P}.warmup_num_steps`, 1000);
  if (!Number.isInteger(steps) || steps <= 0) {
    f.fail(
      `${P}.warmup_num_steps`,
      `warmup_num_steps must be a positive integer, got ${steps} (DeepSpeed raises)`,
    );
  }
  if (f.string(`${P}.warmup_type`, "log") !== "linear") {
    f.fail(`${P}.warmup_type`, 'a "log" warmup has no recipe shape; use "linear"');
  }
  const W = Math.max(2, steps);
  const warmup = [...flat(0, 1, min), ...line(1, 1 + W, min, max)];
  if (type === "WarmupLR") return [...warmup, ...flat(1 + W, T, max)];
  const total = f.int(`${P}.total_num_steps`, undefined, 1);
  if (total < W) {
    f.fail(`${P}.total_num_steps`, `total_num_steps (${total}) is shorter than the warmup (${W})`);
  }
  return [...warmup, ...line(1 + W, 1 + total, max, min), ...flat(1 + total, Math.max(T, total + 2), min)];
}

/**
 * A recipe import of a DeepSpeed config.
 *
 * @example
 * ```ts
 * import { importDeepspeed } from "./deepspeed.ts";
 * const text = '{"train_batch_size": 64, "optimizer": {"type": "AdamW", "params": {"lr": 1e-3}}}';
 * importDeepspeed({ file: "ds.json", text, steps: 100, context: 1024 }).steps; // 100
 * ```
 */
export function importDeepspeed(input: ImportInput): Imported {
  const f = new Fields(input.file, input.text, parseStructured(input.text, input.file, "json"));
  const out = emptyImport("deepspeed", input);
  const type = f.string("optimizer.type", "AdamW");
  if (!["adamw", "adam"].includes(type.toLowerCase())) {
    f.fail("optimizer.type", `${JSON.stringify(type)}: a recipe's optimizer is AdamW`);
  }
  const T = input.steps ?? input.sidecar?.steps ??
    (f.has(`${P}.total_num_steps`)
      ? f.int(`${P}.total_num_steps`, undefined, 1)
      : f.fail("scheduler", "a DeepSpeed config has no number of updates: pass --steps N"));
  const lr = f.number(`${P}.warmup_max_lr`, f.number("optimizer.params.lr", 0.001));
  const batch = f.has("train_batch_size")
    ? f.int("train_batch_size", undefined, 1)
    : f.int("train_micro_batch_size_per_gpu", 1, 1) * f.int("gradient_accumulation_steps", 1, 1);
  if (!f.has("train_batch_size")) {
    out.notes.push("train_batch_size is not set: micro batch x accumulation on one GPU");
  }
  const betas = f.get("optimizer.params.betas") as [number, number] | undefined;
  const clip = f.number("gradient_clipping", 0);
  out.context = input.context ?? 1024;
  if (input.context === undefined) {
    out.notes.push("a DeepSpeed config has no sequence length: assumed 1024 tokens (pass --context N)");
  }
  Object.assign(out, {
    steps: T,
    sequences: batch,
    optimizer: {
      lr,
      betas: betas ?? [0.9, 0.999],
      eps: f.number("optimizer.params.eps", 1e-8),
      weightDecay: f.number("optimizer.params.weight_decay", 0.01),
      clip: clip > 0 ? clip : null,
    },
    lr: schedule(f, T, f.number("optimizer.params.lr", 0.001)),
  });
  if (!input.sidecar) out.notes.push("a DeepSpeed config has no data mixture: the recipe has no data block");
  out.leftovers = f.leftovers();
  return out;
}
