/**
 * A measured loss curve: losses after numbers of updates of a known LR history. What `fitLossLaw` fits.
 * @module
 */
import type { LrHistory } from "./lr_history.ts";

/** One measured loss: after `updates` updates of the history (counted from initialisation). */
export interface LossPoint {
  updates: number;
  loss: number;
}

/** A loss curve and the LR history that produced it. */
export interface LossCurve {
  /** A name for reports and charts (the run directory or the log file). */
  name: string;
  history: LrHistory;
  /** Ascending in `updates`; each in 1..history.lr.length. */
  points: LossPoint[];
}

/**
 * The points a fit uses: finite positive losses after the curve's first LR peak (`skip` updates at least),
 * within the history, averaged in equal-count bins when there are more than `maxPoints`.
 *
 * @example
 * ```ts
 * import { fitPoints } from "./loss_curve.ts";
 * const points = [1, 2, 3, 4].map((updates) => ({ updates, loss: 5 - updates }));
 * const binned = fitPoints(points, 4, 1, 2); // after update 1: 2, 3, 4, in two bins
 * console.assert(binned.length === 2 && binned[1].updates === 3.5);
 * ```
 */
export function fitPoints(points: LossPoint[], length: number, skip: number, maxPoints: number): LossPoint[] {
  const kept = points.filter((p) =>
    p.updates > skip && p.updates <= length && Number.isFinite(p.loss) && p.loss > 0
  );
  if (kept.length <= maxPoints) return kept;
  return Array.from({ length: maxPoints }, (_, b) => {
    const bin = kept.slice(
      Math.floor((b * kept.length) / maxPoints),
      Math.floor(((b + 1) * kept.length) / maxPoints),
    );
    return {
      updates: bin.reduce((s, p) => s + p.updates, 0) / bin.length,
      loss: bin.reduce((s, p) => s + p.loss, 0) / bin.length,
    };
  });
}
