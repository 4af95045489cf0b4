/**
 * The chart of a plan: LR, weight decay, batch size, the quantities it schedules besides (context, betas,
 * clip) and the stacked mixture over updates; for one plan, a line per parameter group whose LR or weight
 * decay differs from the plan's.
 * @module
 */
import type { Group, Plan, TimelineName } from "../plan/schema.ts";
import { shapeFunction } from "../plan/shape_value.ts";
import { roundCount } from "../plan/evaluate.ts";
import { isCount, type Piece, type PieceQuantity, quantityPieces } from "../plan/pieces.ts";
import { type Band, type Marker, PALETTE, type Panel, renderPanels } from "./chart.ts";
import { axisLabel, axisOf, type ChartOptions } from "./axis.ts";

/**
 * The local updates of a piece worth drawing: all of a short piece; of a long one, 400 evenly spaced, its
 * last, and both sides of every step-shape boundary (so jumps stay sharp). Never allocates per update.
 */
function samplePoints(piece: Piece): number[] {
  const n = piece.end - piece.start;
  if (n <= 400) return Array.from({ length: n }, (_, i) => i);
  const points = new Set<number>(Array.from({ length: 400 }, (_, j) => Math.floor((j * n) / 400)));
  points.add(n - 1);
  if (piece.shape.shape === "step") {
    for (const b of piece.shape.boundaries) points.add(b - 1 - piece.offset).add(b - piece.offset);
  }
  return [...points].filter((i) => i >= 0 && i < n).sort((a, b) => a - b);
}

/** The points of one per-update quantity of a plan, sampled piece by piece, with x on `axis`. */
function planColumn(plan: Plan, x: (k: number) => number, quantity: PieceQuantity): [number, number][] {
  const points: [number, number][] = [];
  const count = isCount(quantity);
  for (const piece of quantityPieces(plan, quantity)) {
    const f = shapeFunction(piece.shape, piece.end - piece.start, piece.offset);
    for (const i of samplePoints(piece)) points.push([x(piece.start + i), count ? roundCount(f(i)) : f(i)]);
  }
  points.push([x(plan.steps), points.at(-1)![1]]);
  return points;
}

/** The panels of the quantities beyond LR, weight decay and batch that a plan schedules. */
const SCHEDULED_PANELS: [TimelineName, string][] = [
  ["context", "context (tokens per sequence)"],
  ["beta1", "beta1"],
  ["beta2", "beta2"],
  ["clip", "gradient clipping threshold"],
  ["emaDecay", "EMA decay"],
];

/**
 * Phase boundaries of one plan, and the checkpoints, averages and EMA of every plan (coloured like its lines
 * when several).
 */
function planMarkers(plans: Plan[], axes: ((k: number) => number)[]): Marker[] {
  const phases: Marker[] = plans.length === 1
    ? plans[0].phases.slice(1).map((p) => ({ x: axes[0](p.start), label: p.name }))
    : [];
  const checkpoints = plans.flatMap((plan, i) => {
    const made = [
      ...plan.checkpoints.map((c) => ({ step: c.step, what: `checkpoint "${c.name}"` })),
      ...(plan.averages ?? []).map((a) => ({
        step: a.step,
        what: `average "${a.name}" of ${a.of.join(", ")}`,
      })),
      ...(plan.ema ? [{ step: plan.ema.step, what: `EMA of the weights "${plan.ema.name}"` }] : []),
    ];
    return made.map(({ step, what }): Marker => ({
      x: axes[i](step),
      label: `${what} after update ${step}${plans.length > 1 ? ` (${plan.name})` : ""}`,
      kind: "checkpoint",
      color: plans.length > 1 ? PALETTE[i % PALETTE.length] : undefined,
    }));
  });
  return [...phases, ...checkpoints];
}

/**
 * An SVG with one panel each for the LR, weight decay, batch size and mixture of a plan, with phase
 * boundaries and checkpoints marked.
 *
 * @example
 * ```ts
 * import { compileFile, plotPlan } from "../../mod.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * const svg = plotPlan(plans[0], { logY: true, axis: "tokens" });
 * console.assert(svg.startsWith("<svg")); // e.g. Deno.writeTextFile("wsd.svg", svg)
 * ```
 */
