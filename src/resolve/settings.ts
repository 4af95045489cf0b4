/**
 * The recipe-wide settings: the optimizer, the batch and its context, the model and the budget. Each reader
 * reports what is missing or out of range, and returns null for a value it could not read.
 * @module
 */
import { formatCount } from "../diagnostics/format_number.ts";
import type { Model, Plan } from "../plan/schema.ts";
import { MAX_BATCH } from "../plan/invariants.ts";
import { type RecipeContext, report, reportMissing, settingArgument } from "./context.ts";
import type { BudgetUnit } from "./durations.ts";
import type { Located } from "./effective.ts";
import type * as A from "../syntax/ast.ts";

/** The optimizer's settings, as the plan records them (without the kind). */
export type OptimizerSettings = Omit<Plan["optimizer"], "kind">;

/** The budget: how many steps, tokens or samples the recipe trains for. */
export interface Budget {
  unit: BudgetUnit;
  value: number;
}

/** The batch of every update unless a phase sets another, and the context of each sequence. */
export interface BatchSettings {
  /** Sequences per update; null when the batch is missing or could not be read. */
  sequences: number | null;
  /** Tokens per sequence; null when neither the batch nor the model gives it. */
  context: number | null;
}

/**
 * The optimizer block: `lr` (needed), `betas`, `eps`, `weight_decay`, `clip`. Null when any value could not
 * be read (every value is read, so that each problem is reported).
 */
export function readOptimizer(context: RecipeContext): OptimizerSettings | null {
  const { optimizer } = context.effective;
  const read = context.read;
  if (!optimizer.get("lr")) reportMissing(context, "optimizer lr", "add `optimizer adamw { lr 3e-4 }`");
  const lrSetting = optimizer.get("lr");
  const peak = lrSetting
    ? read.number(settingArgument(lrSetting), "the peak LR (lr)", { min: 0, exclusive: true })
    : null;
  const betasSetting = optimizer.get("betas");
  const betas = betasSetting
    ? [0, 1].map((i) =>
      read.number(settingArgument(betasSetting, i), `beta${i + 1}`, { min: 0, max: 0.9999999999 })
    )
    : [0.9, 0.999];
  const eps = optimizer.get("eps");
  const epsValue = eps ? read.number(settingArgument(eps), "eps", { min: 0, exclusive: true }) : 1e-8;
  const decay = optimizer.get("weight_decay");
  const weightDecay = decay ? read.number(settingArgument(decay), "the weight decay", { min: 0 }) : 0;
  const clipSetting = optimizer.get("clip");
  const clip = clipSetting && clipSetting.node.args.length
    ? read.number(settingArgument(clipSetting), "the clip threshold", { min: 0, exclusive: true })
    : null;
  const unreadClip = Boolean(clipSetting?.node.args.length) && clip === null;
  if (
    peak === null || betas.some((b) => b === null) || epsValue === null || weightDecay === null || unreadClip
  ) {
    return null;
  }
  return { lr: peak, betas: betas as [number, number], eps: epsValue, weightDecay, clip };
}

/** A whole-number setting of the model block (at least 1), `fallback` when it is not set. */
export function readModelNumber(context: RecipeContext, key: string, fallback: number | null): number | null {
  const setting = context.effective.model.get(key);
  return setting
    ? context.read.number(settingArgument(setting), `the model's ${key}`, { min: 1, integer: true })
    : fallback;
}

/**
 * The batch statement: `batch 32 x 1024` (sequences x context), `batch 32` with the model's context, or
 * `batch 32768 tokens`. `modelContext` is the model block's `context`, if set.
 */
export function readBatch(context: RecipeContext, modelContext: number | null): BatchSettings {
  const batch = context.effective.batch;
  if (!batch) {
    reportMissing(context, "batch", "add `batch 32 x 1024` (sequences x context)");
    return { sequences: null, context: null };
  }
  const at = (node: A.Expr): Located<A.Expr> => ({ node, source: batch.source });
  const tokens = batch.node.context
    ? context.read.number(at(batch.node.context), "the context", { min: 1, integer: true })
    : modelContext;
  if (batch.node.context && modelContext !== null && tokens !== null && tokens !== modelContext) {
    report(
      context.diagnostics,
      "R0022",
      batch,
      `The batch context ${tokens} differs from the model's context ${modelContext}`,
      "make them equal, or drop one",
    );
  }
  const size = context.read.number(at(batch.node.size), "the batch size", { min: 0, exclusive: true });
  if (size === null) return { sequences: null, context: tokens };
  return { sequences: batchSequences(context, batch, size, tokens), context: tokens };
}

