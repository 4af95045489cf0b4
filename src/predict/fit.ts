/**
 * Fitting a loss law to measured curves: Huber loss on log-loss, box-bounded parameters, several starts
 * with Levenberg–Marquardt, fit quality (R², residuals), and refits on block-bootstrap resamples of the
 * curves for the uncertainty of predictions.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { Random } from "../fuzz/random.ts";
import { type Bounds, levenbergMarquardt } from "./levenberg_marquardt.ts";
import {
  type LawInput,
  lawInput,
  type LawName,
  type LossLaw,
  paramInternal,
  paramValue,
} from "./loss_law.ts";
import { lawNamed } from "./laws.ts";
import { fitPoints, type LossCurve, type LossPoint } from "./loss_curve.ts";
import { huberResidual, noiseScale } from "./huber.ts";
import { blockResample } from "./bootstrap.ts";

/** Options of `fitLossLaw`. */
export interface FitOptions {
  /** Which law (default "tissue"). */
  law?: LawName;
  /** Random starts of the optimiser besides the middle of the start ranges (default 12). */
  starts?: number;
  /** Refits on block-bootstrap resamples, for prediction intervals (default 20; 0 for none). */
  bootstrap?: number;
  /** Seed of the starts and resamples (default 1): the same inputs give the same fit. */
  seed?: number;
  /** Huber threshold on log-loss residuals (default 1.345 x the curves' noise, at least 1e-4). */
  huberDelta?: number;
  /** Parameters to hold at a value (reported units, e.g. `{ lambda: 0.999 }`). */
  fixed?: Record<string, number>;
  /** Parameters the law fixes by default that should be fitted (e.g. `["lambda"]`). */
  free?: string[];
  /** Points after fewer updates than this are left out (default: up to the end of each curve's warmup). */
  skip?: number;
  /** Points per curve at most; more are averaged in bins (default 150). */
  maxPoints?: number;
}

/** How well the law fits, on the loss (not log) scale. */
export interface FitQuality {
  r2: number;
  /** Root-mean-square residual (nats). */
  rmse: number;
  maxAbsError: number;
  points: number;
  curves: { name: string; r2: number; rmse: number; points: number }[];
}

/** A fitted law: what `predictLoss` needs, with the fit's quality and the data it used. */
export interface LossFit {
  law: LawName;
  title: string;
  /** The reference LR: histories are divided by it (the largest LR of the fitted curves). */
  lrScale: number;
  huberDelta: number;
  /** Parameter values by name (reported units). */
  params: Record<string, number>;
  /** Parameters held at a value rather than fitted. */
  fixed: string[];
  /** The optimiser's parameter vector (log scales), and one per bootstrap refit. */
  vector: number[];
  samples: number[][];
  quality: FitQuality;
  /** The points fitted per curve with the law's value at each. */
  curves: { name: string; points: LossPoint[]; fitted: number[] }[];
  /** Parameters the data left at a bound, and similar cautions, one sentence each. */
  warnings: string[];
}

interface Prepared {
  name: string;
  input: LawInput;
  points: LossPoint[];
  at: Int32Array;
  logLoss: Float64Array;
  weight: number;
}

/** The first update whose LR is not above the previous one: where the initial warmup ends. */
function warmupEnd(lr: Float64Array): number {
  let k = 1;
  while (k < lr.length && lr[k] > lr[k - 1]) k++;
  return k;
}

function prepare(curves: LossCurve[], scale: number, options: FitOptions): Prepared[] {
  const prepared = curves.map((curve) => {
    const skip = Math.max(options.skip ?? 0, warmupEnd(curve.history.lr), curve.history.offset);
    const points = fitPoints(curve.points, curve.history.lr.length, skip, options.maxPoints ?? 150);
    if (points.length < 3) {
      throw new InputError(
        `Curve "${curve.name}" has ${points.length} usable loss points after update ${skip} ` +
          "(finite, positive, within its schedule, after the warmup): a fit needs at least 3",
      );
    }
    return {
      name: curve.name,
      input: lawInput(curve.history.lr, scale),
      points,
      at: Int32Array.from(points, (p) => Math.max(1, Math.round(p.updates))),
      logLoss: Float64Array.from(points, (p) => Math.log(p.loss)),
      weight: 1,
    };
  });
  const mean = prepared.reduce((s, c) => s + c.points.length, 0) / prepared.length;
  for (const c of prepared) c.weight = Math.sqrt(mean / c.points.length);
  return prepared;
}

