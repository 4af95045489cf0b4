/**
 * The chart `diff --plot` writes: both plans' LR curves over updates in one panel.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { scheduleTable } from "../schedule/table.ts";
import { downsample, renderPanels } from "../plot/chart.ts";

function curve(plan: Plan): [number, number][] {
  const lr = scheduleTable(plan).lr;
  const points: [number, number][] = Array.from(lr, (v, k) => [k, v]);
  points.push([plan.steps, lr[plan.steps - 1]]);
  return downsample(points);
}

/**
 * An SVG overlaying the LR curves of plans A and B, named by `labels`.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { overlayChart } from "./overlay_chart.ts";
 * const { plans } = await compileFile("recipes/sweep.recipe");
 * const svg = overlayChart(plans[0], plans[1], ["A", "B"]);
 * console.assert(svg.startsWith("<svg")); // e.g. Deno.writeTextFile("lr.svg", svg)
 * ```
 */
export function overlayChart(a: Plan, b: Plan, labels: [string, string]): string {
  return renderPanels([{
    title: `learning rate: ${a.name} vs ${b.name}`,
    xLabel: "update",
    x: [0, Math.max(a.steps, b.steps)],
    lines: [{ name: `A: ${labels[0]}`, points: curve(a) }, { name: `B: ${labels[1]}`, points: curve(b) }],
  }]);
}
