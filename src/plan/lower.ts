/**
 * Lowering: one effective recipe (and one sweep choice) to a validated Plan.
 *
 * Defaults a phase takes from its keyword (all overridable with a shape, `from`, `to` or `at`):
 * - `warmup`: linear from 0 to the peak LR.
 * - `rewarm`: linear from the LR before it (the parent checkpoint's LR when it comes first) to the peak.
 * - `stable`: holds the LR before it (the peak when it comes first); `at X` sets the value.
 * - `decay` / `cooldown`: linear from the LR before it to 0.
 * - `phase "name"`: constant at the LR before it, unless a shape and values are given.
 * Each repetition of a `cycles` block starts from the LR the first repetition started from (a restart).
 * `mix`, `weight_decay` and `batch` set inside a phase stay in effect for the following phases until set
 * again; a shaped value carries its end value forward.
 * @module
 */
import { dirname } from "node:path";
import type * as A from "../syntax/ast.ts";
import { formatCount, formatNumber } from "../diagnostics/format_number.ts";
import type { Checkpoint, Init, Origin, Phase, Plan, Shape, ShapeName, Source } from "./schema.ts";
import { Plan as PlanSchema, PLAN_VERSION } from "./schema.ts";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import type { Program } from "../check/load.ts";
import { Scope } from "../check/scope.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import { FILE_NAME_HINT, fileNameProblem } from "../diagnostics/file_name.ts";
import { effectiveRecipe, type Located } from "./effective.ts";
import {
  type BudgetUnit,
  type Measured,
  type PhaseSlot,
  placePhases,
  roundHalfUp,
  type TimelineItem,
} from "./durations.ts";
import { updatesToReach } from "./positions.ts";
import { buildShape } from "./shapes.ts";
import { type CheckpointFrame, type PendingCheckpoint, resolveCheckpoint } from "./checkpoints.ts";
import { ValueReader } from "./values.ts";
import { shapeEndValue, shapeValue } from "./shape_value.ts";
import { evaluate } from "./evaluate.ts";
import { planHash } from "./hash.ts";
import { MAX_BATCH, planProblems } from "./invariants.ts";

/** Which plan of a recipe to lower. */
export interface LowerOptions {
  /** The chosen index of every sweep (default: the first choice). */
  choices?: ReadonlyMap<A.SweepExpr, number>;
  /** Overrides the plan's name (sweeps name each plan). */
  name?: string;
  /** The swept values that make this plan, recorded in it. */
  sweep?: Record<string, number>;
  /** Receives every sweep the lowering evaluated (and the file it is in). */
  sweepsUsed?: Map<A.SweepExpr, SourceText>;
}

/** The most updates a plan can have (the schedule table indexes them with 32-bit integers). */
export const MAX_STEPS = 2 ** 31 - 1;

/** The most repetitions a `cycles` block may have. */
export const MAX_CYCLES = 10_000;

/** The most phases a plan may have, counting each repetition of a `cycles` block's phases. */
export const MAX_PHASES = 10_000;

const BATCH_SHAPES: readonly ShapeName[] = [
  "constant",
  "linear",
  "cosine",
  "1-sqrt",
  "exponential",
  "polynomial",
  "rex",
];

function originOf(source: SourceText, span: A.Span): Origin {
  const { line, column } = source.position(span.start);
  return { file: source.path, line, column };
}

/** The mean of a shape over its phase (continuous, midpoint rule): the batch a duration converts with. */
function meanValue(shape: Shape): number {
  if (shape.shape === "constant") return shape.value;
  const samples = 1024;
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += shapeValue(shape, i + 0.5, samples, 0);
  return sum / samples;
}

/**
 * Lowers recipe `name` of a loaded program. Pushes diagnostics (errors and warnings) and returns the
 * plan, or null when the recipe has errors.
 */