/** The law's bounds with L0 bounded by the data, and the fixed parameters pinned. */
function boundsFor(
  law: LossLaw,
  data: Prepared[],
  options: FitOptions,
): Bounds & { start: [number, number][] } {
  const losses = data.flatMap((c) => c.points.map((p) => p.loss));
  const [min, max] = [Math.min(...losses), Math.max(...losses)];
  const known = new Set(law.params.map((p) => p.name));
  for (const name of [...Object.keys(options.fixed ?? {}), ...options.free ?? []]) {
    if (!known.has(name)) {
      throw new InputError(`The ${law.name} law has no parameter "${name}": it has ${[...known].join(", ")}`);
    }
  }
  const specs = law.params.map((spec) =>
    spec.name === "L0" ? { ...spec, upper: max, start: [0.3 * min, 0.98 * min] as [number, number] } : spec
  );
  const pinned = specs.map((spec) => {
    const value = options.fixed?.[spec.name];
    if (value !== undefined) return paramInternal(spec, value);
    return options.free?.includes(spec.name) ? undefined : spec.fixed;
  });
  return {
    lower: specs.map((s, i) => pinned[i] ?? s.lower),
    upper: specs.map((s, i) => pinned[i] ?? s.upper),
    start: specs.map((s, i) => pinned[i] !== undefined ? [pinned[i]!, pinned[i]!] : s.start),
  };
}

/** Huber residuals of log-loss; `targets` replaces the measured log-losses (a bootstrap resample). */
function residualsOf(law: LossLaw, data: Prepared[], delta: number, targets?: Float64Array[]) {
  return (p: number[]): Float64Array => {
    const out: number[] = [];
    data.forEach((c, j) => {
      const predicted = law.evaluate(p, c.input, c.at);
      const target = targets?.[j] ?? c.logLoss;
      for (let i = 0; i < predicted.length; i++) {
        const r = Math.log(Math.max(predicted[i], 1e-9)) - target[i];
        out.push(c.weight * huberResidual(Number.isFinite(r) ? r : 50, delta));
      }
    });
    return Float64Array.from(out);
  };
}

/**
 * Log-losses for one bootstrap refit: the fitted curve plus the fit's log residuals resampled in blocks
 * (a residual block bootstrap: every update of the design stays, the noise and its correlation are redrawn).
 */
function resampled(data: Prepared[], fitted: Float64Array[], random: Random): Float64Array[] {
  return data.map((c, j) => {
    const logFit = fitted[j].map((x) => Math.log(Math.max(x, 1e-9)));
    const residual = c.logLoss.map((x, i) => x - logFit[i]);
    const pick = blockResample(c.points.length, random);
    return logFit.map((x, i) => x + residual[pick[i]]);
  });
}

/** Several starts, a short run each, then the best few run to convergence. */
function multiStart(
  residuals: (p: number[]) => Float64Array,
  bounds: ReturnType<typeof boundsFor>,
  options: FitOptions,
) {
  const random = new Random(options.seed ?? 1);
  const middle = bounds.start.map(([a, b]) => (a + b) / 2);
  const starts = [
    middle,
    ...Array.from(
      { length: options.starts ?? 12 },
      () => bounds.start.map(([a, b]) => a + (b - a) * random.next()),
    ),
  ];
  const short = starts.map((s) => levenbergMarquardt(residuals, s, bounds, { maxIterations: 30 }));
  short.sort((a, b) => a.cost - b.cost);
  const long = short.slice(0, 3).map((r) =>
    levenbergMarquardt(residuals, r.params, bounds, { maxIterations: 300 })
  );
  return long.reduce((a, b) => (b.cost < a.cost ? b : a));
}

