/**
 * The `hf` target: TrainingArguments as JSON for `HfArgumentParser(TrainingArguments).parse_dict(...)`.
 * Every HF scheduler is a LambdaLR of the completed updates s = k (optimization.py); warmups start at 0
 * except warmup_stable_decay's, which starts at its floor (min_lr_ratio), and cosine_warmup_with_min_lr
 * evaluates f(k + 1) (the plan's "inclusive" convention). HF has no data mixtures: they go to a sidecar.
 * @module
 */
import type { Checkpoint, Plan } from "../plan/schema.ts";
import type { Target } from "./target.ts";
import { endValue, Fit, type Segment, startValue, warmupWord, type WsdForm } from "./_fit.ts";
import { initCheckpoint, mixtureSidecar, placeholderNotes } from "./_data.ts";
import { fileStem } from "./_literals.ts";
import { chooseTier, extensionWeightDecay, tierFields } from "./_tier.ts";
import { extensionModule, type ModuleGlue, torchImports } from "./_schedule_module.ts";
import { hfEmaPython, refuseEma } from "./_ema.ts";
import { exactNotes, intervalNotes, namedCheckpoints, saveInterval } from "./_checkpoints.ts";
import { baseLr } from "./_python.ts";
import { refuseGroups, torchGroups } from "./_param_groups.ts";

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
      fit.refuseAt(
        `a "${decay.shape.shape}" decay with a stable part or a floor: hf's warmup_stable_decay decays ` +
          "linear, cosine or 1-sqrt",
        decay,
      );
    }
    // An inclusive decay is warmup_stable_decay's decay started one update earlier, out of the stable part.
    if (decay.offset === 1 && stable) shift = 1;
    else fit.offset(decay, 0);
    floor = endValue(decay.shape)!;
  }
  if (tail) fit.equal(startValue(tail.shape), floor, "a floor that differs from the decay's end", tail);
  if (warmup) {
    // warmup_stable_decay's cosine warmup, 0.5 (1 - cos(pi p)), rounds differently from the plan's cosine near
    // its start (relative errors of 1e-10 there): it takes the extension tier.
    if (warmup.shape.shape !== "linear") {
      fit.refuseAt(`a "${warmup.shape.shape}" warmup: hf's exact warmups are linear`, warmup);
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
      warmup_type: "linear",
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

/** The save settings that save exactly the plan's named checkpoints, or a refusal (then a callback saves them). */
function nativeSaves(fit: Fit, plan: Plan): Record<string, unknown> {
  const save = saveInterval(plan);
  if (namedCheckpoints(plan).every((c) => c.step === 0 || c.step === plan.steps)) return {};
  if (!save.exact) {
    const named = namedCheckpoints(plan).filter((c) => c.step > 0 && c.step < plan.steps);
    fit.refuse(
      `checkpoints after updates ${named.map((c) => c.step).join(", ")}, which no save_steps saves alone`,
      named[0].origin,
    );
  }
  return { save_strategy: "steps", save_steps: save.interval };
}

/** The release the output was read against. */
const RELEASE = "transformers 5.18.0";

/**
 * The extension tier's glue: a Trainer whose create_scheduler returns the plan's scheduler, and a save
 * callback; with parameter groups, also the groups' code (_param_groups.ts) and a create_optimizer that
 * builds them; with an EMA of the weights, the PlanEma callback (_ema.ts).
 */
function glue(plan: Plan): ModuleGlue {
  const grouped = plan.groups !== undefined;
  const ema = plan.ema !== undefined;
  const scheduler = grouped ? "make_group_scheduler" : "make_scheduler";
  const optimizer = `

    def create_optimizer(self, model=None):
        if self.optimizer is None:
            self.optimizer = make_optimizer(self.model if model is None else model)
        return self.optimizer`;
  return {
    release: RELEASE,
    imports: [
      ...torchImports(plan, ema ? ["os"] : [], ema),
      "",
      "from transformers import Trainer, TrainerCallback",
    ],
    code: (grouped ? torchGroups(plan) : "") + hfEmaPython(plan) + `
class PlanCheckpoints(TrainerCallback):
    """Saves after exactly the updates the plan names (CHECKPOINTS), besides the end of training."""

    def on_step_end(self, args, state, control, **kwargs):
        if checkpoints_after(state.global_step):
            control.should_save = True
        return control


class PlanTrainer(Trainer):
    """A transformers Trainer whose LR and weight decay follow the plan at every update (make_scheduler),
    saving the plan's named checkpoints as checkpoint-<update> in output_dir${
      ema ? ",\n    and its EMA of the weights as <output_dir>/<EMA_NAME> (PlanEma)" : ""
    }."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_callback(PlanCheckpoints())${ema ? "\n        self.add_callback(PlanEma())" : ""}${
      grouped ? optimizer : ""
    }

    def create_scheduler(self, num_training_steps, optimizer=None):
        if self.lr_scheduler is None:
            self.lr_scheduler = ${scheduler}(self.optimizer if optimizer is None else optimizer)
            self._created_lr_scheduler = True
        return self.lr_scheduler
`,
  };
}

/** The `hf` target. */
export const hf: Target = {
  name: "hf",
  timelines: ["weightDecay", "beta1", "beta2", "emaDecay"],
  release: RELEASE,
  carriesEma: true,
  description:
    "Hugging Face TrainingArguments JSON (HfArgumentParser); a Trainer subclass module where native keys " +
    "fall short; mixtures in a sidecar",
  emit(plan: Plan, options) {
    const batch = new Fit("hf", plan, false).constantBatch();
    const chosen = chooseTier("hf", plan, options, (fit) => {
      // TrainingArguments have no per-group values nor an EMA: the extension tier builds them.
      refuseGroups("hf", plan);
      refuseEma("hf", plan);
      return {
        schedule: schedule(fit),
        weightDecay: fit.constantWeightDecay(),
        saves: nativeSaves(fit, plan),
      };
    });
    const native = chosen.tier === "native" ? chosen.value : null;
    const args: Record<string, unknown> = {
      output_dir: `runs/${fileStem(plan.name)}`,
      max_steps: plan.steps,
      learning_rate: native?.schedule.peak ?? baseLr(plan),
      lr_scheduler_type: native?.schedule.type ?? "constant",
      warmup_steps: native?.schedule.warmup ?? 0,
      lr_scheduler_kwargs: native?.schedule.kwargs ?? {},
      optim: "adamw_torch",
      // In the extension tier the scheduler sets every update's weight decay in the groups HF decays.
      weight_decay: native?.weightDecay ?? extensionWeightDecay(plan),
      adam_beta1: plan.optimizer.betas[0],
      adam_beta2: plan.optimizer.betas[1],
      adam_epsilon: plan.optimizer.eps,
      max_grad_norm: plan.optimizer.clip ?? 0,
      per_device_train_batch_size: batch,
      gradient_accumulation_steps: 1,
      ...(native ? native.saves : { save_strategy: "steps", save_steps: plan.steps }),
    };
    const sidecar = mixtureSidecar(plan, "hf");
    const init = initCheckpoint(plan);
    const save = saveInterval(plan);
    const checkpointDir = (c: Checkpoint) => `${args.output_dir}/checkpoint-${c.step}`;
    const main = { name: `${fileStem(plan.name)}.hf.json`, content: JSON.stringify(args, null, 2) + "\n" };
    const module = native ? null : extensionModule(plan, "hf", "transformers' Trainer", glue(plan));
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
      ...(native
        ? intervalNotes("hf", plan, save, checkpointDir)
        : exactNotes("hf", plan, "saves them with PlanTrainer's callback", checkpointDir)),
      ...(plan.ema
        ? [
          `hf keeps the EMA of the weights with PlanTrainer's PlanEma callback: the plan's checkpoint ${
            JSON.stringify(plan.ema.name)
          } -> ${args.output_dir}/${plan.ema.name} after the last update (save_pretrained, or a state dict ` +
          "in pytorch_model.bin); it is kept in memory, so do not resume_from_checkpoint",
        ]
        : []),
    ];
    const parse = [
      "from transformers import HfArgumentParser, TrainingArguments",
      `(args,) = HfArgumentParser(TrainingArguments).parse_json_file(${JSON.stringify(main.name)})`,
    ];
    return {
      files: module ? [main, sidecar.file, module] : [main, sidecar.file],
      notes,
      ...tierFields(chosen),
      usage: module
        ? [
          ...parse,
          `from ${module.name.slice(0, -3)} import PlanTrainer`,
          "trainer = PlanTrainer(model=model, args=args, train_dataset=train_dataset)",
        ]
        : [...parse, "trainer = Trainer(model=model, args=args, train_dataset=train_dataset)"],
    };
  },
};
