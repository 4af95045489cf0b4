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
import { formatNumber } from "../diagnostics/format_number.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { Located } from "./effective.ts";
import type { RateMap } from "../plan/rates.ts";

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
  /** 0-based repetition for phases of a `cycles` block, else null. */
  cycle: number | null;
  /** Which `cycles` block (its index among the schedule's items) the phase belongs to, else null. */
  block: number | null;
  start: number;
  end: number;
}

/** The result of placing the schedule. */
export interface Timeline {
  phases: PlacedPhase[];
  steps: number;
}

/**
 * Rounds half up, after snapping values within float noise of a half or an integer to it (so
 * 2.4999999999 counts as 2.5 and rounds to 3). The noise allowed is 1e-9, or 1e-12 of the value for
 * large values.
 */
export function roundHalfUp(x: number): number {
  const halves = Math.round(2 * x);
  const noise = Math.max(1e-9, Math.abs(x) * 1e-12);
  return Math.floor((Math.abs(2 * x - halves) < 2 * noise ? halves / 2 : x) + 0.5);
}

/** How much of `unit` one update of a phase with this rate consumes. */
export function perUpdate(unit: BudgetUnit, rate: Rate): number {
  return unit === "steps" ? 1 : unit === "samples" ? rate.batch : rate.batch * rate.context;
}

type Cursor = Record<BudgetUnit, number>;

/** A phase and its length in the budget's unit, before rounding. */
interface Piece {
  slot: PhaseSlot;
  cycle: number | null;
  block: number | null;
  length: number;
}

/**
 * Places the phases of a schedule within the budget. `measure` evaluates a quantity (reporting a missing
 * unit or a bad expression itself and returning null).
 */
export function placePhases(
  budget: { unit: BudgetUnit; value: number },
  items: TimelineItem[],
  measure: (q: Located<A.Quantity>) => Measured | null,
  diagnostics: Diagnostic[],
  rates: RateMap | null = null,
  subject = "",
): Timeline | null {
  return new PhasePlacer(budget, measure, diagnostics, rates, subject).place(items);
}

type PlacementCode = "R0006" | "R0007" | "R0008" | "R0016" | "R0019" | "R0039";
type CyclesItem = TimelineItem & { kind: "cycles" };

const located = <T>(node: T, like: Located<unknown>): Located<T> => ({ node, source: like.source });
const itemDuration = (item: TimelineItem): Located<A.Duration> | null =>
  item.kind === "phase"
    ? located(item.slot.phase.node.duration, item.slot.phase)
    : item.decl.node.over
    ? located(item.decl.node.over, item.decl)
    : null;
const firstRate = (item: TimelineItem) => (item.kind === "phase" ? item.slot.rate : item.slots[0].rate);
const cycleScale = (item: CyclesItem) =>
  Array.from({ length: item.count }, (_, i) => item.mult ** i).reduce((a, b) => a + b, 0);
const lengthOf = (list: Piece[] | null) => (list ?? []).reduce((sum, p) => sum + p.length, 0);

/**
 * Placing one schedule: pass 1 measures every item in the budget's unit (moving a cursor in every unit, the
 * `rest` item last), pass 2 lays the phases end to end in updates and rounds each boundary half up.
 */
class PhasePlacer {
  readonly #errors: number;
  readonly #unitText: string;

  /**
   * With `rates` (the updates' batch and context are already known: a batch or context schedule, or a
   * schedule of another quantity), lengths in other units are measured from the phase's start position and
   * boundaries convert to updates through the real per-update rates; without, through each phase's rate.
   */
  constructor(
    readonly budget: { unit: BudgetUnit; value: number },
    readonly measure: (q: Located<A.Quantity>) => Measured | null,
    readonly diagnostics: Diagnostic[],
    readonly rates: RateMap | null,
    /** What the phases belong to, named in messages ("the beta1 schedule"); empty for the LR's. */
    readonly subject: string,
  ) {
    this.#errors = diagnostics.length;
    this.#unitText = budget.unit === "steps" ? "updates" : budget.unit;
  }

  place(items: TimelineItem[]): Timeline | null {
    const pieces = this.#measureItems(items);
    if (!pieces || this.#failed() || !this.#fillBudget(items, pieces.list, pieces.restIndex)) return null;
    return this.#layOut(pieces.list.flatMap((list) => list!));
  }

  #failed(): boolean {
    return this.diagnostics.length > this.#errors;
  }

