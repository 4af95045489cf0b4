/**
 * The chart of a plan: LR, weight decay, batch size and the stacked mixture over updates.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { scheduleTable } from "../schedule/table.ts";
import { type Band, type Panel, renderPanels } from "./chart.ts";

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
  const table = scheduleTable(plan);
  const x: [number, number] = [0, plan.steps];
  const column = (values: ArrayLike<number>): [number, number][] => {
    // Flat stretches need only their ends.
    const points: [number, number][] = [];
    for (let k = 0; k < plan.steps; k++) {
      if (k === 0 || k === plan.steps - 1 || values[k] !== values[k - 1] || values[k] !== values[k + 1]) {
        points.push([k, values[k]]);
      }
    }
    points.push([plan.steps, values[plan.steps - 1]]);
    return points;
  };
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
      lines: [{ name: "lr", points: column(table.lr) }],
      markers,
    },
    {
      title: "weight decay",
      xLabel: "update",
      x,
      lines: [{ name: "weight decay", points: column(table.weightDecay) }],
      markers,
    },
    {
      title: "batch (sequences)",
      xLabel: "update",
      x,
      lines: [{ name: "batch", points: column(table.batch) }],
      markers,
    },
  ];
  if (bands.length) panels.push({ title: "data mixture", xLabel: "update", x, bands, markers });
  return renderPanels(panels);
}
