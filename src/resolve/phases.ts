/**
 * The phases of the placed timeline, in order: the LR shape of each (from its keyword's defaults, its shape
 * and `from`/`to`/`at`), its weight decay, its unique name and its checkpoints.
 *
 * Defaults a phase takes from its keyword (all overridable with a shape, `from`, `to` or `at`):
 * - `warmup`: linear from 0 to the peak LR.
 * - `rewarm`: linear from the LR before it (the parent checkpoint's LR when it comes first) to the peak.
 * - `stable`: holds the LR before it (the peak when it comes first); `at X` sets the value.
 * - `decay` / `cooldown`: linear from the LR before it to 0.
 * - `phase "name"`: constant at the LR before it, unless a shape and values are given.
 * Each repetition of a `cycles` block starts from the LR the first repetition started from (a restart).
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { formatNumber } from "../diagnostics/format_number.ts";
import type { Phase, Shape, ShapeName } from "../plan/schema.ts";
import { shapeEndValue, shapeValue } from "../plan/shape_value.ts";
import { type At, originOf, type RecipeContext, report } from "./context.ts";
import { type CheckpointFrame, type PendingCheckpoint, resolveCheckpoint } from "./checkpoints.ts";
import { type BudgetUnit, type Measured, type PlacedPhase, roundHalfUp } from "./durations.ts";
import type { RateMap } from "../plan/rates.ts";
import { settingShape } from "./phase_settings.ts";
import { buildShape } from "./shapes.ts";
import type { PlacedSchedule } from "./timeline.ts";
import type { Located } from "./effective.ts";

/** A resolved phase, with where its keyword was written (problems of the phase point there). */
export interface ResolvedPhase {
  phase: Phase;
  keyword: At;
}

/** The recipe-wide values the phases start from. */
export interface PhaseStart {
  /** The peak LR (what `0.1x` of an LR multiplies). */
  peak: number;
  /** The LR at the parent's checkpoint, for a recipe that starts from one. */
  initLr: number | null;
  /** The optimizer's weight decay. */
  weightDecay: number;
  /** Tokens per sequence. */
  context: number;
}

/** What carries from one phase to the next while the phases are walked in order. */
interface Walk {
  /** The LR at the end of the previous phase. */
  previousEnd: number;
  /** The LR a `cycles` block's repetitions restart from. */
  cycleEntry: number;
  carriedDecay: Shape;
  /** The weight decay in effect before the first repetition of each phase of a `cycles` block. */
  decayBeforeCycle: Map<A.PhaseDecl, Shape>;
  names: Set<string>;
}

/** One placed phase and where it sits. */
interface PhaseSite {
  placed: PlacedPhase;
  index: number;
  n: number;
  /** Whether the phase starts a repetition of a `cycles` block. */
  restart: boolean;
  localUpdates: (m: Measured) => number;
}

/**
 * The phases and their checkpoints; a phase with a problem is reported and left out (the caller stops at
 * the first error).
 */
export function resolvePhases(
  context: RecipeContext,
  schedule: PlacedSchedule,
  rates: RateMap,
  start: PhaseStart,
): { phases: ResolvedPhase[]; checkpoints: PendingCheckpoint[] } {
  const phases: ResolvedPhase[] = [];
  const checkpoints: PendingCheckpoint[] = [];
  const entry = start.initLr ?? start.peak;
  const walk: Walk = {
    previousEnd: entry,
    cycleEntry: entry,
    carriedDecay: { shape: "constant", value: start.weightDecay },
    decayBeforeCycle: new Map(),
    names: new Set(),
  };
  const placedPhases = schedule.timeline.phases;
  for (const [index, placed] of placedPhases.entries()) {
    const previous = placedPhases[index - 1];
    const restart = placed.cycle !== null &&
      (index === 0 || previous.block !== placed.block || previous.cycle !== placed.cycle);
    if (restart && placed.cycle === 0) walk.cycleEntry = walk.previousEnd;
    else if (restart) walk.previousEnd = walk.cycleEntry;
    const site: PhaseSite = {
      placed,
      index,
      n: placed.end - placed.start,
      restart,
      localUpdates: (m) => rates.localUpdates(placed.start, m.value, m.unit as BudgetUnit),
    };
    const previousLength = previous ? previous.end - previous.start : null;
    const lr = lrShape(context, site, walk, start, previousLength);
    if (!lr) continue;
    walk.previousEnd = shapeEndValue(lr, site.n);
    const weightDecay = weightDecayShape(context, site, walk, start.weightDecay);
    if (!weightDecay) continue;
    walk.carriedDecay = { shape: "constant", value: shapeEndValue(weightDecay, site.n) };
    const phase = makePhase(site, walk, lr, weightDecay, schedule.templates.get(placed.slot.phase.node)!);
    phases.push({
      phase,
      keyword: { node: { span: placed.slot.phase.node.keywordSpan }, source: placed.slot.phase.source },
    });
    checkpoints.push(...phaseCheckpoints(context, site, phase.name));
  }
  return { phases, checkpoints };
}

