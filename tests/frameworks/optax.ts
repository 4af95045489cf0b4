/**
 * optax's view of the emitted `optax` module: `schedule(count)` (count from 0, as optax's
 * scale_by_learning_rate and inject_hyperparams pass it) clamps count to [0, STEPS - 1] and selects, with
 * jnp.where from the last row back, the row whose end exceeds it, evaluated at the clipped local index. The
 * rows' phase fraction is the module's `_fraction` (t / n clamped to [0, 1], 1 from t = n on).
 * @module
 */
import { pythonConstant, pythonTable } from "./python_expr.ts";

/**
 * `schedule(count)` for count = 0..STEPS-1 (as with jax_enable_x64); `functions` stand in for the module's
 * (e.g. a `_fraction` whose division is off by an ulp, as XLA's can be).
 */
export function lrTrace(
  module: string,
  functions: Record<string, (...args: number[]) => number> = {},
): number[] {
  const steps = pythonConstant(module, "STEPS");
  const table = pythonTable(module, "_LR", functions);
  const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
  return Array.from({ length: steps }, (_, count) => {
    const t = clip(count, 0, steps - 1);
    const last = table.at(-1)!;
    let out = last.value({ i: clip(t - last.start, 0, last.end - last.start - 1) });
    for (const row of table.slice(0, -1).reverse()) {
      const value = row.value({ i: clip(t - row.start, 0, row.end - row.start - 1) });
      out = t < row.end ? value : out;
    }
    return out;
  });
}
