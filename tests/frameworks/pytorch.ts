/**
 * torch's LambdaLR, fed with the emitted `pytorch` module: construction applies epoch 0, so update k uses
 * base_lr * lr_lambda(k) with base_lr = BASE_LR (make_scheduler sets the group's lr and initial_lr to it), and
 * lr_lambda(step) = lr_at(step) / BASE_LR, lr_at clamping the step to [0, STEPS - 1] and looking up its row.
 * @module
 */
import { pythonConstant, pythonTable } from "./python_expr.ts";

/** The module's `_value` lookup of table `name`: the value it gives each step (the table parsed once). */
export function moduleLookup(module: string, name: string): (step: number) => number {
  const steps = pythonConstant(module, "STEPS");
  const table = pythonTable(module, name);
  return (step) => {
    const t = Math.min(Math.max(Math.trunc(step), 0), steps - 1);
    const row = table.find((r) => t < r.end)!;
    return row.value({ i: t - row.start });
  };
}

/** The LR LambdaLR gives each update 0..STEPS-1. */
export function lrTrace(module: string): number[] {
  const steps = pythonConstant(module, "STEPS");
  const base = pythonConstant(module, "BASE_LR");
  const table = pythonTable(module, "_LR");
  return Array.from({ length: steps }, (_, k) => {
    const row = table.find((r) => k < r.end)!;
    return base * (row.value({ i: k - row.start }) / base);
  });
}
