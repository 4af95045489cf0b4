/**
 * DeepSpeed's WarmupLR (deepspeed/runtime/lr_schedules.py) and its engine's stepping (runtime/engine.py:
 * scheduler.step() only after each optimizer step), re-implemented from the source and fed with the emitted
 * JSON: construction (last_batch_iteration = -1) sets the LR to warmup_min_lr, which update 0 uses; update
 * k >= 1 uses get_lr() at last_batch_iteration = k - 1, whose gamma is 0 at iteration 0.
 * @module
 */

/** The LR DeepSpeed gives updates 0..steps-1 for the emitted JSON. */
export function lrTrace(json: string, steps: number): number[] {
  const config = JSON.parse(json);
  if (config.scheduler.type !== "WarmupLR") {
    throw new Error(`"${config.scheduler.type}" is not re-implemented`);
  }
  const p = config.scheduler.params;
  const min = p.warmup_min_lr ?? 0;
  const max = p.warmup_max_lr ?? 0.001;
  if (!Number.isInteger(p.warmup_num_steps ?? 1000) || p.warmup_num_steps <= 0) {
    throw new Error(`warmup_num_steps must be a positive integer, got ${p.warmup_num_steps}`);
  }
  const W = Math.max(2, p.warmup_num_steps ?? 1000);
  const type = p.warmup_type ?? "log";
  const gamma = (i: number) => {
    if (i < W) return type === "log" ? Math.log(i + 1) / Math.log(W) : i / W;
    return 1;
  };
  return Array.from(
    { length: steps },
    (_, k) => (k === 0 ? min : min + (max - min) * gamma(k - 1)),
  );
}
