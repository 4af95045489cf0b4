/**
 * The text `deno task predict` prints: the fit (law, parameters, quality, warnings) and a table of
 * predicted final losses, optionally ranked.
 * @module
 */
import type { LossFit } from "./fit.ts";
import type { LossPrediction } from "./predict.ts";

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
const g3 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));

/**
 * The fit in a few lines: law, curves with their quality, overall quality, parameters.
 *
 * @example
 * ```ts
 * import { fitReport } from "./report.ts";
 * import { fitLossLaw } from "./fit.ts";
 * import { readRunCurve } from "./read_run.ts";
 * const { curve } = await readRunCurve("tests/testdata/predict/wsd");
 * const text = fitReport(fitLossLaw([curve], { bootstrap: 0 }));
 * console.assert(text.startsWith("Fit: L = L0 + A*S1^-alpha"));
 * ```
 */
export function fitReport(fit: LossFit): string {
  const q = fit.quality;
  const params = Object.entries(fit.params).map(([name, value]) =>
    `${name} ${g3(value)}${fit.fixed.includes(name) ? " (fixed)" : ""}`
  );
  return [
    `Fit: ${fit.title}`,
    ...q.curves.map((c) => `  ${c.name}: ${c.points} points, R² ${f4(c.r2)}, RMSE ${f4(c.rmse)}`),
    `  all: R² ${f4(q.r2)}, RMSE ${f4(q.rmse)} nats, max |residual| ${f4(q.maxAbsError)}; Huber threshold ${
      g3(fit.huberDelta)
    } on log-loss; ${fit.samples.length} bootstrap refits`,
    `  ${params.join(", ")}`,
    ...fit.warnings.map((w) => `warning: ${w}`),
  ].join("\n");
}

/**
 * A table of predicted final losses with their bootstrap intervals; with `rank`, best first.
 *
 * @example
 * ```ts
 * import { predictionTable } from "./report.ts";
 * import { fitLossLaw } from "./fit.ts";
 * import { predictLoss } from "./predict.ts";
 * import { readRunCurve } from "./read_run.ts";
 * const { curve, plan } = await readRunCurve("tests/testdata/predict/wsd");
 * const fit = fitLossLaw([curve], { bootstrap: 4 });
 * const table = predictionTable([predictLoss(fit, plan)], true);
 * console.assert(table.split("\n")[1].startsWith("1     fx-wsd  300"));
 * ```
 */
export function predictionTable(predictions: LossPrediction[], rank = false): string {
  const rows = rank ? [...predictions].sort((a, b) => a.final.loss - b.final.loss) : predictions;
  const head = [...(rank ? ["rank"] : []), "plan", "updates", "final loss", "5%-95% (bootstrap)"];
  const body = rows.map((p, i) => [
    ...(rank ? [String(i + 1)] : []),
    p.name,
    String(p.final.updates),
    f4(p.final.loss),
    `${f4(p.final.lower)} - ${f4(p.final.upper)}`,
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd();
  const lines = [line(head), ...body.map(line)];
  if (rank && rows.length > 1) {
    const [a, b] = rows;
    const overlap = a.final.upper >= b.final.lower;
    lines.push(
      `best: ${a.name}, ${f4(b.final.loss - a.final.loss)} below the next` +
        (overlap ? " (within the bootstrap intervals: not a clear winner)" : ""),
    );
  }
  return [...lines, ...groupedWarnings(predictions)].join("\n");
}

/** The plans' warnings, one line per message: "name: message" becomes "a, b: message" (or "every plan"). */
function groupedWarnings(predictions: LossPrediction[]): string[] {
  const byMessage = new Map<string, string[]>();
  for (const p of predictions) {
    for (const w of p.warnings) {
      const message = w.startsWith(`${p.name}: `) ? w.slice(p.name.length + 2) : w;
      byMessage.set(message, [...byMessage.get(message) ?? [], p.name]);
    }
  }
  return [...byMessage].map(([message, names]) =>
    `warning: ${
      names.length === predictions.length && names.length > 1 ? "every plan" : names.join(", ")
    }: ${message}`
  );
}
