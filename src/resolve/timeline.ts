/**
 * The timeline: the mixture and batch in effect in every phase (carried forward from phase to phase), hence
 * its rate, then every phase placed in updates within the budget, under the limits on phases and updates.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { formatCount } from "../diagnostics/format_number.ts";
import type { Shape } from "../plan/schema.ts";
import { shapeEndValue } from "../plan/shape_value.ts";
import { hasNewErrors, type RecipeContext, recipeNameAt, report } from "./context.ts";
import { type Measured, type PhaseSlot, placePhases, type Timeline, type TimelineItem } from "./durations.ts";
import type { Located } from "./effective.ts";
import { type Mixture, type MixtureScope, resolveMixture } from "./mixtures.ts";
import { meanValue, settingShape } from "./phase_settings.ts";
import type { Budget } from "./settings.ts";
import type { RateMap } from "../plan/rates.ts";

/** The most updates a plan can have (the schedule table indexes them with 32-bit integers). */
export const MAX_STEPS = 2 ** 31 - 1;

/** The most repetitions a `cycles` block may have. */
export const MAX_CYCLES = 10_000;

/** The most phases a plan may have, counting each repetition of a `cycles` block's phases. */
export const MAX_PHASES = 10_000;

/** What a phase declaration resolves to before it is placed: its mixture, its batch and its slot. */
export interface PhaseTemplate {
  mix: Mixture;
  batch: Shape;
  slot: PhaseSlot;
}

/**
 * The placed schedule, and the template of every phase declaration (a `cycles` block's phases have one
 * each).
 */
export interface PlacedSchedule {
  timeline: Timeline;
  templates: Map<A.PhaseDecl, PhaseTemplate>;
}

/** What the schedule starts from: the recipe's mixture, batch, context and budget. */
export interface ScheduleStart {
  mix: Mixture;
  sequences: number;
  context: number;
  budget: Budget;
}

/** The mixture and batch carried from one phase to the next while the templates are made. */
interface Carried {
  mix: Mixture;
  batch: Shape;
}

/**
 * Places the recipe's schedule, or returns null after a diagnostic. With `rates` (a batch or context
 * schedule), positions in other units are measured against them.
 */
export function placeSchedule(
  mixtures: MixtureScope,
  schedule: Located<(A.PhaseDecl | A.CyclesDecl)[]>,
  start: ScheduleStart,
  rates: RateMap | null = null,
): PlacedSchedule | null {
  const context = mixtures.context;
  const templates = new Map<A.PhaseDecl, PhaseTemplate>();
  const carried: Carried = { mix: start.mix, batch: { shape: "constant", value: start.sequences } };
  const items = scheduleItems(
    context,
    schedule,
    (phase) => prepareTemplate(mixtures, phase, carried, start, templates),
  );
  if (hasNewErrors(context)) return null;
  if (!items.length) {
    report(
      context.diagnostics,
      "R0008",
      recipeNameAt(context.effective),
      "The schedule has no phases",
      "add at least one phase, e.g. `stable rest`",
    );
    return null;
  }
  if (!checkPhaseCount(context, items)) return null;
  const timeline = placePhases(start.budget, items, measureDuration(context), context.diagnostics, rates);
  if (!timeline) return null;
  if (timeline.steps > MAX_STEPS) {
    report(
      context.diagnostics,
      "R0030",
      context.effective.budget!,
      `The plan has ${formatCount(timeline.steps)} updates; a plan can have at most ${
        formatCount(MAX_STEPS)
      }`,
      "check the budget and its unit",
    );
    return null;
  }
  return { timeline, templates };
}

