/**
 * The `olmo` target: OLMo-core config JSON (`_CLASS_`-tagged, as `Config.from_dict` reads it) with the
 * scheduler, AdamW, the source mixture and, for continual pretraining, the checkpoint to load. OLMo-core
 * (optim/scheduler.py) evaluates get_lr at current = k + 1 (the trainer counts the update before setting the
 * LR): warmups reach the peak on their last update and decays the floor on the last update, i.e. the plan's
 * "inclusive" convention. Schedulers: constant, constant_with_warmup, WSD (linear decay), CosWithWarmup and
 * LinearWithWarmup (t_max ends the decay before a held floor), InvSqrtWithWarmup. A mixture change needs a
 * separate run: refused.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import type { Target } from "./target.ts";
import { endValue, Fit, startValue } from "./_fit.ts";
import { constantMix, dataPath, initCheckpoint, placeholderNotes } from "./_data.ts";
import { fileStem } from "./_literals.ts";

const SCHEDULER = "olmo_core.optim.scheduler";

/** The scheduler config that reproduces the plan's LR, and the peak LR, or a refusal. */
function scheduler(fit: Fit): { peak: number; config: Record<string, unknown> } {
  const form = fit.wsd();
  const { warmup, stable, decay, tail } = form;
  const peak = fit.peak(form);
  const W = warmup ? warmup.end - warmup.start : 0;
  let warmupMin = 0;
  if (warmup) {
    fit.linearWarmupToPeak(warmup, peak, "OLMo-core");
    fit.offset(warmup, 1);
    warmupMin = startValue(warmup.shape);
  }
  const warmupKeys = { warmup: W, warmup_fraction: null, warmup_min_lr: warmupMin };
  if (!decay) {
    if (!warmup) return { peak, config: { _CLASS_: `${SCHEDULER}.ConstantScheduler` } };
    return { peak, config: { _CLASS_: `${SCHEDULER}.ConstantWithWarmup`, ...warmupKeys } };
  }
  fit.equal(startValue(decay.shape), peak, "a jump in the LR at the decay", decay);
  fit.offset(decay, 1);
  const shape = decay.shape;
  if (tail) {
    if (stable || (shape.shape !== "linear" && shape.shape !== "cosine")) {
      fit.refuseAt(
        "a floor held after a decay other than a linear or cosine one right after the warmup",
        tail,
      );
    }
    fit.equal(startValue(tail.shape), endValue(shape)!, "a floor that differs from the decay's end", tail);
  }
  // With a floor held after it, the decay ends at t_max (current = k + 1 reaches decay.end on its last update).
  const tMax = tail ? { t_max: decay.end } : {};
  if (shape.shape === "linear" && !tail) {
    return {
      peak,
      config: {
        _CLASS_: `${SCHEDULER}.WSD`,
        ...warmupKeys,
        decay: decay.end - decay.start,
        decay_fraction: null,
        decay_min_lr: shape.to,
      },
    };
  }
  if (stable) {
    fit.refuseAt(`a "${shape.shape}" decay after a stable phase: OLMo-core's WSD decays linearly`, decay);
  }
  if (shape.shape === "linear") {
    return {
      peak,
      config: { _CLASS_: `${SCHEDULER}.LinearWithWarmup`, ...warmupKeys, alpha_f: shape.to / peak, ...tMax },
    };
  }
  if (shape.shape === "cosine") {
    return {
      peak,
      config: { _CLASS_: `${SCHEDULER}.CosWithWarmup`, ...warmupKeys, alpha_f: shape.to / peak, ...tMax },
    };
  }
  if (shape.shape === "inverse-sqrt" && W > 0 && shape.timescale === W) {
    return { peak, config: { _CLASS_: `${SCHEDULER}.InvSqrtWithWarmup`, ...warmupKeys, alpha_f: 0 } };
  }
  return fit.refuseAt(
    `a "${shape.shape}" decay: OLMo-core decays linear (WSD), cosine, or inverse-sqrt with timescale = warmup`,
    decay,
  );
}

/** The source mixture as OLMo-core's SourceMixtureDatasetConfig. */
function mixture(fit: Fit, plan: Plan, batch: number): Record<string, unknown> {
  const stage = constantMix(fit, plan);
  return {
    _CLASS_: "olmo_core.data.source_mixture.SourceMixtureDatasetConfig",
    source_list: {
      _CLASS_: "olmo_core.data.source_mixture.SourceMixtureList",
      sources: stage.weights.map(({ source, weight }) => ({
        _CLASS_: "olmo_core.data.source_mixture.SourceMixtureConfig",
        source_name: source.name,
        target_ratio: weight,
        paths: [dataPath(source)],
      })),
    },
    requested_tokens: plan.steps * batch * plan.context,
    global_batch_size: batch * plan.context,
  };
}

/** The `olmo` target. */
export const olmo: Target = {
  name: "olmo",
  description: "OLMo-core config JSON: scheduler, AdamW, source mixture, checkpoint to load",
  emit(plan, options) {
    const fit = new Fit("olmo", plan, options.approximate ?? false);
    const { peak, config } = scheduler(fit);
    const weightDecay = fit.constantWeightDecay();
    const batch = fit.constantBatch();
    const init = initCheckpoint(plan);
    const document: Record<string, unknown> = {
      scheduler: { ...config, units: "steps" },
      optim: {
        _CLASS_: "olmo_core.optim.AdamWConfig",
        lr: peak,
        betas: plan.optimizer.betas,
        eps: plan.optimizer.eps,
        weight_decay: weightDecay,
      },
      max_grad_norm: plan.optimizer.clip,
      max_duration: { value: plan.steps, unit: "steps" },
      global_batch_size_tokens: batch * plan.context,
      sequence_length: plan.context,
      mixture: mixture(fit, plan, batch),
    };
    if (init) document.trainer = { load_path: init.path, load_trainer_state: false };
    const notes = [
      "the config holds the parts of an OLMo-core experiment the plan fixes: copy them into your train " +
      "module (scheduler, optim, max_grad_norm), trainer and data loader configs",
      ...placeholderNotes(plan),
      ...(init ? [`${init.note}; load_trainer_state false restarts the step count at 0`] : []),
    ];
    return {
      files: [{
        name: `${fileStem(plan.name)}.olmo.json`,
        content: JSON.stringify(document, null, 2) + "\n",
      }],
      notes,
      maxDeviation: fit.deviation(),
    };
  },
};
