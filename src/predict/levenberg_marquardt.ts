/**
 * A small Levenberg–Marquardt least-squares solver with box bounds, for the loss laws' few parameters.
 * Bounds are kept by projection with an active set: a parameter at a bound whose gradient pushes it out is
 * held there for the step, and every trial point is clamped into the box. The Jacobian is by forward
 * differences (stepping inwards at an upper bound).
 * @module
 */

/** Box bounds: `lower[i] <= p[i] <= upper[i]`; equal bounds fix a parameter. */
export interface Bounds {
  lower: number[];
  upper: number[];
}

/** Options of `levenbergMarquardt`. */
export interface LmOptions {
  /** Iterations (accepted or rejected steps) at most; default 200. */
  maxIterations?: number;
  /** Stop when a step lowers the cost by less than this fraction of it; default 1e-10. */
  tolerance?: number;
}

/** What `levenbergMarquardt` found. */
export interface LmResult {
  params: number[];
  /** Half the sum of squared residuals at `params`. */
  cost: number;
  iterations: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const halfSquares = (r: Float64Array) => {
  let s = 0;
  for (const x of r) s += x * x;
  return s / 2;
};

/** A cost that is NaN or infinite counts as worse than any finite one. */
const costOf = (r: Float64Array) => {
  const c = halfSquares(r);
  return Number.isFinite(c) ? c : Infinity;
};

function jacobian(
  residuals: (p: number[]) => Float64Array,
  p: number[],
  r0: Float64Array,
  bounds: Bounds,
): Float64Array[] {
  return p.map((value, j) => {
    const range = bounds.upper[j] - bounds.lower[j];
    if (range === 0) return new Float64Array(r0.length);
    let h = 1e-7 * Math.max(Math.abs(value), 1e-3 * range, 1e-8);
    if (value + h > bounds.upper[j]) h = -h;
    const q = [...p];
    q[j] = value + h;
    const r = residuals(q);
    const column = new Float64Array(r0.length);
    for (let i = 0; i < r.length; i++) column[i] = Number.isFinite(r[i]) ? (r[i] - r0[i]) / h : 0;
    return column;
  });
}

/** Solves the symmetric positive system `a x = b` by Cholesky; null when it is not positive definite. */
export function solveSymmetric(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** The damped Gauss–Newton step over the free parameters; fixed and blocked ones stay where they are. */
function dampedStep(columns: Float64Array[], r: Float64Array, free: number[], mu: number): number[] | null {
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  const a = free.map((i) => free.map((j) => dot(columns[i], columns[j])));
  const g = free.map((i) => -dot(columns[i], r));
  free.forEach((_, k) => (a[k][k] += mu * Math.max(a[k][k], 1e-12)));
  return solveSymmetric(a, g);
}

/**
 * Minimises `0.5 * |residuals(p)|^2` over the box `bounds`, from `start` (clamped into the box).
 *
 * @example
 * ```ts
 * import { levenbergMarquardt } from "./levenberg_marquardt.ts";
 * // Fit y = a * x + b to three points.
 * const xs = [0, 1, 2], ys = [1, 3, 5];
 * const fit = levenbergMarquardt(
 *   ([a, b]) => Float64Array.from(xs, (x, i) => a * x + b - ys[i]),
 *   [0, 0],
 *   { lower: [-10, -10], upper: [10, 10] },
 * );
 * console.assert(Math.abs(fit.params[0] - 2) < 1e-8 && Math.abs(fit.params[1] - 1) < 1e-8);
 * ```
 */
export function levenbergMarquardt(
  residuals: (p: number[]) => Float64Array,
  start: number[],
  bounds: Bounds,
  options: LmOptions = {},
): LmResult {
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-10;
  let p = start.map((x, i) => clamp(x, bounds.lower[i], bounds.upper[i]));
  let r = residuals(p);
  let cost = costOf(r);
  let mu = 1e-3;
  let iterations = 0;
  let columns = jacobian(residuals, p, r, bounds);
  while (iterations < maxIterations && Number.isFinite(cost)) {
    iterations++;
    const gradient = columns.map((c) => c.reduce((s, x, i) => s + x * r[i], 0));
    // Held: fixed parameters, and those at a bound that the descent direction (-gradient) pushes outward.
    const free = p.map((_, i) => i).filter((i) =>
      bounds.upper[i] > bounds.lower[i] &&
      !(p[i] <= bounds.lower[i] && gradient[i] > 0) && !(p[i] >= bounds.upper[i] && gradient[i] < 0)
    );
    if (free.length === 0) break;
    const step = dampedStep(columns, r, free, mu);
    if (!step) {
      mu *= 10;
      if (mu > 1e12) break;
      continue;
    }
    const q = [...p];
    free.forEach((i, k) => (q[i] = clamp(p[i] + step[k], bounds.lower[i], bounds.upper[i])));
    const rq = residuals(q);
    const costQ = costOf(rq);
    if (costQ < cost) {
      const gain = (cost - costQ) / Math.max(cost, 1e-300);
      [p, r, cost] = [q, rq, costQ];
      mu = Math.max(mu / 3, 1e-12);
      if (gain < tolerance) break;
      columns = jacobian(residuals, p, r, bounds);
    } else {
      mu *= 4;
      if (mu > 1e12) break;
    }
  }
  return { params: p, cost, iterations };
}