function quality(data: Prepared[], fitted: Float64Array[]): FitQuality {
  const stats = (obs: number[], fit: number[]) => {
    const mean = obs.reduce((s, x) => s + x, 0) / obs.length;
    const res = obs.reduce((s, x, i) => s + (x - fit[i]) ** 2, 0);
    const tot = obs.reduce((s, x) => s + (x - mean) ** 2, 0);
    return { r2: tot > 0 ? 1 - res / tot : NaN, rmse: Math.sqrt(res / obs.length), points: obs.length };
  };
  const obs = data.flatMap((c) => c.points.map((p) => p.loss));
  const fit = fitted.flatMap((f) => [...f]);
  return {
    ...stats(obs, fit),
    maxAbsError: Math.max(...obs.map((x, i) => Math.abs(x - fit[i]))),
    curves: data.map((c, j) => ({ name: c.name, ...stats(c.points.map((p) => p.loss), [...fitted[j]]) })),
  };
}

function boundWarnings(law: LossLaw, p: number[], bounds: Bounds): string[] {
  return law.params.flatMap((spec, i) => {
    if (bounds.lower[i] === bounds.upper[i]) return [];
    const edge = Math.abs(p[i] - bounds.lower[i]) < 1e-6
      ? bounds.lower[i]
      : Math.abs(p[i] - bounds.upper[i]) < 1e-6
      ? bounds.upper[i]
      : null;
    if (edge === null) return [];
    return [
      `${spec.name} ended at its bound ${
        paramValue(spec, edge).toPrecision(3)
      }: the curves do not pin it down`,
    ];
  });
}

/** A fit without any LR decrease cannot tell how much annealing lowers the loss. */
function annealingWarning(data: Prepared[]): string[] {
  const anneals = data.some((c) => c.input.warmup < c.input.u.length);
  return anneals ? [] : [
    "No fitted curve has an LR decrease after its warmup: the annealing term is not determined, so " +
    "predictions for schedules that decay are guesses (fit a curve that decays, e.g. a WSD run)",
  ];
}

/**
 * Fits `options.law` to `curves` (one or more, each with its LR history).
 *
 * @example
 * ```ts
 * import { compileFile, fitLossLaw, lrHistory, predictLoss } from "../../mod.ts";
 * const [plan] = (await compileFile("recipes/wsd.recipe")).plans;
 * const history = lrHistory(plan);
 * const points = [100, 200, 400, 600, 781].map((k) => ({ updates: k, loss: 2 + 40 * k ** -0.6 }));
 * const fit = fitLossLaw([{ name: "wsd", history, points }], { bootstrap: 0 });
 * const final = predictLoss(fit, history).final.loss;
 * console.assert(Math.abs(final - (2 + 40 * 781 ** -0.6)) < 0.05);
 * ```
 */
export function fitLossLaw(curves: LossCurve[], options: FitOptions = {}): LossFit {
  if (curves.length === 0) throw new InputError("No loss curves to fit: give at least one");
  const law = lawNamed(options.law ?? "tissue");
  const lrScale = Math.max(...curves.map((c) => c.history.lr.reduce((a, b) => Math.max(a, b), 0)));
  if (!(lrScale > 0)) throw new InputError("The fitted curves' schedules have no positive LR");
  const data = prepare(curves, lrScale, options);
  const delta = options.huberDelta ?? Math.max(1e-4, 1.345 * noiseScale(data.map((c) => [...c.logLoss])));
  const bounds = boundsFor(law, data, options);
  const best = multiStart(residualsOf(law, data, delta), bounds, options);
  const fitted = data.map((c) => law.evaluate(best.params, c.input, c.at));
  const random = new Random((options.seed ?? 1) + 7919);
  const samples = Array.from({ length: options.bootstrap ?? 20 }, () => {
    const targets = resampled(data, fitted, random);
    return levenbergMarquardt(residualsOf(law, data, delta, targets), best.params, bounds, {
      maxIterations: 60,
    })
      .params;
  });
  return {
    law: law.name,
    title: law.title,
    lrScale,
    huberDelta: delta,
    params: Object.fromEntries(law.params.map((s, i) => [s.name, paramValue(s, best.params[i])])),
    fixed: law.params.filter((_, i) => bounds.lower[i] === bounds.upper[i]).map((s) => s.name),
    vector: best.params,
    samples,
    quality: quality(data, fitted),
    curves: data.map((c, j) => ({ name: c.name, points: c.points, fitted: [...fitted[j]] })),
    warnings: [...annealingWarning(data), ...boundWarnings(law, best.params, bounds)],
  };
}
