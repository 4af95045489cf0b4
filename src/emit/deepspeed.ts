/**
 * The `deepspeed` target: the "optimizer" and "scheduler" sections of a DeepSpeed config. DeepSpeed
 * (runtime/lr_schedules.py, engine.py) builds WarmupLR at iteration -1, which sets the LR to warmup_min_lr
 * for update 0, and steps it only after each optimizer step, so update k >= 1 uses iteration k - 1:
 * min + (max - min) (k - 1) / W' with W' = max(2, warmup_num_steps): the first value is held one extra
 * update. It expresses a constant LR, and a linear warmup after a 1-update phase at the warmup's start (the
 * optimizer's "lr" is set to that value too, for versions that did not set it at construction). Anything
 * else: pass the pytorch target's make_scheduler to deepspeed.initialize as its lr_scheduler.
 * @module
 */
import type { Target } from "./target.ts";
import { endValue, Fit, lrSegments, same, startValue } from "./_fit.ts";
import { initCheckpoint, mixtureSidecar, placeholderNotes } from "./_data.ts";
import { fileStem } from "./_literals.ts";

/** The `deepspeed` target. */
export const deepspeed: Target = {
  name: "deepspeed",
  description: "DeepSpeed config JSON (optimizer, WarmupLR scheduler); constant or held-first-value warmup",
  emit(plan, options) {
    const fit = new Fit("deepspeed", plan, options.approximate ?? false);
    const segments = lrSegments(plan);
    const [first, warmup, stable] = segments;
    let params: { first: number; min: number; max: number; steps: number };
    if (segments.length === 1 && first.shape.shape === "constant") {
      const lr = first.shape.value;
      params = { first: lr, min: lr, max: lr, steps: 2 };
    } else {
      const ok = segments.length <= 3 && first.shape.shape === "constant" && first.end === 1 &&
        warmup.shape.shape === "linear" && warmup.end - warmup.start >= 2 &&
        same(startValue(warmup.shape), first.shape.value) &&
        (!stable || (stable.shape.shape === "constant" && same(stable.shape.value, endValue(warmup.shape)!)));
      if (!ok) {
        fit.refuseAt(
          "an LR schedule other than constant or a linear warmup that holds its first value one extra " +
            "update (DeepSpeed steps its scheduler only after each update)",
          segments.length > 1 && first.end === 1 ? segments[1] : first,
        );
      }
      fit.offset(warmup, 0);
      params = {
        first: startValue(first.shape),
        min: startValue(warmup.shape),
        max: endValue(warmup.shape)!,
        steps: warmup.end - warmup.start,
      };
    }
    const weightDecay = fit.constantWeightDecay();
    const batch = fit.constantBatch();
    const config = {
      train_batch_size: batch,
      gradient_clipping: plan.optimizer.clip ?? 0,
      optimizer: {
        type: "AdamW",
        params: {
          lr: params.first,
          betas: plan.optimizer.betas,
          eps: plan.optimizer.eps,
          weight_decay: weightDecay,
        },
      },
      scheduler: {
        type: "WarmupLR",
        params: {
          warmup_min_lr: params.min,
          warmup_max_lr: params.max,
          warmup_num_steps: params.steps,
          warmup_type: "linear",
        },
      },
    };
    const sidecar = mixtureSidecar(plan, "deepspeed");
    const init = initCheckpoint(plan);
    const notes = [sidecar.note, ...placeholderNotes(plan), ...(init ? [init.note] : [])];
    return {
      files: [{
        name: `${fileStem(plan.name)}.deepspeed.json`,
        content: JSON.stringify(config, null, 2) + "\n",
      }, sidecar.file],
      notes,
      maxDeviation: fit.deviation(),
    };
  },
};
