/**
 * Importing Megatron-LM's pretrain_gpt.py arguments: a launch script (bash words, arrays and variables
 * expanded), a bare argument list, or Recipe's own `MEGATRON_ARGS` / `MEGATRON_DATA_<i>` arrays. Megatron
 * counts the schedule in samples (megatron/core/optimizer_param_scheduler.py): update k is at n = k x
 * global batch, so every length must be a whole number of updates. Its warmup and decays are the recipe's
 * exclusive convention (`from` at the first update), the floor held after --lr-decay-samples; blends switch
 * at --phase-transition-iterations.
 * @module
 */
import type { Imported, Piece } from "./imported.ts";
import { Fields } from "./fields.ts";
import { curve, emptyImport, every, flat, type ImportInput, line, piece } from "./pieces.ts";
import { shellScript, type ShellWord } from "./bash_words.ts";
import { stagesFromPaths } from "./sources.ts";

/** The flags of the launch: each flag's values (repeated flags: every occurrence), and its line. */
interface Flags {
  values: Map<string, string>;
  occurrences: Map<string, ShellWord[][]>;
  lines: Map<string, number>;
}

/** The words Megatron's argparse sees: after the `.py` of the launch, else every command and array. */
function launchWords(text: string): ShellWord[] {
  const script = shellScript(text);
  const launch = script.commands.find((c) => c.words.some((w) => w.text.endsWith(".py")));
  if (launch) {
    const after = launch.words.slice(launch.words.findIndex((w) => w.text.endsWith(".py")) + 1);
    const stages = script.arrays.filter((a) =>
      !script.expanded.has(a.name) && a.words.some((w) => w.text === "--data-path")
    );
    return [...after, ...stages.flatMap((a) => a.words)];
  }
  const bare = script.commands.filter((c) => c.words[0]?.text.startsWith("--"));
  return [...script.arrays.flatMap((a) => a.words), ...bare.flatMap((c) => c.words)];
}

function flagsOf(words: ShellWord[]): Flags {
  const flags: Flags = { values: new Map(), occurrences: new Map(), lines: new Map() };
  let current: ShellWord[] | null = null;
  for (const word of words) {
    if (word.text.startsWith("--")) {
      const [flag, inline] = word.text.split(/=(.*)/s);
      current = inline !== undefined ? [{ text: inline, line: word.line }] : [];
      flags.occurrences.set(flag, [...flags.occurrences.get(flag) ?? [], current]);
      flags.lines.set(flag, flags.lines.get(flag) ?? word.line);
    } else current?.push(word);
  }
  for (const [flag, list] of flags.occurrences) {
    flags.values.set(flag, list.at(-1)!.map((w) => w.text).join(" ") || "true");
  }
  return flags;
}

/** A length in samples (`--x-samples`, or `--x-iters` x the batch), or null when neither is given. */
function samples(f: Fields, name: string, B: number): number | null {
  if (f.has(`--${name}-samples`)) return f.number(`--${name}-samples`);
  if (f.has(`--${name}-iters`)) return f.number(`--${name}-iters`) * B;
  return null;
}

/** Samples as whole updates of batch B. */
function updates(f: Fields, key: string, n: number, B: number): number {
  if (!Number.isInteger(n / B)) {
    f.fail(key, `${n} samples is not a whole number of updates of --global-batch-size ${B}`);
  }
  return n / B;
}

const WSD_STYLES: Record<string, "linear" | "cosine" | "1-sqrt"> = {
  linear: "linear",
  cosine: "cosine",
  minus_sqrt: "1-sqrt",
};

