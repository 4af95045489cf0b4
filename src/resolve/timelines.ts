/**
 * Quantities with schedules of their own (`schedule weight_decay { ... }`, `schedule beta2 { ... }`):
 * phases over the same budget as the LR's, with the same keywords, shapes and options, whose defaults
 * refer to the quantity's base value instead of the peak LR (a warmup rises to it, `0.5x` is half of it).
 * Their lengths in tokens or samples are measured against the real batch and context of every update.
 * Batch and context schedules are placed first (rate_timelines.ts), since every other position depends on
 * them.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { formatCount, formatNumber } from "../diagnostics/format_number.ts";
import {
  SCHEDULE_WORDS,
  type Segment,
  type Shape,
  type TimelineName,
  type Timelines,
} from "../plan/schema.ts";
import { MAX_BATCH } from "../plan/invariants.ts";
import { shapeEndValue, shapeValue } from "../plan/shape_value.ts";
import { type At, hasNewErrors, type RecipeContext, report } from "./context.ts";
import { type BudgetUnit, type Measured, placePhases } from "./durations.ts";
import type { Located } from "./effective.ts";
import { checkPhaseOptions, keywordDefaults, phaseIdentity } from "./phases.ts";
import type { RateMap } from "../plan/rates.ts";
import { buildShape } from "./shapes.ts";
import type { NumberRule } from "./values.ts";
import type { Budget } from "./settings.ts";
import { checkPhaseCount, measureDuration, scheduleItems } from "./timeline.ts";

/** The values the scheduled quantities have without a schedule: what their `x` values multiply. */
export interface TimelineBases {
  /** Sequences per update (`batch S x C`). */
  batch: number;
  /** Tokens per sequence: the most a context schedule may give. */
  context: number;
  weightDecay: number;
  betas: readonly [number, number];
  /** The optimizer's clip, or null for none (then `clip` values are absolute only). */
  clip: number | null;
  /** The EMA's decay, or null for a recipe without `ema` (whose `schedule ema` is refused). */
  emaDecay: number | null;
}

/** How a quantity is named in messages, and the rule its values obey. */
interface QuantityRule {
  what: string;
  rule: (bases: TimelineBases) => NumberRule;
}

/** Every quantity a schedule of its own can set. */
export const QUANTITIES: Record<A.TimelineQuantity, QuantityRule> = {
  batch: {
    what: "the batch size",
    rule: (b) => ({
      base: b.batch,
      min: 1,
      max: MAX_BATCH,
      maxHint: `a batch is at most ${formatCount(MAX_BATCH)} sequences per update`,
    }),
  },
  context: {
    what: "the context",
    rule: (b) => ({
      base: b.context,
      min: 1,
      max: b.context,
      maxHint:
        `the context is at most the recipe's ${b.context} tokens (\`batch S x C\`; the model's positions)`,
    }),
  },
  weight_decay: {
    what: "the weight decay",
    rule: (b) => ({ base: b.weightDecay, min: 0 }),
  },
  beta1: { what: "beta1", rule: (b) => ({ base: b.betas[0], min: 0, max: 0.999999 }) },
  beta2: { what: "beta2", rule: (b) => ({ base: b.betas[1], min: 0, max: 0.999999 }) },
  clip: {
    what: "the clipping threshold",
    rule: (b) => ({ base: b.clip ?? undefined, min: 0, exclusive: true }),
  },
  ema: {
    what: "the EMA decay",
    rule: (b) => ({ base: b.emaDecay ?? undefined, min: 0, max: 0.999999 }),
  },
};

/** The base value of a quantity (what its warmup rises to, what `x` multiplies; 0 for none). */
export function baseOf(quantity: A.TimelineQuantity, bases: TimelineBases): number {
  return QUANTITIES[quantity].rule(bases).base ?? 0;
}

/** The plan's name of each quantity, from the recipe's word for it. */
const PLAN_NAMES = Object.fromEntries(
  Object.entries(SCHEDULE_WORDS).map(([plan, word]) => [word, plan]),
) as Record<A.TimelineQuantity, TimelineName>;

/** One phase of a quantity's schedule, placed. */
export interface TimelinePhase {
  decl: Located<A.PhaseDecl>;
  start: number;
  end: number;
  cycle: number | null;
  /** Whether it starts a repetition of a `cycles` block. */
  restart: boolean;
}

/**
 * Gives the phases of one quantity's schedule their shapes, in order: each starts where the one before it
 * ends (its `from` defaults to that), a cycle's repetitions restart from where the block began, and names
 * are made unique as the LR phases' are.
 */
export class TimelineShaper {
  #previousEnd: number;
  #cycleEntry: number;
  readonly #names = new Set<string>();
  readonly #quantity: QuantityRule;

