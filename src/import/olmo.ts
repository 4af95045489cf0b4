/**
 * Importing an OLMo-core config (JSON, the form `Config.from_dict` reads: Recipe's own layout, or an
 * experiment's `train_module` / `trainer` / `data_loader` / `dataset` sections). OLMo-core evaluates
 * get_lr at current = k + 1 (optim/scheduler.py): warmups and decays reach their end on their last
 * update, the recipe's `inclusive`.
 * @module
 */
import type { Imported, Piece } from "./imported.ts";
import { Fields } from "./fields.ts";
import { emptyImport, every, flat, type ImportInput, line, piece } from "./pieces.ts";
import { parseStructured } from "./structured.ts";
import { stagesFromPaths } from "./sources.ts";

/** The scheduler's LR pieces over T updates. */
function schedule(f: Fields, s: string, T: number, peak: number): Piece[] {
  const kind = f.string(`${s}._CLASS_`).split(".").at(-1)!;
  const units = f.choice(`${s}.units`, ["steps", "tokens"], "steps");
  if (units !== "steps") f.fail(`${s}.units`, "only step units are imported; write the scheduler in steps");
  const length = (key: string, fraction: string) =>
    f.has(`${s}.${key}`)
      ? f.int(`${s}.${key}`)
      : f.has(`${s}.${fraction}`)
      ? Math.round(T * f.number(`${s}.${fraction}`))
      : f.fail(`${s}.${key}`, `needs ${key} or ${fraction}`);
  if (kind === "ConstantScheduler") return flat(0, T, peak);
  const W = length("warmup", "warmup_fraction");
  const min = f.number(`${s}.warmup_min_lr`, 0);
  if (!(min >= 0 && min < peak)) {
    f.fail(`${s}.warmup_min_lr`, `OLMo-core asserts 0 <= warmup_min_lr < initial_lr, got ${min}`);
  }
  const warmup = line(0, W, min, peak, 1);
  if (kind === "ConstantWithWarmup") return [...warmup, ...flat(W, T, peak)];
  if (kind === "WSD") {
    const D = length("decay", "decay_fraction");
    const floor = f.number(`${s}.decay_min_lr`, 0);
    if (W + D > T) f.fail(`${s}.decay`, `the warmup (${W}) and the decay (${D}) overlap in ${T} steps`);
    return [...warmup, ...flat(W, T - D, peak), ...line(T - D, T, peak, floor, 1)];
  }
  const floor = peak * f.number(`${s}.alpha_f`, 0.1);
  if (kind === "CosWithWarmup" || kind === "LinearWithWarmup") {
    const tMax = f.int(`${s}.t_max`, T);
    const shape = kind === "CosWithWarmup" ? "cosine" : "linear";
    return [
      ...warmup,
      ...piece(W, tMax, { shape, from: peak, to: floor }, 1),
      ...flat(tMax, Math.max(T, tMax + 1), floor),
    ];
  }
  if (kind === "InvSqrtWithWarmup") {
    if (floor !== 0) {
      f.fail(`${s}.alpha_f`, "an inverse square root towards a floor has no recipe shape; use 0");
    }
    if (W === 0) f.fail(`${s}.warmup`, "InvSqrtWithWarmup needs a warmup (its timescale)");
    return [...warmup, ...piece(W, T, { shape: "inverse-sqrt", from: peak, timescale: W }, 1)];
  }
  return f.fail(`${s}._CLASS_`, `the scheduler ${JSON.stringify(kind)} has no recipe phases`);
}

/** The source mixture: source_list.sources (or a plain list) of {source_name, target_ratio, paths}. */
function mixture(f: Fields, m: string): Pick<Imported, "sources" | "stages"> {
  const list = f.get(`${m}.source_list.sources`) ?? f.get(`${m}.source_list`);
  if (list === undefined || list === null) return { sources: [], stages: [] };
  if (!Array.isArray(list)) f.fail(`${m}.source_list`, "expected a list of sources");
  // deno-lint-ignore no-explicit-any
  const entries = (list as any[]).flatMap((source) => {
    const paths: string[] = source?.paths ?? [];
    if (!paths.length) f.fail("source_name", `source ${JSON.stringify(source?.source_name)} has no paths`);
    const name = paths.length === 1 && typeof source.source_name === "string"
      ? source.source_name
      : undefined;
    return paths.map((path) => ({ path, name, weight: Number(source.target_ratio) / paths.length }));
  });
  f.get(`${m}.requested_tokens`);
  f.get(`${m}.global_batch_size`);
  return stagesFromPaths([{ start: 0, entries }]);
}

/**
 * A recipe import of an OLMo-core config.
 *
 * @example
 * ```ts
 * import { importOlmo } from "./olmo.ts";
 * // importOlmo({ file: "run.olmo.json", text: await Deno.readTextFile("run.olmo.json") }).lr
 * ```
 */
export function importOlmo(input: ImportInput): Imported {
  const f = new Fields(input.file, input.text, parseStructured(input.text, input.file, "json"));
  const out = emptyImport("olmo", input);
  const at = (key: string, ...prefixes: string[]) => f.pick(key, ...prefixes.map((p) => `${p}.${key}`));
  const duration = at("max_duration", "trainer");
  if (f.string(`${duration}.unit`, "steps") !== "steps") {
    f.fail(`${duration}.unit`, "only a duration in steps is imported");
  }
  const T = f.int(`${duration}.value`, undefined, 1);
  const optim = at("optim", "train_module");
  const peak = f.number(`${optim}.lr`);
  const contextKey = f.pick("sequence_length", "dataset.sequence_length", "train_module.max_sequence_length");
  const context = f.int(contextKey, undefined, 1);
  const tokensKey = f.pick("global_batch_size_tokens", "data_loader.global_batch_size");
  const tokens = f.int(tokensKey, undefined, 1);
  if (tokens % context !== 0) {
    f.fail(tokensKey, `${tokens} tokens is not a whole number of ${context}-token sequences`);
  }
  const betas = f.get(`${optim}.betas`) as [number, number] | undefined;
  const clip = f.get(at("max_grad_norm", "train_module"));
  f.get(`${optim}._CLASS_`);
  Object.assign(out, {
    steps: T,
    sequences: tokens / context,
    context,
    optimizer: {
      lr: peak,
      betas: betas ?? [0.9, 0.95],
      eps: f.number(`${optim}.eps`, 1e-8),
      weightDecay: f.number(`${optim}.weight_decay`, 0.1),
      clip: typeof clip === "number" ? clip : null,
    },
    lr: schedule(f, at("scheduler", "train_module"), T, peak),
    ...mixture(f, f.pick("mixture", "dataset.source_mixture_config", "dataset.mixture")),
  });
  const callback = f.pick("trainer.callbacks.checkpointer");
  if (f.has(`${callback}.fixed_steps`)) {
    out.checkpointsAt = (f.get(`${callback}.fixed_steps`) as number[]).filter((s) => s < T);
  }
  if (f.has(`${callback}.save_interval`)) {
    out.checkpointEvery = every(f.int(`${callback}.save_interval`, undefined, 1), T);
  }
  if (f.get(`${callback}.pre_train_checkpoint`) === true) out.checkpointsAt.unshift(0);
  f.get(`${callback}._CLASS_`);
  if (f.has("trainer.load_path")) {
    out.parent = { key: "trainer.load_path", path: f.string("trainer.load_path") };
    f.get("trainer.load_trainer_state");
  }
  out.leftovers = f.leftovers();
  return out;
}
