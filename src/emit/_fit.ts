/**
 * Fitting a plan to a target's schedule family: the plan's LR as segments, the warmup-stable-decay form
 * most trainers know, exact comparisons, and refusals that name the recipe feature and where it was written.
 * @module
 */
import type { Origin, Phase, Plan, Shape } from "../plan/schema.ts";
import { scheduleTable } from "../schedule/table.ts";
import { shapeEndValue, shapeValue } from "../plan/shape_value.ts";
import { UnsupportedFeatureError } from "./target.ts";

/** A run of updates with one LR shape: one phase, or adjacent phases holding the same constant LR. */
export interface Segment {
  start: number;
  end: number;
  shape: Shape;
  offset: 0 | 1;
  /** The first phase of the segment (where refusals point). */
  phase: Phase;
  /** Index of that phase in `plan.phases`. */
  index: number;
}

/** A shape that holds one value (e.g. linear from 1e-3 to 1e-3) as a constant; others unchanged. */
function flattened(shape: Shape): Shape {
  if (shape.shape === "step") {
    return shape.values.every((v) => v === shape.values[0])
      ? { shape: "constant", value: shape.values[0] }
      : shape;
  }
  if (shape.shape === "constant" || shape.shape === "inverse-sqrt" || shape.from !== shape.to) return shape;
  return { shape: "constant", value: shape.from };
}

/** The plan's LR segments: phases in order, flat shapes as constants, adjacent equal constant LRs merged. */
export function lrSegments(plan: Plan): Segment[] {
  const segments: Segment[] = [];
  plan.phases.forEach((phase, index) => {
    const shape = flattened(phase.lr);
    const last = segments.at(-1);
    if (
      last && last.shape.shape === "constant" && shape.shape === "constant" &&
      same(last.shape.value, shape.value)
    ) {
      last.end = phase.end;
      return;
    }
    segments.push({ start: phase.start, end: phase.end, shape, offset: phase.offset, phase, index });
  });
  return segments;
}

/** Whether two values agree to 1e-12 relative (both 0 counts). */
export function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** The value a shape starts from (p = 0). */
export function startValue(shape: Shape): number {
  switch (shape.shape) {
    case "constant":
      return shape.value;
    case "step":
      return shape.values[0];
    default:
      return shape.from;
  }
}

/** The value a shape approaches at p = 1 (`to`), or null for shapes without one (inverse-sqrt). */
export function endValue(shape: Shape): number | null {
  switch (shape.shape) {
    case "constant":
      return shape.value;
    case "step":
      return shape.values.at(-1)!;
    case "inverse-sqrt":
      return null;
    default:
      return shape.to;
  }
}

/** The warmup-stable-decay form: every part optional, in this order, and nothing else. */
export interface WsdForm {
  /** A rising first segment. */
  warmup?: Segment;
  /** A constant segment. */
  stable?: Segment;
  /** A non-constant, non-rising segment. */
  decay?: Segment;
  /** A constant segment after the decay (a floor held to the end). */
  tail?: Segment;
}

/** The peak of a warmup-stable-decay form: the stable LR, else the warmup's end, else the decay's start. */
function formPeak(form: WsdForm): number {
  if (form.stable) return startValue(form.stable.shape);
  if (form.warmup) return endValue(form.warmup.shape)!;
  return startValue(form.decay!.shape);
}

function rising(segment: Segment): boolean {
  const end = endValue(segment.shape);
  return segment.shape.shape !== "constant" && end !== null && end > startValue(segment.shape);
}

/** "rewarm" or "warmup", as the recipe called the segment's phase. */
export function warmupWord(segment: Segment): string {
  return segment.phase.kind === "rewarm" ? "rewarm" : "warmup";
}

/** A phase in the recipe's words, for refusals: `phase "decay"`. */
function phaseLabel(phase: Phase): string {
  return `phase ${JSON.stringify(phase.name)}`;
}

/**
 * The context of one target fitting one plan: refusals, and (with `approximate`) the offsets the target
 * uses instead of the plan's, from which the LR deviation is measured.
 */
export class Fit {
  /** What the target does instead of the plan, per phase index (with `approximate` only). */
  readonly #substitutes = new Map<number, { offset?: 0 | 1; from?: number }>();

  constructor(readonly target: string, readonly plan: Plan, readonly approximate: boolean) {}

  /** Refuses: the target cannot express `feature`, written at `origin`. */
  refuse(feature: string, origin: Origin | null): never {
    throw new UnsupportedFeatureError(this.target, feature, origin, []);
  }

  /** Refuses a segment's feature, naming its phase. */
  refuseAt(feature: string, segment: { phase: Phase }): never {
    this.refuse(`${feature} (${phaseLabel(segment.phase)})`, segment.phase.origin);
  }

  /**
   * Requires the segment to use `wanted` as its offset (0: `from` on its first update; 1: `to` on its last).
   * With `approximate`, records the target's offset instead of refusing.
   */
  offset(segment: Segment, wanted: 0 | 1): void {
    if (segment.shape.shape === "constant" || segment.offset === wanted) return;
    if (this.approximate) {
      this.#substitute(segment, { offset: wanted });
      return;
    }
    const feature = segment.offset === 1
      ? `the "inclusive" convention (\`to\` on the last update): ${this.target} reaches each value one update later`
      : `the exclusive convention (\`from\` on the first update): ${this.target} reaches each value one update ` +
        `earlier; writing the phase "inclusive" matches it`;
    this.refuseAt(feature, segment);
  }

