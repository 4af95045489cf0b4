/**
 * The chart of a plan: LR, weight decay, batch size and the stacked mixture over updates.
 * @module
 */
import type { Phase, Plan, Shape } from "../plan/schema.ts";
import { shapeFunction } from "../plan/shape_value.ts";
import { batchAt } from "../plan/evaluate.ts";
import { type Band, type Panel, renderPanels } from "./chart.ts";

/**
 * The local updates of a phase worth drawing: all of a short phase; of a long one, 400 evenly spaced,
 * its last, and both sides of every step-shape boundary (so jumps stay sharp). Never allocates per update.
 */
function samplePoints(phase: Phase): number[] {
  const n = phase.end - phase.start;
  if (n <= 400) return Array.from({ length: n }, (_, i) => i);
  const points = new Set<number>(Array.from({ length: 400 }, (_, j) => Math.floor((j * n) / 400)));
  points.add(n - 1);
  for (const shape of [phase.lr, phase.weightDecay]) {
    if (shape.shape === "step") {
      for (const b of shape.boundaries) points.add(b - 1 - phase.offset).add(b - phase.offset);
    }
  }
  return [...points].filter((i) => i >= 0 && i < n).sort((a, b) => a - b);
}

/**
 * An SVG with one panel each for the LR, weight decay, batch size and mixture of a plan, with phase
 * boundaries marked.
 *
 * @example
 * ```ts
 * import { compileFile, plotPlan } from "../../mod.ts";
 * const { plans } = await compileFile("recipes/wsd.recipe");
 * await Deno.writeTextFile("wsd.svg", plotPlan(plans[0]));
 * ```
 */
export function plotPlan(plan: Plan): string {
  const x: [number, number] = [0, plan.steps];
  const column = (value: (phase: Phase, i: number) => number): [number, number][] => {
    const points: [number, number][] = [];
    for (const phase of plan.phases) {
      for (const i of samplePoints(phase)) points.push([phase.start + i, value(phase, i)]);
    }
    points.push([plan.steps, points.at(-1)![1]]);
    return points;
  };
  const shaped = (shape: (p: Phase) => Shape) => (phase: Phase, i: number) =>
    shapeFunction(shape(phase), phase.end - phase.start, phase.offset)(i);
  const markers = plan.phases.slice(1).map((p) => ({ x: p.start, label: p.name }));
  const bands: Band[] = plan.sources.map((s) => ({
    name: s.name,
    spans: plan.phases.filter((p) => p.mix[s.name]).map((
      p,
    ): [number, number, number] => [p.start, p.end, p.mix[s.name]]),
  }));
  const panels: Panel[] = [
    {
      title: `${plan.name}: learning rate`,
      xLabel: "update",
      x,
      lines: [{ name: "lr", points: column(shaped((p) => p.lr)) }],
      markers,
    },
    {
      title: "weight decay",
      xLabel: "update",
      x,
      lines: [{ name: "weight decay", points: column(shaped((p) => p.weightDecay)) }],
      markers,
    },
    {
      title: "batch (sequences)",
      xLabel: "update",
      x,
      lines: [{ name: "batch", points: column(batchAt) }],
      markers,
    },
  ];
  if (bands.length) panels.push({ title: "data mixture", xLabel: "update", x, bands, markers });
  return renderPanels(panels);
}
