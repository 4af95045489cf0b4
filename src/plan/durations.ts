/**
 * Resolving phase durations to integer updates: the one rounding rule.
 *
 * Every duration is first measured in the budget's unit (steps, samples or tokens): `N%` is N% of the
 * budget (inside `cycles`, of the cycle's period), `until X` runs up to an absolute point, `rest` takes what
 * the other phases leave, and a length in another unit converts with the phase's own batch size (for a
 * batch ramp, its mean over the phase). The phases are then laid end to end in (fractional) updates, and
 * every phase boundary, as an absolute position, is rounded to the nearest update, halves up. A phase's
 * length is the difference of its rounded boundaries, so rounding never accumulates and the phases tile
 * [0, T) exactly.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { formatNumber } from "../check/format_number.ts";
import type { Diagnostic } from "../check/diagnostic.ts";
import { diagnostic } from "../check/diagnostic.ts";
import type { Located } from "./effective.ts";

/** The units a budget is written in. */
export type BudgetUnit = "steps" | "samples" | "tokens";

/** A number with its unit, as written. */
export interface Measured {
  value: number;
  unit: A.Unit;
}

/** How much of each unit one update of a phase consumes. */
export interface Rate {
  /** Mean sequences per update. */
  batch: number;
  context: number;
}

/** A phase to place, with its rate. */
export interface PhaseSlot {
  phase: Located<A.PhaseDecl>;
  rate: Rate;
}

/** A top-level schedule item: one phase, or a `cycles` group of phase templates. */
export type TimelineItem =
  | { kind: "phase"; slot: PhaseSlot }
  | { kind: "cycles"; decl: Located<A.CyclesDecl>; count: number; mult: number; slots: PhaseSlot[] };

/** A phase with its resolved updates [start, end). */
export interface PlacedPhase {
  slot: PhaseSlot;
  /** 0-based repetition for phases of a `cycles` group, else null. */
  cycle: number | null;
  start: number;
  end: number;
}

/** The result of placing the schedule. */
export interface Timeline {
  phases: PlacedPhase[];
  steps: number;
  /** Turns an absolute position (in any unit, or % of the budget) into an update index (rounded half up). */
  positionToStep(position: Measured): number;
}

/**
 * Rounds half up, after snapping values within 1e-9 of a half or an integer to it (so 2.4999999999 from
 * float noise counts as 2.5 and rounds to 3).
 */
export function roundHalfUp(x: number): number {
  const halves = Math.round(2 * x);
  return Math.floor((Math.abs(2 * x - halves) < 2e-9 ? halves / 2 : x) + 0.5);
}

/** How much of `unit` one update of a phase with this rate consumes. */
export function perUpdate(unit: BudgetUnit, rate: Rate): number {
  return unit === "steps" ? 1 : unit === "samples" ? rate.batch : rate.batch * rate.context;
}

type Cursor = Record<BudgetUnit, number>;

/**
 * Places the phases of a schedule within the budget. `measure` evaluates a quantity (reporting a missing
 * unit or a bad expression itself and returning null).
 */
