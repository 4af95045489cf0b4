/**
 * The `hf` target: TrainingArguments as JSON for `HfArgumentParser(TrainingArguments).parse_dict(...)`.
 * Every HF scheduler is a LambdaLR of the completed updates s = k (optimization.py); warmups start at 0
 * except warmup_stable_decay's, which starts at its floor (min_lr_ratio), and cosine_warmup_with_min_lr
 * evaluates f(k + 1) (the plan's "inclusive" convention). HF has no data mixtures: they go to a sidecar.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import type { Target } from "./target.ts";
import { endValue, Fit, type Segment, startValue, warmupWord, type WsdForm } from "./_fit.ts";
import { initCheckpoint, mixtureSidecar, placeholderNotes } from "./_data.ts";
import { fileStem } from "./_literals.ts";

interface HfSchedule {
  type: string;
  peak: number;
  warmup: number;
  kwargs: Record<string, number | string>;
}

const length = (s: Segment | undefined) => s ? s.end - s.start : 0;

/** The schedulers whose warmup is linear from 0 (offset `offset`) and whose decay spans the rest. */
function simple(form: WsdForm, peak: number, offset: 0 | 1): HfSchedule | null {
  const { warmup, stable, decay, tail } = form;
  if (stable || tail || !decay || decay.offset !== offset) return null;
  if (warmup && (warmup.shape.shape !== "linear" || warmup.shape.from !== 0 || warmup.offset !== offset)) {
    return null;
  }
  const W = length(warmup);
  const shape = decay.shape;
  const to = endValue(shape);
  if (offset === 1) {
    return shape.shape === "cosine"
      ? { type: "cosine_warmup_with_min_lr", peak, warmup: W, kwargs: { min_lr_rate: shape.to / peak } }
      : null;
  }
  if (shape.shape === "linear" || shape.shape === "polynomial") {
    const power = shape.shape === "polynomial" ? shape.power : 1;
    if (to === 0 && power === 1) return { type: "linear", peak, warmup: W, kwargs: {} };
    return { type: "polynomial", peak, warmup: W, kwargs: { lr_end: shape.to, power } };
  }
  if (shape.shape === "cosine") {
    if (to === 0) return { type: "cosine", peak, warmup: W, kwargs: {} };
    return { type: "cosine_with_min_lr", peak, warmup: W, kwargs: { min_lr_rate: shape.to / peak } };
  }
  if (shape.shape === "inverse-sqrt" && shape.timescale === (W > 0 ? W : 10_000)) {
    return { type: "inverse_sqrt", peak, warmup: W, kwargs: {} };
  }
  return null;
}

const WSD_SHAPES: Record<string, string> = { linear: "linear", cosine: "cosine", "1-sqrt": "1-sqrt" };

/** warmup_stable_decay: warmup from the floor, stable, decay to the floor, the floor after. */
function wsd(fit: Fit, form: WsdForm, peak: number): HfSchedule {
  const { warmup, stable, decay, tail } = form;
  let floor = warmup ? startValue(warmup.shape) : 0;
  let shift = 0;
  if (decay) {
    if (!(decay.shape.shape in WSD_SHAPES)) {
      fit.refuseAt(`a "${decay.shape.shape}" decay: hf decays linear, cosine, 1-sqrt or polynomial`, decay);
    }
    // An inclusive decay is warmup_stable_decay's decay started one update earlier, out of the stable part.
    if (decay.offset === 1 && stable) shift = 1;
    else fit.offset(decay, 0);
    floor = endValue(decay.shape)!;
  }
  if (tail) fit.equal(startValue(tail.shape), floor, "a floor that differs from the decay's end", tail);
  if (warmup) {
    if (warmup.shape.shape !== "linear" && warmup.shape.shape !== "cosine") {
      fit.refuseAt(
        `a "${warmup.shape.shape}" warmup: hf warms up linearly (or cosine in warmup_stable_decay)`,
        warmup,
      );
    }
    fit.offset(warmup, 0);
    fit.warmupFrom(
      warmup,
      floor,
      `a ${warmupWord(warmup)} from "${startValue(warmup.shape)}" with a floor of "${floor}": hf's ` +
        `warmup_stable_decay warms up from its floor, its other schedulers from 0 with no stable part`,
    );
  }
  return {
    type: "warmup_stable_decay",
    peak,
    warmup: length(warmup),
    kwargs: {
      num_stable_steps: length(stable) - shift,
      num_decay_steps: length(decay),
      warmup_type: warmup?.shape.shape ?? "linear",
      decay_type: decay ? WSD_SHAPES[decay.shape.shape] : "linear",
      min_lr_ratio: floor / peak,
    },
  };
}

/** The HF scheduler that reproduces the plan's LR, or a refusal. */
function schedule(fit: Fit): HfSchedule {
  const form = fit.wsd();
  const peak = fit.peak(form);
  if (form.warmup) {
    fit.equal(endValue(form.warmup.shape)!, peak, "a warmup that ends off the peak", form.warmup);
  }
  if (form.decay) fit.equal(startValue(form.decay.shape), peak, "a jump in the LR at the decay", form.decay);
  if (!form.decay && !form.warmup) return { type: "constant", peak, warmup: 0, kwargs: {} };
  if (
    !form.decay && form.warmup?.shape.shape === "linear" && startValue(form.warmup.shape) === 0 &&
    form.warmup.offset === 0
  ) {
    return { type: "constant_with_warmup", peak, warmup: length(form.warmup), kwargs: {} };
  }
  return simple(form, peak, 0) ?? simple(form, peak, 1) ?? wsd(fit, form, peak);
}

/** The `hf` target. */
export const hf: Target = {
  name: "hf",
  description: "Hugging Face TrainingArguments JSON (HfArgumentParser.parse_dict); mixtures in a sidecar",
  emit(plan: Plan, options) {
    const fit = new Fit("hf", plan, options.approximate ?? false);
    const s = schedule(fit);
    const weightDecay = fit.constantWeightDecay();
    const batch = fit.constantBatch();
    const args: Record<string, unknown> = {
      output_dir: `runs/${fileStem(plan.name)}`,
      max_steps: plan.steps,
      learning_rate: s.peak,
      lr_scheduler_type: s.type,
      warmup_steps: s.warmup,
      lr_scheduler_kwargs: s.kwargs,
      optim: "adamw_torch",
      weight_decay: weightDecay,
      adam_beta1: plan.optimizer.betas[0],
      adam_beta2: plan.optimizer.betas[1],
      adam_epsilon: plan.optimizer.eps,
      max_grad_norm: plan.optimizer.clip ?? 0,
      per_device_train_batch_size: batch,
      gradient_accumulation_steps: 1,
    };
    const sidecar = mixtureSidecar(plan, "hf");
    const init = initCheckpoint(plan);
    const notes = [
      `per_device_train_batch_size is the plan's global batch (${batch}) for one device: on N devices ` +
      `divide it by N x gradient_accumulation_steps`,
      sidecar.note,
      ...placeholderNotes(plan),
      ...(init
        ? [
          `${init.note}; load the model with from_pretrained from there and do not pass ` +
          `resume_from_checkpoint, which would restore the parent's schedule`,
        ]
        : []),
    ];
    const main = { name: `${fileStem(plan.name)}.hf.json`, content: JSON.stringify(args, null, 2) + "\n" };
    return { files: [main, sidecar.file], notes, maxDeviation: fit.deviation() };
  },
};
