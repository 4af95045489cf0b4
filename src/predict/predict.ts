/**
 * Predicting a schedule's loss curve from a fitted law, with the spread of the bootstrap refits.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { lawInput } from "./loss_law.ts";
import { lawNamed } from "./laws.ts";
import type { LossFit } from "./fit.ts";
import { type LrHistory, lrHistory } from "./lr_history.ts";
import { quantile } from "./bootstrap.ts";

/** A predicted loss and its bootstrap interval (5th to 95th percentile of the refits; equal without them). */
export interface PredictedLoss {
  updates: number;
  loss: number;
  lower: number;
  upper: number;
}

/** A predicted curve over the plan's own updates, and the loss after its last update. */
export interface LossPrediction {
  name: string;
  /** Updates since initialisation (a continued plan starts after its parents'). */
  curve: PredictedLoss[];
  final: PredictedLoss;
  /** Where the prediction extrapolates beyond what the fit saw, one sentence each. */
  warnings: string[];
}

/** Options of `predictLoss`. */
export interface PredictOptions {
  /** Plans of the parents of a continued plan (`init`), by recipe name. */
  parents?: Plan[];
  /** Points of the predicted curve at most (default 200; the last update is always one). */
  points?: number;
  /** Predict after exactly these numbers of updates (ascending, since initialisation) instead. */
  at?: number[];
}

function extrapolation(fit: LossFit, history: LrHistory): string[] {
  const peak = history.lr.reduce((a, b) => Math.max(a, b), 0);
  const warnings: string[] = [];
  if (peak > fit.lrScale * (1 + 1e-9)) {
    warnings.push(
      `${history.name}: peak LR ${peak.toPrecision(3)} is above every fitted curve's (${
        fit.lrScale.toPrecision(3)
      }); the law has no term for the instability of a high LR, so it favours it`,
    );
  }
  const fitted = Math.max(...fit.curves.map((c) => c.points.at(-1)!.updates));
  if (history.lr.length > 2 * fitted) {
    warnings.push(
      `${history.name}: over twice as many updates as the longest fitted curve (${
        Math.round(fitted)
      }): a long extrapolation`,
    );
  }
  return warnings;
}

/**
 * The loss `fit` predicts for `target` (a plan, or an LR history) after each of its updates.
 *
 * @example
 * ```ts
 * import { compileFile, fitLossLaw, lrHistory, predictLoss } from "../../mod.ts";
 * const [plan] = (await compileFile("recipes/wsd.recipe")).plans;
 * const points = [100, 300, 500, 781].map((k) => ({ updates: k, loss: 2 + 40 * k ** -0.6 }));
 * const fit = fitLossLaw([{ name: "wsd", history: lrHistory(plan), points }], { bootstrap: 4 });
 * const { final } = predictLoss(fit, plan);
 * console.assert(final.lower <= final.loss && final.loss <= final.upper && final.updates === plan.steps);
 * ```
 */
export function predictLoss(
  fit: LossFit,
  target: Plan | LrHistory,
  options: PredictOptions = {},
): LossPrediction {
  const history = "lr" in target && target.lr instanceof Float64Array
    ? target as LrHistory
    : lrHistory(target as Plan, options.parents);
  const law = lawNamed(fit.law);
  const input = lawInput(history.lr, fit.lrScale);
  const first = history.offset + 1;
  const last = history.lr.length;
  const count = Math.min(options.points ?? 200, last - first + 1);
  const at = options.at ? Int32Array.from(options.at) : Int32Array.from(
    { length: count },
    (_, i) => count === 1 ? last : Math.round(first + ((last - first) * i) / (count - 1)),
  );
  const loss = law.evaluate(fit.vector, input, at);
  const draws = fit.samples.map((p) => law.evaluate(p, input, at));
  const curve = [...at].map((updates, i) => {
    const values = draws.map((d) => d[i]);
    return {
      updates,
      loss: loss[i],
      lower: values.length ? Math.min(loss[i], quantile(values, 0.05)) : loss[i],
      upper: values.length ? Math.max(loss[i], quantile(values, 0.95)) : loss[i],
    };
  });
  return { name: history.name, curve, final: curve.at(-1)!, warnings: extrapolation(fit, history) };
}
