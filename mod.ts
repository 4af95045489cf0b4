/**
 * Recipe: a language and compiler for training recipes of language models.
 *
 * A `.recipe` file says the budget, batch, optimizer, the LR schedule as phases, the data mixture per
 * phase and the checkpoints. The compiler checks it and lowers it to a Plan: a validated JSON document that
 * fixes, for every optimizer update, the LR, weight decay, batch size and mixture. Consumers read only the
 * Plan: the schedule evaluator, the emitters for external trainers, the WebGPU trainer and the plots.
 *
 * @example
 * ```ts
 * import { compileFile, evaluate, explainPlan, formatDiagnostics } from "./mod.ts";
 *
 * const result = await compileFile("recipes/wsd.recipe");
 * if (!result.ok) throw new Error(formatDiagnostics(result.diagnostics));
 * const plan = result.plans[0];
 * console.log(explainPlan(plan));
 * console.log(evaluate(plan, 100).lr); // the LR update 100 uses
 * ```
 * @module
 */
export { parse, type ParseResult } from "./src/syntax/parse.ts";
export type { FileAst } from "./src/syntax/ast.ts";
export { compileFile, type CompileOptions, type CompileResult, MAX_SWEEP_PLANS } from "./src/plan/compile.ts";
export { type Diagnostic, formatDiagnostics, hasErrors } from "./src/diagnostics/diagnostic.ts";
export { type Code, CODES } from "./src/diagnostics/codes.ts";
export {
  type Average,
  type Checkpoint,
  type Ema,
  type Init,
  type Model,
  type Phase,
  Plan,
  PLAN_VERSION,
  type Shape,
  type Source,
} from "./src/plan/schema.ts";
export { planJsonSchema } from "./src/plan/json_schema.ts";
export { planHash } from "./src/plan/hash.ts";
export { MAX_BATCH, planProblems } from "./src/plan/invariants.ts";
export { evaluate, type StepSettings } from "./src/plan/evaluate.ts";
export { type ScheduleTable, scheduleTable } from "./src/schedule/table.ts";
export { shapeValue } from "./src/plan/shape_value.ts";
export { emaDecay } from "./src/plan/ema_decay.ts";
export { explainPlan } from "./src/schedule/explain.ts";
export { plotPlan } from "./src/plot/plan_chart.ts";
export { proxyPlan } from "./src/plan/proxy.ts";
export {
  type EmitOptions,
  emitPlan,
  type Emitted,
  type Target,
  TARGETS,
  targetsFor,
  UnsupportedFeatureError,
} from "./src/emit/mod.ts";
export { train, type TrainOptions } from "./src/train/run.ts";
export type { RunSummary } from "./src/train/run_summary.ts";
export { createEngine } from "./src/train/gpt.ts";
export type { Engine } from "./src/train/engine.ts";
export { exportHf } from "./src/train/export_hf.ts";
export { fitLossLaw, type FitOptions, type FitQuality, type LossFit } from "./src/predict/fit.ts";
export {
  type LossPrediction,
  type PredictedLoss,
  predictLoss,
  type PredictOptions,
} from "./src/predict/predict.ts";
export { type LossCurve, type LossPoint } from "./src/predict/loss_curve.ts";
export { type LrHistory, lrHistory } from "./src/predict/lr_history.ts";
export { LAWS } from "./src/predict/laws.ts";
export type { LawName, LossLaw } from "./src/predict/loss_law.ts";
export { readRunCurve, type RunMetric } from "./src/predict/read_run.ts";
export { readLogCurve } from "./src/predict/read_log.ts";
export { levenbergMarquardt } from "./src/predict/levenberg_marquardt.ts";

import { compileFile } from "./src/plan/compile.ts";
import type { Diagnostic } from "./src/diagnostics/diagnostic.ts";

/**
 * Checks a recipe file: its diagnostics, errors and warnings, without the plans.
 *
 * @example
 * ```ts
 * import { check } from "./mod.ts";
 * const diagnostics = await check("recipes/wsd.recipe");
 * diagnostics.filter((d) => d.severity === "error").length; // 0
 * ```
 */
export async function check(path: string, options: { recipe?: string } = {}): Promise<Diagnostic[]> {
  return (await compileFile(path, options)).diagnostics;
}