/** The decay after the warmup: constant, linear, cosine, WSD or inverse-square-root. */
function decay(f: Fields, B: number, T: number, W: number, D: number, max: number, min: number): Piece[] {
  const style = f.choice(
    "--lr-decay-style",
    ["constant", "linear", "cosine", "WSD", "inverse-square-root"],
    "linear",
  );
  const decayKey = f.pick("--lr-decay-samples", "--lr-decay-iters");
  if (style === "constant") return flat(W, T, max);
  if (style === "inverse-square-root") {
    if (W === 0) f.fail("--lr-warmup-samples", "inverse-square-root with no warmup has no recipe timescale");
    if (max * Math.sqrt(W / Math.max(W, Math.min(T, D) - 1)) < min) {
      f.fail("--min-lr", "the inverse-square-root decay reaches --min-lr, where Megatron clamps it");
    }
    return [...piece(W, D, { shape: "inverse-sqrt", from: max, timescale: W }), ...flat(D, T, min)];
  }
  if (style !== "WSD") return [...curve(style, W, D, max, min), ...flat(D, T, min)];
  const wsd = samples(f, "lr-wsd-decay", B);
  if (wsd === null) f.fail("--lr-decay-style", "WSD needs --lr-wsd-decay-samples or --lr-wsd-decay-iters");
  const A = D - updates(f, f.pick("--lr-wsd-decay-samples", "--lr-wsd-decay-iters"), wsd, B);
  if (A < W) f.fail(decayKey, "the WSD decay starts before the warmup ends");
  const wsdStyle = f.string("--lr-wsd-decay-style", "exponential");
  if (!(wsdStyle in WSD_STYLES)) {
    f.fail(
      "--lr-wsd-decay-style",
      `${JSON.stringify(wsdStyle)} (2 x 0.5^p - 1 for exponential) has no recipe ` +
        "shape; use linear, cosine or minus_sqrt",
    );
  }
  return [...flat(W, A, max), ...curve(WSD_STYLES[wsdStyle], A, D, max, min), ...flat(D, T, min)];
}

/** The LR pieces, after OptimizerParamScheduler's asserts. */
function schedule(f: Fields, B: number, T: number): { peak: number; pieces: Piece[] } {
  const max = f.number("--lr");
  const min = f.number("--min-lr", 0);
  const init = f.number("--lr-warmup-init", 0);
  const decaySamples = samples(f, "lr-decay", B) ?? T * B;
  const warmupSamples = f.has("--lr-warmup-fraction")
    ? f.number("--lr-warmup-fraction") * decaySamples
    : samples(f, "lr-warmup", B) ?? 0;
  const assert = (ok: boolean, key: string, what: string) =>
    ok || f.fail(key, `Megatron asserts ${what} (OptimizerParamScheduler)`);
  assert(min >= 0, "--min-lr", `min_lr >= 0.0, got ${min}`);
  assert(max >= min, "--lr", `max_lr >= min_lr, got ${max} < ${min}`);
  assert(init <= max, "--lr-warmup-init", `init_lr <= max_lr, got ${init} > ${max}`);
  const decayKey = f.pick("--lr-decay-samples", "--lr-decay-iters", "--train-samples", "--train-iters");
  assert(decaySamples > 0, decayKey, "lr_decay_steps > 0");
  const warmupKey = f.pick("--lr-warmup-samples", "--lr-warmup-iters", "--lr-warmup-fraction");
  assert(
    warmupSamples < decaySamples,
    warmupKey,
    `lr_warmup_steps < lr_decay_steps, got ${warmupSamples} >= ${decaySamples} samples`,
  );
  const W = updates(f, warmupKey, warmupSamples, B);
  const D = updates(f, decayKey, decaySamples, B);
  return { peak: max, pieces: [...line(0, W, init, max), ...decay(f, B, T, W, D, max, min)] };
}

/** The weight decay: constant, or rising linearly or by a cosine over the run (wd_incr_steps = the run). */
function weightDecay(f: Fields, T: number): { base: number; pieces: Piece[] } {
  const style = f.choice("--weight-decay-incr-style", ["constant", "linear", "cosine"], "constant");
  const wd = f.number("--weight-decay", 0.01);
  if (style === "constant") {
    for (const key of ["--start-weight-decay", "--end-weight-decay"]) {
      if (f.has(key)) f.fail(key, "Megatron asserts it is unset when --weight-decay-incr-style is constant");
    }
    return { base: wd, pieces: [] };
  }
  const start = f.number("--start-weight-decay");
  const end = f.number("--end-weight-decay");
  if (end < start) f.fail("--end-weight-decay", `Megatron asserts end_wd >= start_wd, got ${end} < ${start}`);
  return { base: start, pieces: piece(0, T, { shape: style, from: start, to: end }) };
}

