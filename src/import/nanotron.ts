/**
 * Importing a nanotron YAML config. nanotron's LambdaLR (helpers.py lr_scheduler_builder) at s = k:
 * s <= lr_warmup_steps: lr x s / W (the recipe's exclusive warmup from 0; "constant" holds lr); lr until
 * lr_decay_starting_step; then linear, cosine or 1-sqrt over lr_decay_steps to min_decay_lr (exclusive),
 * held after. data_stages start at 1-based training steps: update k is step k + 1.
 * @module
 */
import type { Imported, Piece } from "./imported.ts";
import { Fields } from "./fields.ts";
import { curve, emptyImport, every, flat, type ImportInput, line } from "./pieces.ts";
import { parseStructured } from "./structured.ts";
import { stagesFromPaths } from "./sources.ts";

const SCHEDULER = "optimizer.learning_rate_scheduler";

function schedule(f: Fields, T: number): { peak: number; pieces: Piece[] } {
  const key = (k: string) => `${SCHEDULER}.${k}`;
  const peak = f.number(key("learning_rate"));
  const W = f.int(key("lr_warmup_steps"), 0);
  const style = f.choice(key("lr_warmup_style"), ["linear", "constant"]);
  const decayStyle = f.choice(key("lr_decay_style"), ["linear", "cosine", "1-sqrt"], "linear");
  const start = f.int(key("lr_decay_starting_step"), W);
  const D = f.int(key("lr_decay_steps"), Math.max(0, T - W - start));
  const floor = f.number(key("min_decay_lr"), peak);
  if (W === 0 && D === 0) {
    f.fail(
      key("lr_decay_steps"),
      "with no warmup and no decay nanotron's lambda returns the LR itself, not a factor",
    );
  }
  if (start < W) f.fail(key("lr_decay_starting_step"), `${start} falls inside the warmup (${W} steps)`);
  // s = W is still the warmup's (lr x W / W = lr), so the warmup's exclusive line ends at the peak.
  const warmup = style === "linear" ? line(0, W, 0, peak) : flat(0, W, peak);
  const decay = floor === peak
    ? flat(start, start + D, peak)
    : curve(decayStyle, start, start + D, peak, floor);
  return {
    peak,
    pieces: [
      ...warmup,
      ...flat(W, start, peak),
      ...decay,
      ...flat(start + D, Math.max(T, start + D + 1), floor),
    ],
  };
}

/** The data stages: dataset_folder and dataset_weights (equal weights when absent), or one HF dataset. */
function data(f: Fields, T: number): Pick<Imported, "sources" | "stages"> {
  const stages = f.get("data_stages");
  if (stages === undefined || stages === null) return { sources: [], stages: [] };
  if (!Array.isArray(stages)) f.fail("data_stages", "expected a list of stages");
  const lines = [...f.text.matchAll(/^\s*-?\s*start_training_step\s*:/gm)].map((m) =>
    f.text.slice(0, m.index).split("\n").length
  );
  // deno-lint-ignore no-explicit-any
  const list = (stages as any[]).map((stage, i) => {
    const start = stage?.start_training_step;
    if (!Number.isInteger(start) || start < 1) {
      f.fail(`data_stages`, `stage ${i + 1}: start_training_step must be a step >= 1`);
    }
    const dataset = stage.data?.dataset ?? {};
    const folders = dataset.dataset_folder ?? dataset.hf_dataset_or_datasets;
    const paths: string[] = typeof folders === "string" ? [folders] : Array.isArray(folders) ? folders : [];
    if (paths.length === 0) {
      f.fail("data_stages", `stage ${i + 1}: no dataset_folder or hf_dataset_or_datasets`);
    }
    const weights: number[] = dataset.dataset_weights ?? paths.map(() => 1);
    if (weights.length !== paths.length) {
      f.fail("dataset_weights", `stage ${i + 1}: one weight per dataset_folder`);
    }
    const entries = paths.map((path, j) => ({ path, weight: Number(weights[j]) }));
    return { start: start - 1, entries, line: lines[i] ?? 0 };
  }).sort((a, b) => a.start - b.start);
  if (list[0].start !== 0) f.fail("data_stages", "no training stage starting at 1 (nanotron requires one)");
  if (new Set(list.map((s) => s.start)).size !== list.length) {
    f.fail("data_stages", "two stages start at the same step");
  }
  const out = stagesFromPaths(list.filter((s) => s.start < T));
  out.stages.forEach((stage, i) =>
    Object.assign(stage, { key: "data_stages.start_training_step", line: list[i].line })
  );
  return out;
}

/**
 * A recipe import of a nanotron YAML config.
 *
 * @example
 * ```ts
 * import { importNanotron } from "./nanotron.ts";
 * // importNanotron({ file: "config.yaml", text: await Deno.readTextFile("config.yaml") }).steps
 * ```
 */
export function importNanotron(input: ImportInput): Imported {
  const f = new Fields(input.file, input.text, parseStructured(input.text, input.file, "yaml"));
  const out = emptyImport("nanotron", input);
  const T = f.int("tokens.train_steps", undefined, 1);
  const lr = schedule(f, T);
  const name = f.string("optimizer.optimizer_factory.name", "adamW");
  if (name.toLowerCase() !== "adamw") {
    f.fail("optimizer.optimizer_factory.name", `${JSON.stringify(name)}: a recipe's optimizer is AdamW`);
  }
  const clip = f.get("optimizer.clip_grad");
  const dp = f.int("parallelism.dp", 1, 1);
  Object.assign(out, {
    steps: T,
    sequences: f.int("tokens.micro_batch_size", undefined, 1) *
      f.int("tokens.batch_accumulation_per_replica", 1, 1) * dp,
    context: f.int("tokens.sequence_length", undefined, 1),
    optimizer: {
      lr: lr.peak,
      betas: [
        f.number("optimizer.optimizer_factory.adam_beta1", 0.9),
        f.number("optimizer.optimizer_factory.adam_beta2", 0.999),
      ],
      eps: f.number("optimizer.optimizer_factory.adam_eps", 1e-8),
      weightDecay: f.number("optimizer.weight_decay", 0),
      clip: clip === null || clip === undefined ? null : f.number("optimizer.clip_grad"),
    },
    lr: lr.pieces,
    ...data(f, T),
    checkpointEvery: f.has("checkpoints.checkpoint_interval")
      ? every(f.int("checkpoints.checkpoint_interval", undefined, 1), T)
      : null,
    parent: f.has("model.init_method.path")
      ? { key: "model.init_method.path", path: f.string("model.init_method.path") }
      : null,
  });
  f.get("checkpoints.checkpoints_path");
  if (f.get("checkpoints.save_initial_state") === true) out.checkpointsAt.push(0);
  out.leftovers = f.leftovers();
  return out;
}