  constructor(
    readonly context: RecipeContext,
    readonly timeline: Located<A.TimelineDecl>,
    readonly bases: TimelineBases,
    readonly rates: RateMap | null,
  ) {
    this.#previousEnd = baseOf(timeline.node.quantity, bases);
    this.#cycleEntry = this.#previousEnd;
    this.#quantity = QUANTITIES[timeline.node.quantity];
  }

  /** The shape of a phase of `n` updates, or null after a diagnostic. */
  shape(phase: TimelinePhase, first: boolean): Shape | null {
    if (phase.restart && phase.cycle === 0) this.#cycleEntry = this.#previousEnd;
    else if (phase.restart) this.#previousEnd = this.#cycleEntry;
    const { node: decl, source } = phase.decl;
    const base = baseOf(this.timeline.node.quantity, this.bases);
    const d = keywordDefaults(decl.keyword, first, { peak: base, initLr: null }, this.#previousEnd);
    const shapeName = decl.shape?.name ?? d.shape;
    if (!checkPhaseOptions(this.context, decl, source, shapeName, d.to)) return null;
    const option = (key: string) => decl.options.find((o) => o.key === key);
    const rule = this.#quantity.rule(this.bases);
    const read = (key: string) => {
      const o = option(key);
      return o
        ? this.context.read.number({ node: o.expr, source }, `${this.#quantity.what} (${key})`, rule)
        : undefined;
    };
    // undefined: not written; null: written and reported.
    const [writtenFrom, writtenAt, writtenTo] = [read("from"), read("at"), read("to")];
    if (writtenFrom === null || writtenAt === null || writtenTo === null) return null;
    const from = writtenFrom ?? writtenAt ?? d.from;
    const to = writtenTo ?? d.to ?? from;
    const written = (key: string) => option(key) ? { node: option(key)!.expr, source } : undefined;
    const n = phase.end - phase.start;
    const shape = buildShape({
      name: shapeName,
      spec: decl.shape ? { node: decl.shape, source } : null,
      at: { node: { span: decl.keywordSpan }, source },
      ends: { from: written("from") ?? written("at"), to: written("to") },
      from,
      to,
      n,
      localUpdates: (m: Measured) =>
        this.rates ? this.rates.localUpdates(phase.start, m.value, m.unit as BudgetUnit) : m.value,
      defaultTimescale: null,
      what: this.#quantity.what,
    }, this.context.read);
    if (!shape || !this.#positiveClip(phase, shape)) return null;
    this.#previousEnd = shapeEndValue(shape, n);
    return shape;
  }

  /** For a clip schedule: whether the phase's first and last updates clip at a threshold > 0 (R0009). */
  #positiveClip(phase: TimelinePhase, shape: Shape): boolean {
    if (this.timeline.node.quantity !== "clip") return true;
    const n = phase.end - phase.start;
    const offset = phase.decl.node.inclusive ? 1 : 0;
    const lowest = Math.min(shapeValue(shape, 0, n, offset), shapeValue(shape, n - 1, n, offset));
    if (lowest > 0) return true;
    report(
      this.context.diagnostics,
      "R0009",
      { node: { span: phase.decl.node.keywordSpan }, source: phase.decl.source },
      `This phase would clip gradients at a threshold of ${formatNumber(lowest)}; a threshold must be > 0`,
      this.bases.clip === null
        ? "the optimizer says `clip none`: give the schedule's values, e.g. `stable rest at 1.0`"
        : "give the phase a start above 0, e.g. `warmup 10% from 0.5` (a warmup rises from 0)",
    );
    return false;
  }

  /** The plan's segment of a shaped phase. */
  segment(phase: TimelinePhase, value: Shape): Segment {
    const { name, kind, start, end, offset, cycle, origin } = phaseIdentity(phase.decl, phase, this.#names);
    return { name, kind, start, end, offset, value, ...(cycle === undefined ? {} : { cycle }), origin };
  }
}

/**
 * Whether a quantity's schedule has phases (R0008 if not) and none of them has a body (R0039 for each that
 * has one).
 */
export function checkTimelineBodies(context: RecipeContext, timeline: Located<A.TimelineDecl>): boolean {
  if (!timeline.node.items.length) {
    report(
      context.diagnostics,
      "R0008",
      { node: timeline.node, source: timeline.source },
      `The ${timeline.node.quantity} schedule has no phases`,
      "add at least one phase, e.g. `stable rest`, or remove the block",
    );
    return false;
  }
  let ok = true;
  const phases = timeline.node.items.flatMap((item) => item.kind === "phase" ? [item] : item.phases);
  for (const phase of phases) {
    const inBody = [...phase.mixes, ...phase.settings, ...phase.checkpoints][0];
    if (!inBody) continue;
    ok = false;
    report(
      context.diagnostics,
      "R0039",
      { node: inBody, source: timeline.source },
      `A phase of the ${timeline.node.quantity} schedule takes no mixture, setting or checkpoint`,
      "write them in the phases of the LR schedule (`schedule { ... }`)",
    );
  }
  return ok;
}

/**
 * Whether no quantity with a schedule of its own is also set in a phase of the LR schedule, nor the batch
 * when the context has a schedule (R0038 at each such setting).
 */
export function checkScheduledOnce(
  context: RecipeContext,
  schedule: Located<(A.PhaseDecl | A.CyclesDecl)[]>,
  timelines: ReadonlyMap<A.TimelineQuantity, Located<A.TimelineDecl>>,
): boolean {
  let ok = true;
  const phases = schedule.node.flatMap((item) => item.kind === "phase" ? [item] : item.phases);
  for (const setting of phases.flatMap((p) => p.settings)) {
    // The walk of a context schedule counts the batch of every update, so the batch cannot change in a phase.
    const own = timelines.get(setting.key) ??
      (setting.key === "batch" ? timelines.get("context") : undefined);
    if (!own) continue;
    ok = false;
    const at: At = { node: setting, source: schedule.source };
    report(
      context.diagnostics,
      "R0038",
      at,
      own.node.quantity === setting.key
        ? `The ${setting.key} has a schedule of its own (line ${
          own.source.position(own.node.span.start).line
        }), so a phase cannot set it`
        : `With a context schedule (line ${
          own.source.position(own.node.span.start).line
        }), the batch changes in its own schedule only`,
      `set it in \`schedule ${setting.key} { ... }\` only`,
    );
  }
  return ok;
}

/**
 * The schedules of weight decay, betas and clip: placed against the plan's real rates, shaped in order.
 * Returns the plan's timelines for them, or null after a diagnostic.
 */
export function resolveOtherTimelines(
  context: RecipeContext,
  timelines: ReadonlyMap<A.TimelineQuantity, Located<A.TimelineDecl>>,
  bases: TimelineBases,
  budget: Budget,
  rates: RateMap,
  steps: number,
): Timelines | null {
  const result: Timelines = {};
  for (const [quantity, timeline] of timelines) {
    if (quantity === "batch" || quantity === "context") continue;
    if (quantity === "ema" && bases.emaDecay === null) {
      report(
        context.diagnostics,
        "R0039",
        { node: { span: timeline.node.quantitySpan }, source: timeline.source },
        "`schedule ema` sets the decay of an EMA of the weights, and the recipe keeps none",
        'add `ema "ema" decay 0.999` at recipe level',
      );
      return null;
    }
    const segments = placeTimeline(context, timeline, bases, budget, rates, steps);
    if (!segments) return null;
    result[PLAN_NAMES[quantity]] = segments;
  }
  return result;
}

/** One quantity's schedule as segments, or null after a diagnostic. */
function placeTimeline(
  context: RecipeContext,
  timeline: Located<A.TimelineDecl>,
  bases: TimelineBases,
  budget: Budget,
  rates: RateMap,
  steps: number,
): Segment[] | null {
  if (!checkTimelineBodies(context, timeline)) return null;
  const rate = { batch: bases.batch, context: bases.context };
  const items = scheduleItems(
    context,
    { node: timeline.node.items, source: timeline.source },
    (phase) => ({ phase, rate }),
  );
  if (hasNewErrors(context) || !checkPhaseCount(context, items)) return null;
  const placed = placePhases(
    budget,
    items,
    measureDuration(context),
    context.diagnostics,
    rates,
    `the ${timeline.node.quantity} schedule`,
  );
  if (!placed) return null;
  if (placed.steps !== steps) {
    throw new Error(
      `The ${timeline.node.quantity} schedule covers ${placed.steps} updates, the plan ${steps}`,
    );
  }
  const shaper = new TimelineShaper(context, timeline, bases, rates);
  const segments: Segment[] = [];
  for (const [index, p] of placed.phases.entries()) {
    const previous = placed.phases[index - 1];
    const phase: TimelinePhase = {
      decl: p.slot.phase,
      start: p.start,
      end: p.end,
      cycle: p.cycle,
      restart: p.cycle !== null &&
        (index === 0 || previous.block !== p.block || previous.cycle !== p.cycle),
    };
    const shape = shaper.shape(phase, index === 0);
    if (!shape) return null;
    segments.push(shaper.segment(phase, shape));
  }
  return segments;
}