/** The LR shape of a phase (checking its keyword, options and continuity), or null after a diagnostic. */
function lrShape(
  context: RecipeContext,
  site: PhaseSite,
  walk: Walk,
  start: PhaseStart,
  previousLength: number | null,
): Shape | null {
  const { node: decl, source } = site.placed.slot.phase;
  const keywordAt = { node: { span: decl.keywordSpan }, source };
  const option = (key: string) => decl.options.find((o) => o.key === key);
  const lrOption = (key: string) => {
    const o = option(key);
    return o
      ? context.read.number({ node: o.expr, source }, `the LR (${key})`, { base: start.peak, min: 0 })
      : undefined;
  };
  const first = site.index === 0;
  const d = keywordDefaults(decl.keyword, first, start, walk.previousEnd);
  const shapeName = decl.shape?.name ?? d.shape;
  if (!checkPhaseOptions(context, decl, source, shapeName, d.to)) return null;
  const from = lrOption("from") ?? lrOption("at") ?? d.from;
  const to = lrOption("to") ?? d.to ?? from;
  if (from === null || to === null) return null;
  const written = (key: string) => option(key) ? { node: option(key)!.expr, source } : undefined;
  const lr = buildShape({
    name: shapeName,
    spec: decl.shape ? { node: decl.shape, source } : null,
    at: keywordAt,
    ends: { from: written("from") ?? written("at"), to: written("to") },
    from,
    to,
    n: site.n,
    localUpdates: site.localUpdates,
    defaultTimescale: first ? null : previousLength,
    what: "the LR",
  }, context.read);
  if (!lr) return null;
  const startValue = shapeValue(lr, 0, site.n, 0);
  const previousEnd = walk.previousEnd;
  if (
    !first && !site.restart && decl.keyword !== "rewarm" &&
    Math.abs(startValue - previousEnd) > 1e-9 * Math.max(startValue, previousEnd)
  ) {
    const at = option("from") ?? option("at");
    report(
      context.diagnostics,
      "W0001",
      at ? { node: at, source } : keywordAt,
      `The LR jumps from ${formatNumber(previousEnd)} to ${
        formatNumber(startValue)
      } at update ${site.placed.start}`,
      "drop `from` to continue where the previous phase ends, or use `rewarm`",
    );
  }
  const endValue = shapeEndValue(lr, site.n);
  if ((decl.keyword === "decay" || decl.keyword === "cooldown") && endValue > startValue * (1 + 1e-9)) {
    report(
      context.diagnostics,
      "W0007",
      option("to") ? { node: option("to")!, source } : keywordAt,
      `This ${decl.keyword} raises the LR from ${formatNumber(startValue)} to ${formatNumber(endValue)}`,
      'write `to` below where it starts, or use `rewarm` or `phase "name"` for a rise',
    );
  }
  return lr;
}

/**
 * The shape and ends a phase keyword implies, before the phase's own shape and options; `start.peak` is
 * what a warmup rises to (the peak LR, or a scheduled quantity's base value).
 */
export function keywordDefaults(
  keyword: A.PhaseKeyword,
  first: boolean,
  start: Pick<PhaseStart, "peak" | "initLr">,
  previousEnd: number,
): { shape: ShapeName; from: number; to: number | null } {
  switch (keyword) {
    case "warmup":
      return { shape: "linear", from: 0, to: start.peak };
    case "rewarm":
      return { shape: "linear", from: first ? start.initLr ?? 0 : previousEnd, to: start.peak };
    case "decay":
    case "cooldown":
      return { shape: "linear", from: previousEnd, to: 0 };
    case "stable":
    case "phase":
      return { shape: "constant", from: previousEnd, to: null };
  }
}