/** The blends of the mixture stages, switched at --phase-transition-iterations. */
function data(f: Fields, flags: Flags, T: number): Pick<Imported, "sources" | "stages"> {
  const blends = flags.occurrences.get("--data-path") ?? [];
  f.get("--data-path");
  if (blends.length === 0) return { sources: [], stages: [] };
  const starts = [
    0,
    ...(f.has("--phase-transition-iterations")
      ? f.string("--phase-transition-iterations").split(",").map(Number)
      : []),
  ];
  if (starts.some((s, i) => !Number.isInteger(s) || (i > 0 && (s <= starts[i - 1] || s >= T)))) {
    f.fail("--phase-transition-iterations", "expected increasing iterations inside the run, comma-separated");
  }
  if (starts.length !== blends.length) {
    f.fail(
      starts.length > 1 ? "--phase-transition-iterations" : "--data-path",
      `${starts.length} data phase(s) but ${blends.length} --data-path blend(s): give one blend per phase`,
    );
  }
  const out = stagesFromPaths(blends.map((words, i) => {
    const texts = words.map((w) => w.text);
    const weighted = texts.length % 2 === 0 &&
      texts.every((t, j) => j % 2 === 1 || Number.isFinite(Number(t)));
    const entries = weighted
      ? texts.flatMap((t, j) => j % 2 === 0 ? [{ weight: Number(t), path: texts[j + 1] }] : [])
      : texts.map((path) => ({ path, weight: 1 }));
    return { start: starts[i], entries };
  }));
  const key = "--phase-transition-iterations";
  out.stages.slice(1).forEach((stage) => Object.assign(stage, { key, line: flags.lines.get(key) }));
  return out;
}

/**
 * A recipe import of Megatron-LM arguments.
 *
 * @example
 * ```ts
 * import { importMegatron } from "./megatron.ts";
 * const text = "--train-iters 1000 --global-batch-size 32 --seq-length 1024 --lr 3e-4 --lr-decay-style cosine";
 * importMegatron({ file: "args.txt", text }).steps; // 1000
 * ```
 */
export function importMegatron(input: ImportInput): Imported {
  const flags = flagsOf(launchWords(input.text));
  const root = Object.fromEntries(flags.values);
  const f = new Fields(input.file, input.text, root, (key) => flags.lines.get(key) ?? 0);
  const out = emptyImport("megatron", input);
  const B = f.int("--global-batch-size", undefined, 1);
  if (f.has("--rampup-batch-size")) {
    f.fail(
      "--rampup-batch-size",
      "a batch ramp in consumed samples has no exact recipe form; ramp with `batch` in phases",
    );
  }
  if (f.has("--train-samples") && f.has("--train-iters")) {
    f.fail("--train-iters", "Megatron asserts only one of --train-iters and --train-samples is given");
  }
  const trainKey = f.pick("--train-samples", "--train-iters");
  const T = trainKey === "--train-samples"
    ? updates(f, trainKey, f.number(trainKey), B)
    : f.int("--train-iters", undefined, 1);
  const optimizer = f.string("--optimizer", "adam");
  if (optimizer !== "adam") {
    f.fail("--optimizer", `${JSON.stringify(optimizer)}: a recipe's optimizer is AdamW (adam)`);
  }
  const lr = schedule(f, B, T);
  const wd = weightDecay(f, T);
  const clip = f.number("--clip-grad", 1);
  Object.assign(out, {
    steps: T,
    sequences: B,
    context: f.int("--seq-length", undefined, 1),
    optimizer: {
      lr: lr.peak,
      betas: [f.number("--adam-beta1", 0.9), f.number("--adam-beta2", 0.999)],
      eps: f.number("--adam-eps", 1e-8),
      weightDecay: wd.base,
      clip: clip > 0 ? clip : null,
    },
    lr: lr.pieces,
    weightDecay: wd.pieces,
    ...data(f, flags, T),
    checkpointEvery: f.has("--save-interval") ? every(f.int("--save-interval", undefined, 1), T) : null,
    parent: f.has("--pretrained-checkpoint")
      ? { key: "--pretrained-checkpoint", path: f.string("--pretrained-checkpoint") }
      : null,
  });
  out.leftovers = f.leftovers();
  return out;
}