/** The template of one phase declaration: the mixture and batch in effect (it carries them on). */
function prepareTemplate(
  mixtures: MixtureScope,
  phase: Located<A.PhaseDecl>,
  carried: Carried,
  start: ScheduleStart,
  templates: Map<A.PhaseDecl, PhaseTemplate>,
): PhaseSlot {
  const mix = phase.node.mixes[0]
    ? resolveMixture(mixtures, { node: phase.node.mixes[0], source: phase.source }) ?? carried.mix
    : carried.mix;
  const batchSetting = phase.node.settings.find((s) => s.key === "batch");
  const batch = batchSetting
    // Batch shapes are n-free (BATCH_SHAPES), so neither the length nor positions matter here.
    ? settingShape(mixtures.context, {
      setting: { node: batchSetting, source: phase.source },
      carried: carried.batch,
      base: start.sequences,
      n: 1,
      localUpdates: (m) => m.value,
      what: "the batch size",
    }) ?? carried.batch
    : carried.batch;
  carried.mix = mix;
  carried.batch = { shape: "constant", value: shapeEndValue(batch, 1) };
  const slot: PhaseSlot = { phase, rate: { batch: meanValue(batch), context: start.context } };
  templates.set(phase.node, { mix, batch, slot });
  return slot;
}

/**
 * The phases and `cycles` blocks of a schedule as items to place, in order, each phase made a slot by
 * `slotOf`; a `cycles` block that does not read is left out (after its diagnostic).
 */
export function scheduleItems(
  context: RecipeContext,
  schedule: Located<readonly (A.PhaseDecl | A.CyclesDecl)[]>,
  slotOf: (phase: Located<A.PhaseDecl>) => PhaseSlot,
): TimelineItem[] {
  const { source } = schedule;
  const items: TimelineItem[] = [];
  for (const item of schedule.node) {
    if (item.kind === "phase") {
      items.push({ kind: "phase", slot: slotOf({ node: item, source }) });
      continue;
    }
    const cycles = readCycles(context, { node: item, source });
    if (cycles) items.push({ ...cycles, slots: item.phases.map((p) => slotOf({ node: p, source })) });
  }
  return items;
}

/** How a phase's duration is read: steps, tokens, samples or % of the budget, `rest` allowed. */
export function measureDuration(context: RecipeContext): (q: Located<A.Quantity>) => Measured | null {
  return (q) => context.read.measure(q, "the duration", ["steps", "tokens", "samples", "%"], true);
}

/** A `cycles` block's count and multiplier, or null after a diagnostic (or for a block without phases). */
export function readCycles(
  context: RecipeContext,
  decl: Located<A.CyclesDecl>,
): { kind: "cycles"; decl: Located<A.CyclesDecl>; count: number; mult: number } | null {
  const at = (node: A.Expr): Located<A.Expr> => ({ node, source: decl.source });
  const count = context.read.number(at(decl.node.count), "the number of cycles", {
    min: 1,
    max: MAX_CYCLES,
    integer: true,
  });
  const mult = decl.node.mult
    ? context.read.number(at(decl.node.mult), "the period multiplier", { min: 0, exclusive: true })
    : 1;
  if (!decl.node.phases.length) {
    report(context.diagnostics, "R0008", decl, "A `cycles` block needs at least one phase");
  }
  if (count === null || mult === null || !decl.node.phases.length) return null;
  return { kind: "cycles", decl, count, mult };
}

/** Whether the schedule makes at most {@link MAX_PHASES} phases; reports R0030 when it makes more. */
export function checkPhaseCount(context: RecipeContext, items: TimelineItem[]): boolean {
  const phaseCount = items.reduce(
    (sum, item) => sum + (item.kind === "phase" ? 1 : item.count * item.slots.length),
    0,
  );
  if (phaseCount <= MAX_PHASES) return true;
  const biggest = items.filter((item) => item.kind === "cycles")
    .sort((a, b) => b.count * b.slots.length - a.count * a.slots.length)[0];
  report(
    context.diagnostics,
    "R0030",
    biggest ? biggest.decl : recipeNameAt(context.effective),
    `The schedule makes ${formatCount(phaseCount)} phases${
      biggest ? ` (this block: ${biggest.count} cycles x ${biggest.slots.length} phases)` : ""
    }, more than the limit of ${formatCount(MAX_PHASES)}`,
    "use fewer cycles or fewer phases per cycle",
  );
  return false;
}