/** Whether the phase's shape and options fit its keyword (R0020) and its name is not empty (R0009). */
export function checkPhaseOptions(
  context: RecipeContext,
  decl: A.PhaseDecl,
  source: At["source"],
  shapeName: ShapeName,
  defaultTo: number | null,
): boolean {
  const option = (key: string) => decl.options.find((o) => o.key === key);
  const fail = (code: "R0020" | "R0009", node: { span: A.Span }, message: string, hint: string) => {
    report(context.diagnostics, code, { node, source }, message, hint);
    return false;
  };
  if (decl.keyword === "stable" && shapeName !== "constant") {
    return fail(
      "R0020",
      decl.shape!,
      "A stable phase holds one value",
      `use \`decay\` or \`phase "name"\` for a ${shapeName} shape`,
    );
  }
  const noTo = shapeName === "constant" || shapeName === "inverse-sqrt" || shapeName === "step";
  if (noTo && option("to")) {
    return fail(
      "R0020",
      option("to")!,
      `A ${shapeName} phase has no \`to\``,
      shapeName === "constant"
        ? "use `at` (or `from`) for its value, or give it a shape"
        : `its end follows from ${shapeName === "step" ? "the factor and milestones" : "the timescale"}`,
    );
  }
  if (!noTo && defaultTo === null && !option("to")) {
    return fail(
      "R0020",
      decl.shape!,
      `A ${shapeName} phase needs \`to\``,
      `write where it ends, e.g. \`${shapeName} to 0.1x\``,
    );
  }
  if (decl.name === "") {
    return fail(
      "R0009",
      { span: decl.keywordSpan },
      "A phase name cannot be empty",
      'name it, e.g. phase "anneal"',
    );
  }
  if (shapeName !== "constant" && option("at")) {
    return fail(
      "R0020",
      option("at")!,
      "The option `at` sets the value of a constant phase",
      "use `from` and `to` with a shape",
    );
  }
  return true;
}

/** The phase's weight decay: its `weight_decay` setting, or the one carried in; null after a diagnostic. */
function weightDecayShape(context: RecipeContext, site: PhaseSite, walk: Walk, base: number): Shape | null {
  const { node: decl, source } = site.placed.slot.phase;
  const decaySetting = decl.settings.find((s) => s.key === "weight_decay");
  // Every repetition of a cycle starts its weight decay from what was in effect before the first one.
  if (site.placed.cycle === 0) walk.decayBeforeCycle.set(decl, walk.carriedDecay);
  const decayBefore: Shape = site.placed.cycle ? walk.decayBeforeCycle.get(decl)! : walk.carriedDecay;
  if (!decaySetting) return walk.carriedDecay;
  return settingShape(context, {
    setting: { node: decaySetting, source },
    carried: decayBefore,
    base,
    n: site.n,
    localUpdates: site.localUpdates,
    what: "the weight decay",
  });
}

/** What a phase of the plan and a segment of a quantity's schedule share: where and what it is. */
export type PhaseIdentity = Pick<Phase, "name" | "kind" | "start" | "end" | "offset" | "cycle" | "origin">;

/**
 * A placed phase's identity: a name unique among `names` (`cycle2.decay`, `stable-2`; added to them), its
 * kind (a cooldown is a decay), updates, offset, cycle and origin.
 */
export function phaseIdentity(
  decl: Located<A.PhaseDecl>,
  span: { start: number; end: number; cycle: number | null },
  names: Set<string>,
): PhaseIdentity {
  const base = decl.node.name ?? decl.node.keyword;
  const stem = span.cycle === null ? base : `cycle${span.cycle + 1}.${base}`;
  let name = stem;
  for (let k = 2; names.has(name); k++) name = `${stem}-${k}`;
  names.add(name);
  return {
    name,
    kind: decl.node.keyword === "cooldown" ? "decay" : decl.node.keyword,
    start: span.start,
    end: span.end,
    offset: decl.node.inclusive ? 1 : 0,
    ...(span.cycle === null ? {} : { cycle: span.cycle }),
    origin: originOf(decl.source, decl.node.keywordSpan),
  };
}

/** The plan's phase: its identity and its shapes and mixture. */
function makePhase(
  site: PhaseSite,
  walk: Walk,
  lr: Shape,
  weightDecay: Shape,
  template: { mix: Record<string, number>; batch: Shape },
): Phase {
  const { name, kind, start, end, offset, cycle, origin } = phaseIdentity(
    site.placed.slot.phase,
    site.placed,
    walk.names,
  );
  return {
    name,
    kind,
    start,
    end,
    offset,
    lr,
    weightDecay,
    batch: template.batch,
    mix: template.mix,
    ...(cycle === undefined ? {} : { cycle }),
    origin,
  };
}

/** The checkpoints a phase's body declares; a position in % is of the phase. */
function phaseCheckpoints(context: RecipeContext, site: PhaseSite, phaseName: string): PendingCheckpoint[] {
  const { placed, n, localUpdates } = site;
  const frame: CheckpointFrame = {
    start: placed.start,
    end: placed.end,
    toStep: (m) => placed.start + roundHalfUp(m.unit === "%" ? (m.value / 100) * n : localUpdates(m)),
    prefix: phaseName,
    suffix: placed.cycle === null ? "" : `-${placed.cycle + 1}`,
  };
  const { node: decl, source } = placed.slot.phase;
  return decl.checkpoints.flatMap((stmt) =>
    resolveCheckpoint({ node: stmt, source }, frame, context.read, originOf)
  );
}