export async function lowerRecipe(
  program: Program,
  name: string,
  diagnostics: Diagnostic[],
  options: LowerOptions = {},
): Promise<Plan | null> {
  const eff = effectiveRecipe(program, name, diagnostics);
  if (!eff) return null;
  const firstError = diagnostics.filter((d) => d.severity === "error").length;
  const errorsSince = () => diagnostics.filter((d) => d.severity === "error").length > firstError;
  const read = new ValueReader(
    new Scope(eff.lets, diagnostics, options.choices, options.sweepsUsed),
    diagnostics,
  );
  const home = eff.recipe.file.source;
  const recipe = eff.recipe.recipe;
  const report = (
    code: Diagnostic["code"],
    at: Located<{ span: A.Span }>,
    message: string,
    hint: string | null = null,
  ) => diagnostics.push(diagnostic(code, at.source, at.node.span, message, hint));
  const missing = (what: string, hint: string) =>
    report(
      "R0005",
      { node: { span: recipe.nameSpan }, source: home },
      `Recipe "${recipe.name}" has no ${what}`,
      hint,
    );
  const arg = (s: Located<A.Setting>, i = 0): Located<A.Expr> => ({ node: s.node.args[i], source: s.source });

  // The parent checkpoint of a continual-pretraining recipe.
  let parent: Plan | null = null;
  let init: Init | null = null;
  if (eff.init) {
    const parentName = eff.init.parent.recipe.name;
    const refAt = { node: eff.init.ref, source: eff.init.source };
    const parentDiagnostics: Diagnostic[] = [];
    const parentSweeps = new Map<A.SweepExpr, SourceText>();
    parent = await lowerRecipe(program, parentName, parentDiagnostics, { sweepsUsed: parentSweeps });
    for (const d of parentDiagnostics) if (d.severity === "error") diagnostics.push(d);
    if (parentSweeps.size) {
      report(
        "R0023",
        refAt,
        `Parent recipe "${parentName}" has sweeps, so it has no single checkpoint to start from`,
        "start from a recipe without sweeps",
      );
      return null;
    }
    if (!parent) return null;
    const checkpoint = parent.checkpoints.find((c) => c.name === eff.init!.ref.checkpoint);
    if (!checkpoint) {
      const names = parent.checkpoints.map((c) => c.name);
      report(
        "R0017",
        refAt,
        `Recipe "${parentName}" has no checkpoint "${eff.init.ref.checkpoint}"`,
        didYouMean(eff.init.ref.checkpoint!, names) ??
          `its checkpoints are ${names.map((n) => `"${n}"`).join(", ")}`,
      );
      return null;
    }
    init = {
      recipe: parentName,
      checkpoint: checkpoint.name,
      step: checkpoint.step,
      planHash: await planHash(parent),
      lr: evaluate(parent, Math.max(0, checkpoint.step - 1)).lr,
      origin: originOf(eff.init.source, eff.init.ref.span),
    };
  }

  // Optimizer.
  if (!eff.optimizer.get("lr")) missing("optimizer lr", "add `optimizer adamw { lr 3e-4 }`");
  const lrSetting = eff.optimizer.get("lr");
  const peak = lrSetting
    ? read.number(arg(lrSetting), "the peak LR (lr)", { min: 0, exclusive: true })
    : null;
  const optionalNumber = (
    key: string,
    what: string,
    fallback: number,
    rule: Parameters<ValueReader["number"]>[2],
  ) => {
    const s = eff.optimizer.get(key);
    return s ? read.number(arg(s), what, rule) : fallback;
  };
  const betasSetting = eff.optimizer.get("betas");
  const betas = betasSetting
    ? [0, 1].map((i) => read.number(arg(betasSetting, i), `beta${i + 1}`, { min: 0, max: 0.9999999999 }))
    : [0.9, 0.999];
  const eps = optionalNumber("eps", "eps", 1e-8, { min: 0, exclusive: true });
  const weightDecay = optionalNumber("weight_decay", "the weight decay", 0, { min: 0 });
  const clipSetting = eff.optimizer.get("clip");
  const clip = clipSetting && clipSetting.node.args.length
    ? read.number(arg(clipSetting), "the clip threshold", { min: 0, exclusive: true })
    : null;

  // Batch and context.
  const modelNumber = (key: string, fallback: number | null) => {
    const s = eff.model.get(key);
    return s ? read.number(arg(s), `the model's ${key}`, { min: 1, integer: true }) : fallback;
  };
  const modelContext = modelNumber("context", null);
  let sequences: number | null = null;
  let context: number | null = null;
  if (!eff.batch) missing("batch", "add `batch 32 x 1024` (sequences x context)");
  else {
    const b = eff.batch;
    const at = (node: A.Expr): Located<A.Expr> => ({ node, source: b.source });
    context = b.node.context
      ? read.number(at(b.node.context), "the context", { min: 1, integer: true })
      : modelContext;
    if (b.node.context && modelContext !== null && context !== null && context !== modelContext) {
      report(
        "R0022",
        b,
        `The batch context ${context} differs from the model's context ${modelContext}`,
        "make them equal, or drop one",
      );
    }
    const size = read.number(at(b.node.size), "the batch size", { min: 0, exclusive: true });
    if (size !== null) {
      if (b.node.unit === "tokens") {
        if (context !== null) {
          sequences = size / context;
          if (!Number.isInteger(sequences)) {
            report(
              "R0016",
              b,
              `A batch of ${size} tokens is not a whole number of ${context}-token sequences`,
              `use ${Math.max(1, Math.round(sequences)) * context} tokens`,
            );
            sequences = null;
          }
        }
      } else if (b.node.unit !== null) {
        report(
          "R0016",
          b,
          `The batch cannot be in "${b.node.unit}"`,
          "write `batch 32 x 1024` (sequences x context) or `batch 32768 tokens`",
        );
      } else if (!Number.isInteger(size)) {
        report("R0009", b, `The batch size is "${size}" but must be a whole number of sequences`);
      } else sequences = size;
      if (sequences !== null && sequences > MAX_BATCH) {
        report(
          "R0009",
          at(b.node.size),
          `The batch is ${formatCount(sequences)} sequences, more than the limit of ${
            formatCount(MAX_BATCH)
          }`,
          `use at most ${formatCount(MAX_BATCH)} sequences per update`,
        );
        sequences = null;
      }
      if (context === null && b.node.unit !== "steps") {
        report(
          "R0016",
          b,
          "The batch has no context length",
          "write `batch 32 x 1024` or set `context` in the model block",
        );
      }
    }
  }

  // Model.
  let model: Plan["model"] = parent?.model ?? null;
  if (eff.model.size) {
    const layers = modelNumber("layers", 4);
    const width = modelNumber("width", 256);
    const heads = modelNumber("heads", 4);
    const vocab = modelNumber("vocab", 256);
    if (layers !== null && width !== null && heads !== null && vocab !== null && context !== null) {
      model = { kind: "gpt", layers, width, heads, context: modelContext ?? context, vocab };
      if (width % heads !== 0) {
        report(
          "R0022",
          eff.model.get("heads") ?? eff.model.get("width")!,
          `The model's ${heads} heads do not divide its width ${width}`,
          "pick heads that divide the width",
        );
      }
      if (parent?.model && JSON.stringify(parent.model) !== JSON.stringify(model)) {
        report(
          "R0022",
          { node: eff.init!.ref, source: eff.init!.source },
          `A recipe that starts from a checkpoint keeps its parent's model (${JSON.stringify(parent.model)})`,
          "drop the model block or match the parent's",
        );
      }
    }
  }

  // Budget.
  if (!eff.budget) missing("budget", "add `budget 1B tokens` (or steps, or samples)");
  const budget = eff.budget ? read.measure(eff.budget, "the budget", ["steps", "tokens", "samples"]) : null;

  // Sources and mixtures.
  const sources: Source[] = [];
  for (const s of eff.sources.values()) {
    const size = s.node.size
      ? read.measure({ node: s.node.size, source: s.source }, "the size", ["tokens"])
      : null;
    sources.push({
      name: s.node.name,
      kind: s.node.kind,
      uri: s.node.uri,
      ...(s.node.kind === "files" ? { base: dirname(s.source.path) || "." } : {}),
      ...(size ? { tokens: size.value } : {}),
      recipe: s.recipe,
      origin: originOf(s.source, s.node.nameSpan),
    });
  }
  const replayMix = parent && init
    ? parent.phases[evaluate(parent, Math.max(0, init.step - 1)).phase].mix
    : null;
  const resolveMix = (stmt: Located<A.MixStmt>): Record<string, number> | null => {
    const weights = new Map<string, number>();
    const add = (source: string, w: number) => weights.set(source, (weights.get(source) ?? 0) + w);
    if (stmt.node.temperature) {
      const tau = read.number({ node: stmt.node.temperature, source: stmt.source }, "the temperature", {
        min: 0,
        exclusive: true,
      });
      if (tau === null) return null;
      const largest = Math.max(0, ...sources.map((s) => s.tokens ?? 0));
      // size^(1/T) of the largest source, summed over the sources, must stay a finite double.
      const lowest = Math.log(largest) / Math.log(Number.MAX_VALUE / Math.max(1, sources.length));
      if (largest > 1 && !(tau >= lowest)) {
        report(
          "R0009",
          { node: stmt.node.temperature, source: stmt.source },
          `At temperature ${formatNumber(tau)} the weight size^(1/T) of a ${
            formatCount(largest)
          }-token source overflows`,
          `use a temperature of at least ${formatNumber(Number((lowest * 1.0001).toPrecision(3)))}`,
        );
        return null;
      }
      for (const s of sources) {
        if (s.tokens === undefined) {
          report(
            "R0009",
            stmt,
            `Temperature sampling needs the size of every source, and "${s.name}" has none`,
            `declare it with a size: ${s.name} = ${s.kind} "${s.uri}" size 1B tokens`,
          );
          return null;
        }
        add(s.name, Math.pow(s.tokens, 1 / tau));
      }
    }
    for (const entry of stmt.node.entries) {
      if (stmt.node.entries.find((e) => e.name === entry.name) !== entry) {
        report(
          "R0004",
          { node: { span: entry.nameSpan }, source: stmt.source },
          `"${entry.name}" appears twice in this mixture`,
          "give each source one weight",
        );
        return null;
      }
      const w = read.number({ node: entry.weight, source: stmt.source }, `the weight of "${entry.name}"`, {
        min: 0,
      });
      if (w === null) return null;
      if (entry.replay) {
        if (!replayMix) {
          report(
            "R0012",
            { node: { span: entry.nameSpan }, source: stmt.source },
            "The `replay` weight needs a parent checkpoint to replay",
            'start the recipe from one: recipe "b" from "a" at "final"',
          );
          return null;
        }
        for (const [source, share] of Object.entries(replayMix)) add(source, w * share);
      } else if (!eff.sources.has(entry.name)) {
        report(
          "R0011",
          { node: { span: entry.nameSpan }, source: stmt.source },
          `Unknown source "${entry.name}"`,
          didYouMean(entry.name, eff.sources.keys()) ?? 'declare it in the data block: name = corpus "..."',
        );
        return null;
      } else add(entry.name, w);
    }
    const total = [...weights.values()].reduce((a, b) => a + b, 0);
    if (!stmt.node.temperature && !stmt.node.normalised && total > 0 && Math.abs(total - 1) > 1e-9) {
      report(
        "R0031",
        stmt,
        `The mixture weights sum to ${formatNumber(Number(total.toPrecision(12)))}, not 1`,
        "make them sum to 1, or write `normalised` after them to scale them to 1",
      );
      return null;
    }
    if (!(total > 0)) {
      report(
        "R0010",
        stmt,
        "The mixture has no positive weight",
        "give at least one source a weight above 0",
      );
      return null;
    }
    const mix: Record<string, number> = {};
    for (const s of sources) if ((weights.get(s.name) ?? 0) > 0) mix[s.name] = weights.get(s.name)! / total;
    return mix;
  };
  let baseMix: Record<string, number> | null = {};
  if (eff.mix) baseMix = resolveMix(eff.mix);
  else if (sources.length === 1) baseMix = { [sources[0].name]: 1 };
  else if (sources.length > 1) {
    report(
      "R0010",
      { node: { span: recipe.nameSpan }, source: home },
      `Recipe "${recipe.name}" declares ${sources.length} sources but no mixture`,
      `add \`mix ${sources.map((s) => `${s.name} 1`).join(", ")}\` to the data block`,
    );
    baseMix = null;
  }

  if (!eff.schedule) missing("schedule", "add `schedule { warmup 1%  stable rest }`");
  if (
    errorsSince() || !eff.schedule || peak === null || sequences === null || context === null ||
    budget === null || baseMix === null
  ) return null;
  if (
    betas.some((b) => b === null) || eps === null || weightDecay === null ||
    (clipSetting?.node.args.length && clip === null)
  ) return null;
  const ctx = context;

  // A shaped per-phase setting (`weight_decay`, `batch`): a constant, or a shape from the carried value.
  const settingShape = (
    setting: Located<A.ShapedSetting>,
    carried: Shape,
    base: number,
    n: number,
    localUpdates: (position: Measured) => number,
    what: string,
  ): Shape | null => {
    const rule = setting.node.key === "batch"
      ? {
        base,
        min: 1,
        max: MAX_BATCH,
        maxHint: `a batch is at most ${formatCount(MAX_BATCH)} sequences per update`,
      }
      : { base, min: 0 };
    const valueAt = (expr: A.Expr, label: string) =>
      read.number({ node: expr, source: setting.source }, `${what} (${label})`, rule);
    if (setting.node.value) {
      const value = valueAt(setting.node.value, setting.node.key);
      return value === null ? null : { shape: "constant", value };
    }
    const spec = setting.node.shape!;
    const option = (key: string) => setting.node.options.find((o) => o.key === key);
    if (option("at")) {
      report(
        "R0020",
        { node: option("at")!, source: setting.source },
        `The option \`at\` does not apply to ${what}`,
        "use `from` and `to`",
      );
      return null;
    }
    if (setting.node.key === "batch" && !BATCH_SHAPES.includes(spec.name)) {
      report(
        "R0020",
        { node: spec, source: setting.source },
        `The batch size cannot follow a "${spec.name}" shape`,
        `use one of ${BATCH_SHAPES.join(", ")}`,
      );
      return null;
    }
    const from = option("from") ? valueAt(option("from")!.expr, "from") : shapeEndValue(carried, 1);
    const to = option("to") ? valueAt(option("to")!.expr, "to") : from;
    if (from === null || to === null) return null;
    const written = (key: string) =>
      option(key) ? { node: option(key)!.expr, source: setting.source } : undefined;
    return buildShape({
      name: spec.name,
      spec: { node: spec, source: setting.source },
      at: setting,
      ends: { from: written("from"), to: written("to") },
      from,
      to,
      n,
      localUpdates,
      defaultTimescale: null,
      what,
    }, read);
  };

  // Pass A: per phase template, the mixture and batch in effect (carried forward), hence its rate.
  type Template = { mix: Record<string, number>; batch: Shape; slot: PhaseSlot };
  const templates = new Map<A.PhaseDecl, Template>();
  let carriedMix = baseMix;
  let carriedBatch: Shape = { shape: "constant", value: sequences };
  const prepare = (phase: Located<A.PhaseDecl>): PhaseSlot => {
    const mix = phase.node.mixes[0]
      ? resolveMix({ node: phase.node.mixes[0], source: phase.source }) ?? carriedMix
      : carriedMix;
    const batchSetting = phase.node.settings.find((s) => s.key === "batch");
    const batch = batchSetting
      // Batch shapes are n-free (BATCH_SHAPES), so neither the length nor positions matter here.
      ? settingShape(
        { node: batchSetting, source: phase.source },
        carriedBatch,
        sequences!,
        1,
        (m) => m.value,
        "the batch size",
      ) ??
        carriedBatch
      : carriedBatch;
    carriedMix = mix;
    carriedBatch = { shape: "constant", value: shapeEndValue(batch, 1) };
    const slot: PhaseSlot = { phase, rate: { batch: meanValue(batch), context: ctx } };
    templates.set(phase.node, { mix, batch, slot });
    return slot;
  };
  const schedule = eff.schedule;
  const items: TimelineItem[] = [];
  for (const item of schedule.node) {
    if (item.kind === "phase") {
      items.push({ kind: "phase", slot: prepare({ node: item, source: schedule.source }) });
      continue;
    }
    const at = (node: A.Expr): Located<A.Expr> => ({ node, source: schedule.source });
    const count = read.number(at(item.count), "the number of cycles", {
      min: 1,
      max: MAX_CYCLES,
      integer: true,
    });
    const mult = item.mult
      ? read.number(at(item.mult), "the period multiplier", { min: 0, exclusive: true })
      : 1;
    if (!item.phases.length) {
      report("R0008", { node: item, source: schedule.source }, "A `cycles` block needs at least one phase");
    }
    if (count === null || mult === null || !item.phases.length) continue;
    items.push({
      kind: "cycles",
      decl: { node: item, source: schedule.source },
      count,
      mult,
      slots: item.phases.map((p) => prepare({ node: p, source: schedule.source })),
    });
  }
  if (errorsSince()) return null;
  if (!items.length) {
    report(
      "R0008",
      { node: { span: recipe.nameSpan }, source: home },
      "The schedule has no phases",
      "add at least one phase, e.g. `stable rest`",
    );
    return null;
  }
  if (errorsSince()) return null;
  const phaseCount = items.reduce(
    (sum, item) => sum + (item.kind === "phase" ? 1 : item.count * item.slots.length),
    0,
  );
  if (phaseCount > MAX_PHASES) {
    const biggest = items.filter((item) => item.kind === "cycles")
      .sort((a, b) => b.count * b.slots.length - a.count * a.slots.length)[0];
    report(
      "R0030",
      biggest ? biggest.decl : { node: { span: recipe.nameSpan }, source: home },
      `The schedule makes ${formatCount(phaseCount)} phases${
        biggest ? ` (this block: ${biggest.count} cycles x ${biggest.slots.length} phases)` : ""
      }, more than the limit of ${formatCount(MAX_PHASES)}`,
      "use fewer cycles or fewer phases per cycle",
    );
    return null;
  }
  const timeline = placePhases(
    { unit: budget.unit as BudgetUnit, value: budget.value },
    items,
    (q) => read.measure(q, "the duration", ["steps", "tokens", "samples", "%"], true),
    diagnostics,
  );
  if (!timeline) return null;
  const T = timeline.steps;
  if (T > MAX_STEPS) {
    report(
      "R0030",
      eff.budget!,
      `The plan has ${formatCount(T)} updates; a plan can have at most ${formatCount(MAX_STEPS)}`,
      "check the budget and its unit",
    );
    return null;
  }

  // Pass B: shapes, names and checkpoints of every placed phase.
  const phases: Phase[] = [];
  const checkpoints: PendingCheckpoint[] = [];
  const names = new Set<string>();
  let previousEnd = init?.lr ?? peak;
  let cycleEntry = previousEnd;
  let carriedDecay: Shape = { shape: "constant", value: weightDecay };
  /** The weight decay in effect before the first repetition of each phase of a `cycles` block. */
  const decayBeforeCycle = new Map<A.PhaseDecl, Shape>();
  const spans = timeline.phases.map((p) => ({
    start: p.start,
    end: p.end,
    offset: p.slot.phase.node.inclusive ? 1 as const : 0 as const,
    batch: templates.get(p.slot.phase.node)!.batch,
  }));
  for (const [index, placed] of timeline.phases.entries()) {
    const decl = placed.slot.phase.node;
    const source = placed.slot.phase.source;
    const template = templates.get(decl)!;
    const n = placed.end - placed.start;
    const localUpdates = (m: Measured) => updatesToReach([spans[index]], ctx, m.value, m.unit as BudgetUnit);
    const keywordAt = { node: { span: decl.keywordSpan }, source };
    const option = (key: string) => decl.options.find((o) => o.key === key);
    const lrOption = (key: string) => {
      const o = option(key);
      return o ? read.number({ node: o.expr, source }, `the LR (${key})`, { base: peak, min: 0 }) : undefined;
    };
    const previous = timeline.phases[index - 1];
    const restart = placed.cycle !== null &&
      (index === 0 || previous.block !== placed.block || previous.cycle !== placed.cycle);
    if (restart && placed.cycle === 0) cycleEntry = previousEnd;
    else if (restart) previousEnd = cycleEntry;
    const first = index === 0;
    const defaults: Record<A.PhaseKeyword, { shape: ShapeName; from: number; to: number | null }> = {
      warmup: { shape: "linear", from: 0, to: peak },
      rewarm: { shape: "linear", from: first ? init?.lr ?? 0 : previousEnd, to: peak },
      stable: { shape: "constant", from: previousEnd, to: null },
      decay: { shape: "linear", from: previousEnd, to: 0 },
      cooldown: { shape: "linear", from: previousEnd, to: 0 },
      phase: { shape: "constant", from: previousEnd, to: null },
    };
    const d = defaults[decl.keyword];
    const shapeName = decl.shape?.name ?? d.shape;
    if (decl.keyword === "stable" && shapeName !== "constant") {
      report(
        "R0020",
        { node: decl.shape!, source },
        "A stable phase holds one LR",
        `use \`decay\` or \`phase "name"\` for a ${shapeName} shape`,
      );
      continue;
    }
    const noTo = shapeName === "constant" || shapeName === "inverse-sqrt" || shapeName === "step";
    if (noTo && option("to")) {
      report(
        "R0020",
        { node: option("to")!, source },
        `A ${shapeName} phase has no \`to\``,
        shapeName === "constant"
          ? "use `at` (or `from`) for its value, or give it a shape"
          : `its end follows from ${shapeName === "step" ? "the factor and milestones" : "the timescale"}`,
      );
      continue;
    }
    if (!noTo && d.to === null && !option("to")) {
      report(
        "R0020",
        { node: decl.shape!, source },
        `A ${shapeName} phase needs \`to\``,
        `write where it ends, e.g. \`${shapeName} to 0.1x\``,
      );
      continue;
    }
    if (decl.name === "") {
      report("R0009", keywordAt, "A phase name cannot be empty", 'name it, e.g. phase "anneal"');
      continue;
    }
    if (shapeName !== "constant" && option("at")) {
      report(
        "R0020",
        { node: option("at")!, source },
        "The option `at` sets the value of a constant phase",
        "use `from` and `to` with a shape",
      );
      continue;
    }
    const from = lrOption("from") ?? lrOption("at") ?? d.from;
    const to = lrOption("to") ?? d.to ?? from;
    if (from === null || to === null) continue;
    const written = (key: string) => option(key) ? { node: option(key)!.expr, source } : undefined;
    const lr = buildShape({
      name: shapeName,
      spec: decl.shape ? { node: decl.shape, source } : null,
      at: keywordAt,
      ends: { from: written("from") ?? written("at"), to: written("to") },
      from,
      to,
      n,
      localUpdates,
      defaultTimescale: index > 0 ? timeline.phases[index - 1].end - timeline.phases[index - 1].start : null,
      what: "the LR",
    }, read);
    if (!lr) continue;
    const startValue = shapeValue(lr, 0, n, 0);
    if (
      !first && !restart && decl.keyword !== "rewarm" &&
      Math.abs(startValue - previousEnd) > 1e-9 * Math.max(startValue, previousEnd)
    ) {
      const at = option("from") ?? option("at");
      report(
        "W0001",
        at ? { node: at, source } : keywordAt,
        `The LR jumps from ${formatNumber(previousEnd)} to ${
          formatNumber(startValue)
        } at update ${placed.start}`,
        "drop `from` to continue where the previous phase ends, or use `rewarm`",
      );
    }
    previousEnd = shapeEndValue(lr, n);

    const decaySetting = decl.settings.find((s) => s.key === "weight_decay");
    // Every repetition of a cycle starts its weight decay from what was in effect before the first one.
    if (placed.cycle === 0) decayBeforeCycle.set(decl, carriedDecay);
    const decayBefore: Shape = placed.cycle ? decayBeforeCycle.get(decl)! : carriedDecay;
    const weightDecayShape: Shape | null = decaySetting
      ? settingShape(
        { node: decaySetting, source },
        decayBefore,
        weightDecay,
        n,
        localUpdates,
        "the weight decay",
      )
      : carriedDecay;
    if (!weightDecayShape) continue;
    carriedDecay = { shape: "constant", value: shapeEndValue(weightDecayShape, n) };

    const base = decl.name ?? decl.keyword;
    let phaseName = placed.cycle === null ? base : `cycle${placed.cycle + 1}.${base}`;
    for (let k = 2; names.has(phaseName); k++) {
      phaseName = `${placed.cycle === null ? base : `cycle${placed.cycle + 1}.${base}`}-${k}`;
    }
    names.add(phaseName);
    phases.push({
      name: phaseName,
      kind: decl.keyword === "cooldown" ? "decay" : decl.keyword,
      start: placed.start,
      end: placed.end,
      offset: decl.inclusive ? 1 : 0,
      lr,
      weightDecay: weightDecayShape,
      batch: template.batch,
      mix: template.mix,
      ...(placed.cycle === null ? {} : { cycle: placed.cycle }),
      origin: originOf(source, decl.keywordSpan),
    });

    const phaseFrame: CheckpointFrame = {
      start: placed.start,
      end: placed.end,
      toStep: (m) => placed.start + roundHalfUp(m.unit === "%" ? (m.value / 100) * n : localUpdates(m)),
      prefix: phaseName,
      suffix: placed.cycle === null ? "" : `-${placed.cycle + 1}`,
    };
    for (const stmt of decl.checkpoints) {
      checkpoints.push(...resolveCheckpoint({ node: stmt, source }, phaseFrame, read, originOf));
    }
  }
  if (errorsSince()) return null;

  // Recipe-level checkpoints and the final one.
  const planFrame: CheckpointFrame = {
    start: 0,
    end: T,
    toStep: (m) =>
      roundHalfUp(
        m.unit === "%"
          ? updatesToReach(spans, ctx, (m.value / 100) * budget.value, budget.unit as BudgetUnit)
          : updatesToReach(spans, ctx, m.value, m.unit),
      ),
    prefix: null,
    suffix: "",
  };
  for (const stmt of eff.checkpoints) checkpoints.push(...resolveCheckpoint(stmt, planFrame, read, originOf));
  const byName = new Map<string, Checkpoint>();
  for (const { at, ...checkpoint } of checkpoints) {
    if (checkpoint.name === "final" || checkpoint.name === "") {
      report(
        "R0004",
        at,
        checkpoint.name
          ? 'The checkpoint name "final" is reserved for the weights after the last update'
          : "A checkpoint name cannot be empty",
        "choose another name",
      );
      continue;
    }
    const problem = fileNameProblem(checkpoint.name);
    if (problem) {
      report(
        "R0025",
        at,
        `The checkpoint name ${JSON.stringify(checkpoint.name)} names a directory of the run, but ${problem}`,
        FILE_NAME_HINT,
      );
      continue;
    }
    const other = byName.get(checkpoint.name);
    if (other && other.step !== checkpoint.step) {
      report(
        "R0004",
        at,
        `Checkpoint name "${checkpoint.name}" is used twice (steps ${other.step} and ${checkpoint.step})`,
        "give each checkpoint its own name",
      );
      continue;
    }
    byName.set(checkpoint.name, checkpoint);
  }
  byName.set("final", { name: "final", step: T, origin: originOf(home, recipe.nameSpan) });
  if (errorsSince()) return null;

  // Warnings.
  const warmupSteps = phases.filter((p) => p.kind === "warmup").reduce((sum, p) => sum + p.end - p.start, 0);
  if (warmupSteps > 0.25 * T) {
    const warmup = timeline.phases.find((p) => p.slot.phase.node.keyword === "warmup")!;
    report(
      "W0002",
      { node: { span: warmup.slot.phase.node.keywordSpan }, source: warmup.slot.phase.source },
      `Warmup takes ${warmupSteps} of ${T} updates (${formatNumber((100 * warmupSteps) / T)}%)`,
      "warmup rarely needs more than a few percent of the budget",
    );
  }
  const used = new Set(phases.flatMap((p) => Object.keys(p.mix)));
  for (const s of recipe.sources) {
    if (!used.has(s.name)) {
      report(
        "W0003",
        { node: { span: s.nameSpan }, source: home },
        `Source "${s.name}" is declared but no mixture uses it`,
        "add it to a mix or remove it",
      );
    }
  }

  const plan = {
    version: PLAN_VERSION,
    name: options.name ?? recipe.name,
    steps: T,
    context: ctx,
    budget: { unit: budget.unit as "steps", value: budget.value },
    optimizer: { kind: "adamw", lr: peak, betas: betas as [number, number], eps, weightDecay, clip },
    model,
    sources: sources.filter((s) => used.has(s.name)),
    phases,
    checkpoints: [...byName.values()].sort((a, b) =>
      a.step - b.step || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    ),
    init,
    ...(options.sweep ? { sweep: options.sweep } : {}),
    file: home.path,
  };
  const parsed = PlanSchema.safeParse(plan);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Only the plan's name (a sweep appends its values to the recipe's) is not checked before this point.
    const badName = issue.path.length === 1 && issue.path[0] === "name";
    report(
      badName ? "R0025" : "R0009",
      { node: { span: recipe.nameSpan }, source: home },
      `The plan is invalid at ${issue.path.join(".")}: ${issue.message}`,
      badName ? FILE_NAME_HINT : undefined,
    );
    return null;
  }
  // Every number was checked where it was read; this is the net under those checks (values that only go
  // wrong in combination, at some update), so that no plan the compiler returns feeds a trainer NaN.
  const problems = planProblems(parsed.data);
  if (problems.length) {
    const index = Number(problems[0].match(/^phases\[(\d+)\]/)?.[1] ?? -1);
    const phase = timeline.phases[index]?.slot.phase;
    report(
      "R0009",
      phase
        ? { node: { span: phase.node.keywordSpan }, source: phase.source }
        : { node: { span: recipe.nameSpan }, source: home },
      `The plan would be invalid: ${problems[0]}`,
      "check the values of this phase; each must stay a finite number >= 0 at every update",
    );
    return null;
  }
  return parsed.data;
}