export function placePhases(
  budget: { unit: BudgetUnit; value: number; span: Located<A.Quantity> },
  items: TimelineItem[],
  measure: (q: Located<A.Quantity>) => Measured | null,
  diagnostics: Diagnostic[],
): Timeline | null {
  const U = budget.unit;
  const B = budget.value;
  const errorCount = diagnostics.length;
  const report = (
    code: "R0006" | "R0007" | "R0008" | "R0016" | "R0019",
    at: Located<{ span: A.Span }>,
    message: string,
    hint: string | null = null,
  ) => diagnostics.push(diagnostic(code, at.source, at.node.span, message, hint));
  const located = <T>(node: T, like: Located<unknown>): Located<T> => ({ node, source: like.source });

  /** A length written in any unit, in the budget's unit for a phase of this rate. */
  const lengthInBudgetUnit = (m: Measured, rate: Rate, percentBase: number): number =>
    m.unit === "%" ? (m.value / 100) * percentBase : (m.value / perUpdate(m.unit, rate)) * perUpdate(U, rate);

  // Pass 1: the length of every top-level item in the budget's unit; `rest` waits for pass 2.
  const cursor: Cursor = { steps: 0, samples: 0, tokens: 0 };
  const lengths: (number | null)[] = [];
  let restIndex = -1;
  const itemDuration = (item: TimelineItem): Located<A.Duration> | null =>
    item.kind === "phase"
      ? located(item.slot.phase.node.duration, item.slot.phase)
      : item.decl.node.over
      ? located(item.decl.node.over, item.decl)
      : null;
  const firstRate = (
    item: TimelineItem,
  ) => (item.kind === "phase" ? item.slot.rate : item.slots[0]?.rate ?? { batch: 1, context: 1 });
  const cycleScale = (
    item: TimelineItem,
  ) => (item.kind === "cycles"
    ? Array.from({ length: item.count }, (_, i) => item.mult ** i).reduce((a, b) => a + b, 0)
    : 1);

  for (const [index, item] of items.entries()) {
    const duration = itemDuration(item);
    const rate = firstRate(item);
    let length: number | null = null;
    if (duration?.node.kind === "rest") {
      if (restIndex >= 0) {
        report("R0019", duration, "Only one phase can take the rest", "give the other phases a length");
      }
      restIndex = index;
      lengths.push(null);
      continue;
    }
    if (duration?.node.kind === "until" && restIndex >= 0) {
      report(
        "R0019",
        duration,
        "A phase after `rest` cannot end at an `until` point",
        "give it a length instead",
      );
    }
    if (duration) {
      const m = measure(located(duration.node.quantity, duration));
      if (m === null) return null;
      if (duration.node.kind === "for") length = lengthInBudgetUnit(m, rate, B);
      else {
        const target = m.unit === "%" ? (m.value / 100) * B : m.value;
        const unit = m.unit === "%" ? U : m.unit;
        length = ((target - cursor[unit]) / perUpdate(unit, rate)) * perUpdate(U, rate);
        if (length <= 0) {
          report(
            "R0006",
            duration,
            `This phase would end at ${m.value}${m.unit === "%" ? "%" : ` ${m.unit}`}, before it starts`,
            "the `until` points of the phases must increase",
          );
          return null;
        }
      }
    } else if (item.kind === "cycles") {
      const m = measure(located(item.decl.node.period!, item.decl));
      if (m === null) return null;
      length = lengthInBudgetUnit(m, rate, B) * cycleScale(item);
    }
    lengths.push(length);
    const steps = length! / perUpdate(U, rate);
    for (const unit of ["steps", "samples", "tokens"] as const) cursor[unit] += steps * perUpdate(unit, rate);
  }
  if (diagnostics.length > errorCount) return null;
  const fixed = lengths.reduce<number>((sum, l) => sum + (l ?? 0), 0);
  if (restIndex >= 0) lengths[restIndex] = B - fixed;
  const total = lengths.reduce<number>((sum, l) => sum + l!, 0);
  const last = items.at(-1)!;
  const lastSpan = last.kind === "phase" ? last.slot.phase : last.decl;
  const unitText = U === "steps" ? "updates" : U;
  if (restIndex >= 0 && lengths[restIndex]! <= 0) {
    const item = items[restIndex];
    report(
      "R0006",
      itemDuration(item)!,
      `The other phases already take ${formatNumber(fixed)} of the ${
        formatNumber(B)
      } ${unitText} budget, leaving nothing for \`rest\``,
      "shorten the other phases or raise the budget",
    );
    return null;
  }
  if (total > B * (1 + 1e-9)) {
    report(
      "R0006",
      lastSpan,
      `The phases take ${formatNumber(total)} ${unitText}, more than the budget of ${formatNumber(B)}`,
      "shorten a phase, or end the last one with `rest`",
    );
    return null;
  }
  if (total < B * (1 - 1e-9)) {
    report(
      "R0007",
      lastSpan,
      `The phases take ${formatNumber(total)} ${unitText} and leave ${
        formatNumber(B - total)
      } of the budget of ${formatNumber(B)} unused`,
      "end the last phase with `rest`",
    );
    return null;
  }

  // Pass 2: expand cycles into phases, each with its length in the budget's unit.
  const flat: { slot: PhaseSlot; cycle: number | null; length: number }[] = [];
  items.forEach((item, index) => {
    if (item.kind === "phase") {
      flat.push({ slot: item.slot, cycle: null, length: lengths[index]! });
      return;
    }
    const base = lengths[index]! / cycleScale(item);
    for (let cycle = 0; cycle < item.count; cycle++) {
      const period = base * item.mult ** cycle;
      const inner = item.slots.map((slot) => {
        const d = slot.phase.node.duration;
        if (d.kind === "rest") return null;
        if (d.kind === "until") {
          report(
            "R0016",
            located(d, slot.phase),
            "A phase inside `cycles` cannot end at an `until` point",
            "give it a share of the cycle (e.g. 50%) or `rest`",
          );
          return 0;
        }
        const m = measure(located(d.quantity, slot.phase));
        if (!m) return 0;
        return m.unit === "%"
          ? lengthInBudgetUnit(m, slot.rate, period)
          : lengthInBudgetUnit(m, slot.rate, B) * item.mult ** cycle;
      });
      const used = inner.reduce<number>((sum, l) => sum + (l ?? 0), 0);
      const rests = inner.filter((l) => l === null).length;
      if (rests > 1) report("R0019", item.decl, "Only one phase of a cycle can take the rest");
      if (rests === 0 && Math.abs(used - period) > period * 1e-9) {
        report(
          used > period ? "R0006" : "R0007",
          item.decl,
          `The phases of cycle ${cycle + 1} take ${formatNumber(used)} ${unitText} but its period is ${
            formatNumber(period)
          }`,
          "give one phase of the cycle `rest`",
        );
      }
      item.slots.forEach((slot, i) => flat.push({ slot, cycle, length: inner[i] ?? period - used }));
    }
  });
  if (diagnostics.length > errorCount) return null;

  // Pass 3: lay the phases end to end in updates and round every boundary half up.
  const starts: Cursor[] = [];
  const position: Cursor = { steps: 0, samples: 0, tokens: 0 };
  const placed: PlacedPhase[] = [];
  let previous = 0;
  for (const { slot, cycle, length } of flat) {
    starts.push({ ...position });
    const steps = length / perUpdate(U, slot.rate);
    for (const unit of ["steps", "samples", "tokens"] as const) {
      position[unit] += steps * perUpdate(unit, slot.rate);
    }
    const end = roundHalfUp(position.steps);
    if (end - previous < 1) {
      report(
        "R0008",
        slot.phase,
        `Phase resolves to ${end - previous} updates (${formatNumber(steps)} before rounding)`,
        "make it longer; every phase needs at least one update",
      );
    }
    placed.push({ slot, cycle, start: previous, end });
    previous = end;
  }
  if (diagnostics.length > errorCount) return null;

  return {
    phases: placed,
    steps: previous,
    positionToStep(p: Measured): number {
      const unit: BudgetUnit = p.unit === "%" ? U : p.unit;
      const target = p.unit === "%" ? (p.value / 100) * B : p.value;
      for (let i = flat.length - 1; i >= 0; i--) {
        if (starts[i][unit] <= target || i === 0) {
          return roundHalfUp(
            starts[i].steps + (target - starts[i][unit]) / perUpdate(unit, flat[i].slot.rate),
          );
        }
      }
      return 0;
    },
  };
}