export function plotPlan(plan: Plan, options: ChartOptions = {}): string {
  return plotPlans([plan], options);
}

/**
 * Several plans (recipes, or every plan of a sweep) overlaid: LR, weight decay and batch size, one line per
 * plan, checkpoints marked, a branch drawn from its recipe's checkpoint; with one plan, also its stacked
 * mixture and phase boundaries.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { plotPlans } from "./plan_chart.ts";
 * const { plans } = await compileFile("recipes/sweep.recipe");
 * const svg = plotPlans(plans, { logY: true });
 * console.assert(svg.startsWith("<svg"));
 * ```
 */
export function plotPlans(plans: Plan[], options: ChartOptions = {}): string {
  return renderPanels(planPanels(plans, options));
}

/**
 * The x axis of each plan. A plan that starts from a checkpoint of an earlier plan among them (a branch of
 * a recipe, after its recipe) continues from that checkpoint, so that an anneal is drawn where it leaves the
 * run.
 */
function planAxes(plans: Plan[], options: ChartOptions): ((k: number) => number)[] {
  const axes: ((k: number) => number)[] = [];
  plans.forEach((plan, i) => {
    const own = axisOf(plan, options.axis);
    const parent = plans.findIndex((p, j) => j < i && p.name === plan.init?.recipe);
    const start = parent < 0 ? 0 : axes[parent](plan.init!.step);
    axes.push(start ? (k) => start + own(k) : own);
  });
  return axes;
}

/** The panels of {@link plotPlans}, to stack with others (a run's) in one document. */
export function planPanels(plans: Plan[], options: ChartOptions = {}): Panel[] {
  if (!plans.length) return [];
  const axes = planAxes(plans, options);
  const x: [number, number] = [0, Math.max(...plans.map((plan, i) => axes[i](plan.steps)))];
  const xLabel = axisLabel(options.axis);
  const markers = planMarkers(plans, axes);
  const one = plans.length === 1;
  const lines = (name: string, quantity: PieceQuantity) =>
    plans.map((plan, i) => ({ name: one ? name : plan.name, points: planColumn(plan, axes[i], quantity) }));
  /** The plan's line, then (one plan) a line per group whose multiplier of it is not 1. */
  const grouped = (name: string, quantity: PieceQuantity, scale: (g: Group) => number) => {
    const planLines = lines(name, quantity);
    return [
      ...planLines,
      ...(one ? plans[0].groups ?? [] : []).filter((g) => scale(g) !== 1).map((g) => ({
        name: `${name} (group "${g.name}")`,
        points: planLines[0].points.map(([x, y]): [number, number] => [x, y * scale(g)]),
      })),
    ];
  };
  const panels: Panel[] = [
    {
      title: one ? `${plans[0].name}: learning rate` : "learning rate",
      xLabel,
      x,
      lines: grouped("lr", "lr", (g) => g.lrScale),
      markers,
      logY: options.logY,
    },
    {
      title: "weight decay",
      xLabel,
      x,
      lines: grouped("weight decay", "weightDecay", (g) => g.weightDecayScale ?? 1),
      markers,
    },
    { title: "batch (sequences)", xLabel, x, lines: lines("batch", "batch"), markers },
  ];
  for (const [quantity, title] of SCHEDULED_PANELS) {
    if (plans.some((plan) => plan.timelines?.[quantity])) {
      panels.push({ title, xLabel, x, lines: lines(quantity, quantity), markers });
    }
  }
  if (one && plans[0].sources.length) panels.push(mixturePanel(plans[0], axes[0], xLabel, x, markers));
  return panels;
}

function mixturePanel(
  plan: Plan,
  axis: (k: number) => number,
  xLabel: string,
  x: [number, number],
  markers: Marker[],
): Panel {
  const bands: Band[] = plan.sources.map((s) => ({
    name: s.name,
    spans: plan.phases.filter((p) => p.mix[s.name]).map((
      p,
    ): [number, number, number] => [axis(p.start), axis(p.end), p.mix[s.name]]),
  }));
  return { title: "data mixture", xLabel, x, bands, markers };
}