  /**
   * Requires a warmup to start from `from`, the only start the target has (0, or HF's floor). With
   * `approximate`, records the target's start instead of refusing with `feature`.
   */
  warmupFrom(warmup: Segment, from: number, feature: string): void {
    if (same(startValue(warmup.shape), from)) return;
    if (this.approximate && warmup.shape.shape !== "constant" && warmup.shape.shape !== "step") {
      this.#substitute(warmup, { from });
      return;
    }
    this.refuseAt(feature, warmup);
  }

  #substitute(segment: Segment, change: { offset?: 0 | 1; from?: number }): void {
    this.#substitutes.set(segment.index, { ...this.#substitutes.get(segment.index), ...change });
  }

  /** Requires two values of the plan to agree (e.g. the warmup's end and the stable LR). */
  equal(actual: number, wanted: number, feature: string, segment: Segment): void {
    if (!same(actual, wanted)) this.refuseAt(feature, segment);
  }

  /** The peak LR of a form (see `formPeak`); refuses a peak of 0, which no LR multiplier can scale. */
  peak(form: WsdForm): number {
    const peak = formPeak(form);
    if (peak <= 0) this.refuse("a peak LR of 0", this.plan.phases[0].origin);
    return peak;
  }

  /** Requires a linear warmup that ends on the peak, the only warmup `framework` (e.g. "Megatron") has. */
  linearWarmupToPeak(warmup: Segment, peak: number, framework: string): void {
    if (warmup.shape.shape !== "linear") {
      this.refuseAt(`a "${warmup.shape.shape}" warmup: ${framework}'s is linear`, warmup);
    }
    this.equal(endValue(warmup.shape)!, peak, "a warmup that ends off the peak", warmup);
  }

  /** Requires a warmup to start from 0 (a rewarm from the parent's LR does not). */
  fromZero(warmup: Segment): void {
    this.warmupFrom(
      warmup,
      0,
      `a ${warmupWord(warmup)} from "${startValue(warmup.shape)}": ${this.target} warms up from 0`,
    );
  }

  /** The plan's segments in the warmup-stable-decay form, or a refusal at the first segment that does not fit. */
  wsd(): WsdForm {
    const segments = lrSegments(this.plan);
    const form: WsdForm = {};
    let i = 0;
    if (segments[i] && rising(segments[i])) form.warmup = segments[i++];
    if (segments[i]?.shape.shape === "constant") form.stable = segments[i++];
    if (segments[i] && segments[i].shape.shape !== "constant" && !rising(segments[i])) {
      form.decay = segments[i++];
    }
    if (form.decay && segments[i]?.shape.shape === "constant") form.tail = segments[i++];
    if (i < segments.length) {
      const what = rising(segments[i]) ? "a second warmup, a rewarm or a cycle" : "a second decay or a cycle";
      this.refuseAt(`${what}: ${this.target} has one warmup, one stable part and one decay`, segments[i]);
    }
    return form;
  }

  /** The largest deviation of the target's LR from the plan's, relative to the plan's peak LR. */
  deviation(): number {
    if (this.#substitutes.size === 0) return 0;
    const actual = scheduleTable({
      ...this.plan,
      phases: this.plan.phases.map((p, i) => {
        const change = this.#substitutes.get(i);
        if (!change) return p;
        const lr = change.from === undefined ? p.lr : { ...p.lr, from: change.from } as Shape;
        return { ...p, offset: change.offset ?? p.offset, lr };
      }),
    }).lr;
    const wanted = scheduleTable(this.plan).lr;
    const peak = wanted.reduce((a, b) => Math.max(a, b), 0) || 1; // no spread: plans have millions of updates
    let worst = 0;
    for (let k = 0; k < wanted.length; k++) worst = Math.max(worst, Math.abs(actual[k] - wanted[k]) / peak);
    return worst;
  }

  /** The one weight decay of the plan, or a refusal at the first phase that changes it. */
  constantWeightDecay(): number {
    return this.#constant((p) => p.weightDecay, "weight decay that changes during training");
  }

  /** The one batch size of the plan, or a refusal (`feature`) at the first phase that changes it. */
  constantBatch(feature = "a batch size that changes during training"): number {
    const batch = this.#constant((p) => p.batch, feature);
    return Math.max(1, Math.floor(batch + 0.5));
  }

  /** The value a setting keeps over the whole plan; a shape that does not move (`linear 0.1 -> 0.1`) counts. */
  #constant(pick: (phase: Phase) => Shape, feature: string): number {
    const ends = (phase: Phase) => {
      const shape = pick(phase);
      const n = phase.end - phase.start;
      return shape.shape === "constant"
        ? [shape.value, shape.value]
        : [shapeValue(shape, 0, n, 0), shapeEndValue(shape, n)];
    };
    const value = ends(this.plan.phases[0])[0];
    for (const phase of this.plan.phases) {
      const shape = pick(phase);
      const flat = shape.shape === "constant" ||
        (!["step", "inverse-sqrt"].includes(shape.shape) && ends(phase).every((v) => same(v, value)));
      if (!flat || !same(ends(phase)[0], value)) this.refuseAt(feature, { phase });
    }
    return value;
  }
}