  #report(code: PlacementCode, at: Located<{ span: A.Span }>, message: string, hint: string | null = null) {
    const text = this.subject
      ? `In ${this.subject}: ${message[0].toLowerCase()}${message.slice(1)}`
      : message;
    this.diagnostics.push(diagnostic(code, at.source, at.node.span, text, hint));
  }

  /** A length written in any unit, in the budget's unit for a phase of this rate. */
  #inBudgetUnit(m: Measured, rate: Rate, percentBase: number, at?: Located<{ span: A.Span }>): number {
    const U = this.budget.unit;
    if (this.rates && m.unit !== "%" && m.unit !== U && at) {
      this.#report(
        "R0039",
        at,
        `Inside \`cycles\` against a batch or context schedule, a length in ${m.unit} has no fixed size in ${this.#unitText}`,
        `write it in ${this.#unitText} or in %`,
      );
      return 0;
    }
    return m.unit === "%"
      ? (m.value / 100) * percentBase
      : (m.value / perUpdate(m.unit, rate)) * perUpdate(U, rate);
  }

  /** Pass 1: every item's pieces (null for the `rest` item, placed once the others are known). */
  #measureItems(items: TimelineItem[]): { list: (Piece[] | null)[]; restIndex: number } | null {
    const cursor: Cursor = { steps: 0, samples: 0, tokens: 0 };
    const list: (Piece[] | null)[] = [];
    let restIndex = -1;
    for (const [index, item] of items.entries()) {
      const duration = itemDuration(item);
      if (duration?.node.kind === "rest") {
        if (restIndex >= 0) {
          this.#report(
            "R0019",
            duration,
            "Only one phase can take the rest",
            "give the other phases a length",
          );
        }
        restIndex = index;
        list.push(null);
        continue;
      }
      if (duration?.node.kind === "until" && restIndex >= 0) {
        this.#report(
          "R0019",
          duration,
          "A phase after `rest` cannot end at an `until` point",
          "give it a length instead",
        );
      }
      const length = this.#itemLength(item, duration, cursor);
      if (length === null) return null;
      const placed = item.kind === "phase"
        ? [{ slot: item.slot, cycle: null, block: null, length }]
        : this.#expandCycles(item, index, length);
      list.push(placed);
      if (this.rates) {
        this.#followRates(cursor, cursor[this.budget.unit] + lengthOf(placed));
        continue;
      }
      for (const piece of placed) {
        const steps = piece.length / perUpdate(this.budget.unit, piece.slot.rate);
        for (const unit of ["steps", "samples", "tokens"] as const) {
          cursor[unit] += steps * perUpdate(unit, piece.slot.rate);
        }
      }
    }
    return { list, restIndex };
  }

  /** Sets the cursor in every unit to where `position`, in the budget's unit, lies under the real rates. */
  #followRates(cursor: Cursor, position: number): void {
    const updates = this.rates!.updatesFor(position, this.budget.unit);
    for (const unit of ["steps", "samples", "tokens"] as const) {
      cursor[unit] = this.rates!.consumed(updates, unit);
    }
    cursor[this.budget.unit] = position;
  }

  /** The length of an item (not `rest`) in the budget's unit; `until` counts from the cursor. */
  #itemLength(item: TimelineItem, duration: Located<A.Duration> | null, cursor: Cursor): number | null {
    const { unit: U, value: B } = this.budget;
    const rate = firstRate(item);
    if (!duration) {
      const cycles = item as CyclesItem;
      const m = this.measure(located(cycles.decl.node.period!, cycles.decl));
      return m === null ? null : this.#inBudgetUnit(m, rate, B, cycles.decl) * cycleScale(cycles);
    }
    const d = duration.node as A.Duration & { kind: "for" | "until" };
    const m = this.measure(located(d.quantity, duration));
    if (m === null) return null;
    const target = m.unit === "%" ? (m.value / 100) * B : m.value;
    const unit = m.unit === "%" ? U : m.unit;
    const rates = this.rates;
    if (rates && unit !== U) {
      // The cursor follows the rates (#followRates): in `unit`, where the phase starts.
      const from = d.kind === "for" ? cursor[unit] : 0;
      const length = rates.consumed(rates.updatesFor(from + target, unit), U) - cursor[U];
      return d.kind === "for" || length > 0 ? length : this.#beforeStart(duration, m);
    }
    if (d.kind === "for") return this.#inBudgetUnit(m, rate, B);
    const length = ((target - cursor[unit]) / perUpdate(unit, rate)) * perUpdate(U, rate);
    return length > 0 ? length : this.#beforeStart(duration, m);
  }

  /** Reports an `until` point at or before the phase's start. */
  #beforeStart(duration: Located<A.Duration>, m: Measured): null {
    const where = m.unit === "%" ? `${formatNumber(m.value)}%` : `${formatNumber(m.value)} ${m.unit}`;
    this.#report(
      "R0006",
      duration,
      `This phase would end at "${where}", before it starts`,
      "the `until` points of the phases must increase",
    );
    return null;
  }

  /**
   * The phases of a `cycles` block whose periods add up to `total`. Inside a cycle, `N%` and `rest` are
   * shares of the cycle's period; a length in steps, tokens or samples is the same in every repetition.
   */
  #expandCycles(item: CyclesItem, block: number, total: number): Piece[] {
    const base = total / cycleScale(item);
    const pieces: Piece[] = [];
    for (let cycle = 0; cycle < item.count; cycle++) {
      const period = base * item.mult ** cycle;
      const inner = item.slots.map((slot) => this.#cyclePhaseLength(slot, period));
      const used = inner.reduce<number>((sum, l) => sum + (l ?? 0), 0);
      const rests = inner.filter((l) => l === null).length;
      if (rests > 1) this.#report("R0019", item.decl, "Only one phase of a cycle can take the rest");
      const over = rests ? used >= period : used > period * (1 + 1e-9);
      if (over || (!rests && used < period * (1 - 1e-9))) {
        this.#report(
          over ? "R0006" : "R0007",
          item.decl,
          `The phases of cycle ${cycle + 1} take ${formatNumber(used)} ${this.#unitText} but its period is ${
            formatNumber(period)
          }`,
          rests ? "shorten the phases or lengthen the period" : "give one phase of the cycle `rest`",
        );
        return [];
      }
      item.slots.forEach((slot, i) => pieces.push({ slot, cycle, block, length: inner[i] ?? period - used }));
    }
    return pieces;
  }

  /** One phase of a cycle: its length in the budget's unit, or null for `rest`. */
  #cyclePhaseLength(slot: PhaseSlot, period: number): number | null {
    const d = slot.phase.node.duration;
    if (d.kind === "rest") return null;
    if (d.kind === "until") {
      this.#report(
        "R0016",
        located(d, slot.phase),
        "A phase inside `cycles` cannot end at an `until` point",
        "give it a share of the cycle (e.g. 50%) or `rest`",
      );
      return 0;
    }
    const m = this.measure(located(d.quantity, slot.phase));
    return m ? this.#inBudgetUnit(m, slot.rate, period, slot.phase) : 0;
  }

  /** Gives the `rest` item what the others leave, or checks that they fill the budget exactly. */
  #fillBudget(items: TimelineItem[], pieces: (Piece[] | null)[], restIndex: number): boolean {
    const B = this.budget.value;
    const fixed = pieces.reduce((sum, list) => sum + lengthOf(list), 0);
    const last = items.at(-1)!;
    const lastAt = last.kind === "phase" ? last.slot.phase : last.decl;
    if (restIndex >= 0) {
      const rest = items[restIndex];
      if (B - fixed <= 0) {
        this.#report(
          "R0006",
          itemDuration(rest)!,
          `The other phases already take ${formatNumber(fixed)} of the ${
            formatNumber(B)
          } ${this.#unitText} budget, leaving nothing for \`rest\``,
          "shorten the other phases or raise the budget",
        );
        return false;
      }
      pieces[restIndex] = rest.kind === "phase"
        ? [{ slot: rest.slot, cycle: null, block: null, length: B - fixed }]
        : this.#expandCycles(rest, restIndex, B - fixed);
      return !this.#failed();
    }
    if (fixed > B * (1 + 1e-9)) {
      this.#report(
        "R0006",
        lastAt,
        `The phases take ${formatNumber(fixed)} ${this.#unitText}, more than the budget of ${
          formatNumber(B)
        }`,
        "shorten a phase, or end the last one with `rest`",
      );
      return false;
    }
    if (fixed < B * (1 - 1e-9)) {
      this.#report(
        "R0007",
        lastAt,
        `The phases take ${formatNumber(fixed)} ${this.#unitText} and leave ${
          formatNumber(B - fixed)
        } of the budget of ${formatNumber(B)} unused`,
        "end the last phase with `rest`",
      );
      return false;
    }
    return true;
  }

  /** Pass 2: lay the phases end to end in updates and round every boundary half up. */
  #layOut(pieces: Piece[]): Timeline | null {
    const placed: PlacedPhase[] = [];
    let position = 0;
    let previous = 0;
    let measured = 0;
    for (const { slot, cycle, block, length } of pieces) {
      const steps = length / perUpdate(this.budget.unit, slot.rate);
      position += steps;
      measured += length;
      const end = roundHalfUp(this.rates ? this.rates.updatesFor(measured, this.budget.unit) : position);
      if (end - previous < 1) {
        this.#report(
          "R0008",
          slot.phase,
          `Phase resolves to ${end - previous} updates (${formatNumber(steps)} before rounding)`,
          "make it longer; every phase needs at least one update",
        );
      }
      placed.push({ slot, cycle, block, start: previous, end });
      previous = end;
    }
    return this.#failed() ? null : { phases: placed, steps: previous };
  }
}
