/**
 * Where two plans' per-update values first differ and by how much: the LR, weight decay, batch and
 * mixture, update by update over the updates both plans have.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import type { ScheduleTable } from "../schedule/table.ts";

/** How one per-update column of two plans differs. Null fields: the column is the same at every update. */
export interface Divergence {
  /** The first update where the values differ (or where one plan has ended). */
  first: number;
  /** The values at `first` (null: that plan has no such update). */
  a: number | null;
  b: number | null;
  /** The largest |a - b| over the updates both plans have, and where. */
  largest: number;
  at: number;
}

/** Whether two values differ beyond 1e-12 relative (what the emitters' exactness allows). */
export function differs(a: number, b: number): boolean {
  return !(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)));
}

/**
 * The divergence of two columns (`a` has the first plan's values per update, `b` the second's), or null.
 *
 * @example
 * ```ts
 * import { columnDivergence } from "./divergence.ts";
 * columnDivergence([1, 2, 3], [1, 2, 5]); // { first: 2, a: 3, b: 5, largest: 2, at: 2 }
 * ```
 */
export function columnDivergence(a: ArrayLike<number>, b: ArrayLike<number>): Divergence | null {
  const n = Math.min(a.length, b.length);
  let first = -1;
  let largest = 0;
  let at = 0;
  for (let k = 0; k < n; k++) {
    if (!differs(a[k], b[k])) continue;
    if (first < 0) first = k;
    const d = Math.abs(a[k] - b[k]);
    if (d > largest) [largest, at] = [d, k];
  }
  if (first < 0 && a.length === b.length) return null;
  if (first < 0) first = n;
  return { first, a: first < a.length ? a[first] : null, b: first < b.length ? b[first] : null, largest, at };
}

/**
 * The area between two LR curves over the updates both have: the sum over updates of |lr_a - lr_b|, in
 * LR x updates (so a constant gap of 1e-4 over 1,000 updates is 0.1).
 *
 * @example
 * ```ts
 * import { areaBetween } from "./divergence.ts";
 * areaBetween([1, 1, 1], [0, 1, 3]); // 3
 * ```
 */
export function areaBetween(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let area = 0;
  for (let k = 0; k < Math.min(a.length, b.length); k++) area += Math.abs(a[k] - b[k]);
  return area;
}

/** How two plans' mixtures differ update by update: the first update and the largest weight difference. */
export interface MixDivergence {
  first: number;
  a: Record<string, number> | null;
  b: Record<string, number> | null;
  /** The largest difference of one source's weight, the source and the update. */
  largest: number;
  source: string;
  at: number;
}

/**
 * The divergence of two plans' mixtures (sources compared by name), or null when every update draws the
 * same mixture.
 *
 * @example
 * ```ts
 * import { mixDivergence } from "./divergence.ts";
 * // mixDivergence(planA, tableA, planB, tableB)?.first // the first update whose mixture differs
 * ```
 */
export function mixDivergence(a: Plan, ta: ScheduleTable, b: Plan, tb: ScheduleTable): MixDivergence | null {
  const n = Math.min(ta.steps, tb.steps);
  let out: MixDivergence | null = null;
  let [lastA, lastB] = [-1, -1];
  for (let k = 0; k < n; k++) {
    if (ta.phase[k] === lastA && tb.phase[k] === lastB) continue; // mixtures change only between phases
    [lastA, lastB] = [ta.phase[k], tb.phase[k]];
    const [ma, mb] = [a.phases[lastA].mix, b.phases[lastB].mix];
    for (const source of new Set([...Object.keys(ma), ...Object.keys(mb)])) {
      const d = Math.abs((ma[source] ?? 0) - (mb[source] ?? 0));
      if (!differs(ma[source] ?? 0, mb[source] ?? 0)) continue;
      out ??= { first: k, a: ma, b: mb, largest: 0, source, at: k };
      if (d > out.largest) Object.assign(out, { largest: d, source, at: k });
    }
  }
  if (out === null && ta.steps !== tb.steps) {
    return { first: n, a: null, b: null, largest: 0, source: "", at: n };
  }
  return out;
}
