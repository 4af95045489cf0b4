/**
 * The SVG of `deno task predict`: the measured curves with the law's fit over them, then the predicted
 * curves of the plans, with the bootstrap interval of the first (or best) one.
 * @module
 */
import { PALETTE, type Panel, renderPanels, type Series } from "../plot/chart.ts";
import type { LossFit } from "../predict/fit.ts";
import type { LossPrediction } from "../predict/predict.ts";

/** Lines in one panel at most: the legend has room for about this many. */
const MAX_LINES = 9;

/**
 * Two panels: "fit" (measured and fitted, one colour per curve) and "prediction" (one line per plan, at
 * most eight; the first plan's 5% and 95% bootstrap curves in grey).
 *
 * @example
 * ```ts
 * import { predictionChart } from "./predict_chart.ts";
 * import { fitLossLaw, predictLoss, readRunCurve } from "../../mod.ts";
 * const { curve, plan } = await readRunCurve("tests/testdata/predict/wsd");
 * const fit = fitLossLaw([curve], { bootstrap: 2 });
 * console.assert(predictionChart(fit, [predictLoss(fit, plan)]).startsWith("<svg"));
 * ```
 */
export function predictionChart(fit: LossFit, predictions: LossPrediction[]): string {
  const fitLines: Series[] = fit.curves.slice(0, Math.floor(MAX_LINES / 2)).flatMap((c, i) => [
    { name: `${shortName(c.name)}`, points: c.points.map((p) => [p.updates, p.loss]), color: PALETTE[i] },
    {
      name: `${shortName(c.name)} (fit)`,
      points: c.points.map((p, j) => [p.updates, c.fitted[j]]),
      color: "#000",
    },
  ]);
  const shown = predictions.slice(0, MAX_LINES - 2);
  const band = shown[0];
  const predictionLines: Series[] = [
    ...shown.map((p, i) => ({
      name: shortName(p.name),
      points: p.curve.map((c) => [c.updates, c.loss] as [number, number]),
      color: PALETTE[(i + 2) % PALETTE.length],
    })),
    ...(band && fit.samples.length
      ? [
        {
          name: "5%",
          points: band.curve.map((c) => [c.updates, c.lower] as [number, number]),
          color: "#aaa",
        },
        {
          name: "95%",
          points: band.curve.map((c) => [c.updates, c.upper] as [number, number]),
          color: "#aaa",
        },
      ]
      : []),
  ];
  const range = (lines: Series[]): [number, number] => {
    const xs = lines.flatMap((l) => l.points.map((p) => p[0]));
    return xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  };
  const panels: Panel[] = [
    {
      title: `Measured loss and the ${fit.law} law's fit (black)`,
      xLabel: "update",
      x: range(fitLines),
      lines: fitLines,
    },
    {
      title: `Predicted loss${
        band && fit.samples.length ? ` (grey: 5%-95% of refits for ${shortName(band.name)})` : ""
      }`,
      xLabel: "update",
      x: range(predictionLines),
      lines: predictionLines,
    },
  ];
  return renderPanels(panels);
}

/** Names fit the legend: the last path segment, at most 20 characters. */
function shortName(name: string): string {
  const last = name.split("/").filter(Boolean).at(-1) ?? name;
  return last.length > 20 ? `${last.slice(0, 19)}…` : last;
}