/** The sequences of a batch of `size` (in its unit), or null after a diagnostic. */
function batchSequences(
  context: RecipeContext,
  batch: Located<A.BatchStmt>,
  size: number,
  tokens: number | null,
): number | null {
  const diagnostics = context.diagnostics;
  let sequences: number | null = null;
  if (batch.node.unit === "tokens") {
    if (tokens !== null) {
      sequences = size / tokens;
      if (!Number.isInteger(sequences)) {
        report(
          diagnostics,
          "R0016",
          batch,
          `A batch of ${size} tokens is not a whole number of ${tokens}-token sequences`,
          `use ${Math.max(1, Math.round(sequences)) * tokens} tokens`,
        );
        sequences = null;
      }
    }
  } else if (batch.node.unit !== null) {
    report(
      diagnostics,
      "R0016",
      batch,
      `The batch cannot be in "${batch.node.unit}"`,
      "write `batch 32 x 1024` (sequences x context) or `batch 32768 tokens`",
    );
  } else if (!Number.isInteger(size)) {
    report(
      diagnostics,
      "R0009",
      batch,
      `The batch size is "${size}" but must be a whole number of sequences`,
    );
  } else sequences = size;
  if (sequences !== null && sequences > MAX_BATCH) {
    report(
      diagnostics,
      "R0009",
      { node: batch.node.size, source: batch.source },
      `The batch is ${formatCount(sequences)} sequences, more than the limit of ${formatCount(MAX_BATCH)}`,
      `use at most ${formatCount(MAX_BATCH)} sequences per update`,
    );
    sequences = null;
  }
  if (tokens === null && batch.node.unit !== "steps") {
    report(
      diagnostics,
      "R0016",
      batch,
      "The batch has no context length",
      "write `batch 32 x 1024` or set `context` in the model block",
    );
  }
  return sequences;
}

/**
 * The model block (a GPT: layers, width, heads, vocab, context), or the parent's model when the recipe has
 * no model block. A recipe that starts from a checkpoint must keep its parent's model (R0022).
 */
export function readModel(
  context: RecipeContext,
  parentModel: Model | null,
  batch: BatchSettings,
  modelContext: number | null,
): Model | null {
  const { model: settings, init } = context.effective;
  if (!settings.size) return parentModel;
  const layers = readModelNumber(context, "layers", 4);
  const width = readModelNumber(context, "width", 256);
  const heads = readModelNumber(context, "heads", 4);
  const vocab = readModelNumber(context, "vocab", 256);
  if (layers === null || width === null || heads === null || vocab === null || batch.context === null) {
    return parentModel;
  }
  const model: Model = { kind: "gpt", layers, width, heads, context: modelContext ?? batch.context, vocab };
  if (width % heads !== 0) {
    report(
      context.diagnostics,
      "R0022",
      settings.get("heads") ?? settings.get("width")!,
      `The model's ${heads} heads do not divide its width ${width}`,
      "pick heads that divide the width",
    );
  }
  if (parentModel && JSON.stringify(parentModel) !== JSON.stringify(model)) {
    report(
      context.diagnostics,
      "R0022",
      { node: init!.ref, source: init!.source },
      `A recipe that starts from a checkpoint keeps its parent's model (${JSON.stringify(parentModel)})`,
      "drop the model block or match the parent's",
    );
  }
  return model;
}

/** The budget (`budget 1B tokens`, or steps, or samples), or null after a diagnostic. */
export function readBudget(context: RecipeContext): Budget | null {
  const budget = context.effective.budget;
  if (!budget) reportMissing(context, "budget", "add `budget 1B tokens` (or steps, or samples)");
  if (!budget) return null;
  const measured = context.read.measure(budget, "the budget", ["steps", "tokens", "samples"]);
  return measured ? { unit: measured.unit as BudgetUnit, value: measured.value } : null;
}
