/**
 * The batch and context schedules (`schedule batch { ... }`, `schedule context { ... }`), placed together
 * by walking the updates in order, because each sets how many samples and tokens an update consumes and
 * so where the other's positions (and the budget's end) fall.
 *
 * The rule: a phase that holds one value ends at the update where its end point (`until X`, or its length
 * from where it started, in any unit) is reached, counting every update's rounded batch and context,
 * linear within an update and rounded half up, as every boundary is. A ramp (a shape whose value changes)
 * fixes its length when it starts, converting with its mean value and the other quantity's value at its
 * start, as a ramp in a phase body does. The plan ends where the budget is reached the same way. Lengths in
 * % are of the budget; only a last, constant phase may take `rest`; no `cycles`.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Segment, Shape, Timelines } from "../plan/schema.ts";
import { roundCount } from "../plan/evaluate.ts";
import { shapeValue } from "../plan/shape_value.ts";
import { hasNewErrors, type RecipeContext, report } from "./context.ts";
import { type BudgetUnit, roundHalfUp } from "./durations.ts";
import type { Located } from "./effective.ts";
import { BATCH_SHAPES, meanValue } from "./phase_settings.ts";
import { type CountSpan, RateMap } from "../plan/rates.ts";
import type { Budget } from "./settings.ts";
import { MAX_STEPS, measureDuration } from "./timeline.ts";
import { baseOf, checkTimelineBodies, type TimelineBases, TimelineShaper } from "./timelines.ts";

/** The batch and context schedules placed: their rates and their segments. */
export interface RateTimelines {
  rates: RateMap;
  timelines: Pick<Timelines, "batch" | "context">;
}

/** One of the two schedules as the walk goes through it. */
interface Track {
  quantity: "batch" | "context";
  shaper: TimelineShaper;
  phases: Located<A.PhaseDecl>[];
  /** Every phase's shape (ramps are n-free, so they are known before the lengths). */
  shapes: Shape[];
  index: number;
  start: number;
  /** A ramp's end, fixed when it starts. */
  end: number | null;
  /** A constant phase's end point, as an amount of a unit since the plan began. */
  target: { unit: BudgetUnit; amount: number } | null;
  segments: Segment[];
  done: boolean;
}

/**
 * Places the batch and context schedules of a recipe (at least one is given), or returns null after a
 * diagnostic.
 */
export function placeRateTimelines(
  context: RecipeContext,
  timelines: ReadonlyMap<A.TimelineQuantity, Located<A.TimelineDecl>>,
  bases: TimelineBases,
  budget: Budget,
): RateTimelines | null {
  const tracks: Track[] = [];
  for (const quantity of ["batch", "context"] as const) {
    const timeline = timelines.get(quantity);
    if (!timeline) continue;
    const track = prepareTrack(context, timeline, bases);
    if (track) tracks.push(track);
  }
  if (hasNewErrors(context)) return null;
  const walk = new RateWalk(context, tracks, bases, budget);
  const steps = walk.run();
  if (steps === null) return null;
  const spans = (quantity: "batch" | "context"): CountSpan[] =>
    tracks.find((t) => t.quantity === quantity)?.segments ??
      [{ start: 0, end: steps, offset: 0, value: { shape: "constant", value: baseOf(quantity, bases) } }];
  const result: Pick<Timelines, "batch" | "context"> = {};
  for (const track of tracks) result[track.quantity] = track.segments;
  return { rates: new RateMap(spans("batch"), spans("context")), timelines: result };
}

/** A schedule's phases with their shapes, checked (R0039), or null after a diagnostic. */
function prepareTrack(
  context: RecipeContext,
  timeline: Located<A.TimelineDecl>,
  bases: TimelineBases,
): Track | null {
  if (!checkTimelineBodies(context, timeline)) return null;
  const quantity = timeline.node.quantity as "batch" | "context";
  const refuse = (node: { span: A.Span }, message: string, hint: string) => {
    report(context.diagnostics, "R0039", { node, source: timeline.source }, message, hint);
    return null;
  };
  const shaper = new TimelineShaper(context, timeline, bases, null);
  const phases: Located<A.PhaseDecl>[] = [];
  const shapes: Shape[] = [];
  for (const [index, item] of timeline.node.items.entries()) {
    if (item.kind === "cycles") {
      return refuse(item, `A ${quantity} schedule takes no \`cycles\``, "write its phases one after another");
    }
    const last = index === timeline.node.items.length - 1;
    if (item.duration.kind === "rest" && !last) {
      return refuse(
        item.duration,
        `Only the last phase of a ${quantity} schedule may take \`rest\``,
        "give it a length",
      );
    }
    if (item.shape && !BATCH_SHAPES.includes(item.shape.name)) {
      return refuse(
        item.shape,
        `A ${quantity} schedule cannot follow a ${item.shape.name} shape: its value depends on the phase's length`,
        `use one of ${BATCH_SHAPES.join(", ")}`,
      );
    }
    const decl = { node: item, source: timeline.source };
    const shape = shaper.shape({ decl, start: 0, end: 1, cycle: null, restart: false }, index === 0);
    if (!shape) return null;
    if (shape.shape !== "constant" && item.duration.kind === "rest") {
      return refuse(item.duration, `A ramp of the ${quantity} cannot take \`rest\``, "give it a length");
    }
    phases.push(decl);
    shapes.push(shape);
  }
  return {
    quantity,
    shaper,
    phases,
    shapes,
    index: 0,
    start: 0,
    end: null,
    target: null,
    segments: [],
    done: false,
  };
}

/** Walks the updates, ending each schedule's phases where their end points are reached. */
class RateWalk {
  #k = 0;
  readonly #consumed: Record<BudgetUnit, number> = { steps: 0, samples: 0, tokens: 0 };

  constructor(
    readonly context: RecipeContext,
    readonly tracks: Track[],
    readonly bases: TimelineBases,
    readonly budget: Budget,
  ) {}

  /** The plan's number of updates, or null after a diagnostic. */
  run(): number | null {
    for (const track of this.tracks) if (!this.#begin(track)) return null;
    while (true) {
      if (!this.#closePhases()) return null;
      if (this.#reachedAt({ unit: this.budget.unit, amount: this.budget.value }) <= this.#k) break;
      const exhausted = this.tracks.find((t) => t.done);
      if (exhausted) {
        this.#report(exhausted, "R0007", "ends before the budget does", "end it with `rest`");
        return null;
      }
      this.#advance();
      if (this.#k > MAX_STEPS) {
        this.#report(this.tracks[0], "R0030", "makes too many updates", "check the budget");
        return null;
      }
    }
    const open = this.tracks.find((t) => !t.done);
    if (open) {
      this.#report(open, "R0006", "runs past the budget", "shorten its phases or end with `rest`");
      return null;
    }
    return this.#k;
  }

  #report(track: Track, code: "R0006" | "R0007" | "R0008" | "R0030", what: string, hint: string): void {
    const phase = track.phases[Math.min(track.index, track.phases.length - 1)];
    report(
      this.context.diagnostics,
      code,
      { node: { span: phase.node.keywordSpan }, source: phase.source },
      `The ${track.quantity} schedule ${what} (at update ${this.#k})`,
      hint,
    );
  }

  #count(quantity: "batch" | "context"): number {
    const track = this.tracks.find((t) => t.quantity === quantity && !t.done);
    if (!track) return baseOf(quantity, this.bases);
    const n = (track.end ?? track.start + 1) - track.start;
    const offset = track.phases[track.index].node.inclusive ? 1 : 0;
    return roundCount(shapeValue(track.shapes[track.index], this.#k - track.start, n, offset));
  }

  #perUpdate(unit: BudgetUnit, batch = this.#count("batch"), context = this.#count("context")): number {
    return unit === "steps" ? 1 : unit === "samples" ? batch : batch * context;
  }

  /** The update boundary (rounded half up) where `target` is reached at the current rates. */
  #reachedAt(target: { unit: BudgetUnit; amount: number }): number {
    return roundHalfUp(
      this.#k + (target.amount - this.#consumed[target.unit]) / this.#perUpdate(target.unit),
    );
  }

  /** Starts the track's current phase at the current update; false after a diagnostic. */
  #begin(track: Track): boolean {
    const phase = track.phases[track.index];
    const duration = phase.node.duration;
    const { unit: U, value: B } = this.budget;
    track.start = this.#k;
    track.end = null;
    let target = { unit: U, amount: B };
    if (duration.kind !== "rest") {
      const m = measureDuration(this.context)({ node: duration.quantity, source: phase.source });
      if (!m) return false;
      const unit = m.unit === "%" ? U : m.unit;
      const amount = m.unit === "%" ? (m.value / 100) * B : m.value;
      target = { unit, amount: duration.kind === "for" ? this.#consumed[unit] + amount : amount };
      if (target.amount <= this.#consumed[unit]) {
        this.#report(
          track,
          "R0006",
          "has a phase that would end before it starts",
          "the `until` points must increase",
        );
        return false;
      }
    }
    const shape = track.shapes[track.index];
    track.target = shape.shape === "constant" ? target : null;
    if (shape.shape !== "constant") track.end = this.#rampEnd(track, shape, target);
    return true;
  }

  /** A ramp's end: its length converted with its mean value and the other quantity's value now. */
  #rampEnd(track: Track, shape: Shape, target: { unit: BudgetUnit; amount: number }): number {
    const mean = meanValue(shape);
    const perUpdate = track.quantity === "batch"
      ? this.#perUpdate(target.unit, mean, this.#count("context"))
      : this.#perUpdate(target.unit, this.#count("batch"), mean);
    return roundHalfUp(this.#k + (target.amount - this.#consumed[target.unit]) / perUpdate);
  }

  /** Ends every phase whose end point is reached at the current update; false after a diagnostic. */
  #closePhases(): boolean {
    for (let changed = true; changed;) {
      changed = false;
      for (const track of this.tracks) {
        if (track.done) continue;
        const ends = track.end ?? this.#reachedAt(track.target!);
        if (ends > this.#k) continue;
        if (this.#k - track.start < 1) {
          this.#report(track, "R0008", "has a phase of no updates", "make it longer");
          return false;
        }
        const decl = track.phases[track.index];
        const phase = { decl, start: track.start, end: this.#k, cycle: null, restart: false };
        track.segments.push(track.shaper.segment(phase, track.shapes[track.index]));
        track.index++;
        changed = true;
        if (track.index === track.phases.length) track.done = true;
        else if (!this.#begin(track)) return false;
      }
    }
    return true;
  }

  /** Moves to the next update where something may change: one update inside a ramp, else a jump. */
  #advance(): void {
    const active = this.tracks.filter((t) => !t.done);
    const next = active.some((t) => t.end !== null) ? this.#k + 1 : Math.min(
      this.#reachedAt({ unit: this.budget.unit, amount: this.budget.value }),
      ...active.map((t) => this.#reachedAt(t.target!)),
    );
    const updates = Math.max(1, next - this.#k);
    const [batch, context] = [this.#count("batch"), this.#count("context")];
    for (const unit of ["steps", "samples", "tokens"] as const) {
      this.#consumed[unit] += updates * this.#perUpdate(unit, batch, context);
    }
    this.#k += updates;
  }
}
