/**
 * The `olmo` target: OLMo-core config JSON (`_CLASS_`-tagged, as `Config.from_dict` reads it) with the
 * scheduler, AdamW, the source mixture and, for continual pretraining, the checkpoint to load. OLMo-core
 * (optim/scheduler.py) evaluates get_lr at current = k + 1 (the trainer counts the update before setting the
 * LR): warmups reach the peak on their last update and decays the floor on the last update, i.e. the plan's
 * "inclusive" convention. Schedulers: constant, constant_with_warmup, WSD (linear decay), CosWithWarmup and
 * LinearWithWarmup (t_max ends the decay before a held floor), InvSqrtWithWarmup. Any other schedule, or a
 * weight decay that changes, takes the extension tier: a Scheduler subclass (`PlanLR`, in
 * `<plan>_olmo_schedule.py`, named by the config's `_CLASS_`) whose get_lr is the plan's LR. Named
 * checkpoints go to CheckpointerCallback.fixed_steps. A mixture change needs a separate run: refused.
 * Parameter groups take the extension tier: the module's `group_overrides(model)` lists each of
 * param_groups(model)'s groups (_param_groups.ts) as an OptimGroupOverride of exact parameter names, with
 * opts "lr" = the peak times the group's multiplier; OptimConfig.build (optim/config.py) makes one param
 * group of each and sets its "initial_lr" to that "lr", and Scheduler.set_lr scales initial_lr by PlanLR's
 * get_lr, so each group's LR is the plan's times its multiplier; PlanLR scales each group's weight decay.
 * Read against OLMo-core 2.5.0.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import type { Target } from "./target.ts";
import { endValue, Fit, startValue } from "./_fit.ts";
import { constantMix, dataPath, initCheckpoint, placeholderNotes } from "./_data.ts";
import { fileStem } from "./_literals.ts";
import { chooseTier, extensionWeightDecay, tierFields } from "./_tier.ts";
import { extensionModule, torchImports } from "./_schedule_module.ts";
import { exactNotes, namedCheckpoints } from "./_checkpoints.ts";
import { baseLr, scheduledBetas } from "./_python.ts";
import { refuseGroups, torchGroups } from "./_param_groups.ts";

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

/** The release the output was read against. */
const RELEASE = "OLMo-core 2.5.0";

/**
 * The extension tier's glue: an OLMo-core Scheduler whose get_lr is the plan's LR (and weight decay, and the
 * betas when the plan schedules them).
 */
const glue = (plan: Plan) => ({
  release: RELEASE,
  imports: [
    "from dataclasses import dataclass",
    ...torchImports(plan),
    "",
    ...(plan.groups ? ["from olmo_core.optim import OptimGroupOverride"] : []),
    "from olmo_core.optim.scheduler import Scheduler",
  ],
  code: (plan.groups ? torchGroups(plan, []) + GROUP_OVERRIDES : "") + `
@dataclass
class PlanLR(Scheduler):
    """OLMo-core's Scheduler following the plan. The train module calls set_lr for every param group before
    each update with current = trainer.global_step = updates done + 1; groups created with weight_decay 0
    keep 0, the others take the plan's weight decay."""

    def get_lr(self, initial_lr, current, t_max):
        return initial_lr * lr_lambda(current - 1)

    def set_lr(self, group, trainer):
        new_lr = super().set_lr(group, trainer)
        if group.setdefault("plan_decays", group.get("weight_decay", 0.0) != 0.0):
            group["weight_decay"] = weight_decay_at(trainer.global_step - 1)${
    plan.groups ? ' * group["plan_weight_decay_scale"]' : ""
  }
${
    scheduledBetas(plan)
      ? (plan.groups ? '        if not group["plan_own_betas"]:\n    ' : "") +
        '        group["betas"] = (beta1_at(trainer.global_step - 1), beta2_at(trainer.global_step - 1))\n'
      : ""
  }        return new_lr
`,
});

/** OLMo-core's group overrides for the plan's parameter groups, after the torch groups' code. */
const GROUP_OVERRIDES = `

def group_overrides(model):
    """The optim config's group_overrides for the plan's groups: one OptimGroupOverride per group of
    param_groups(model), by exact parameter name, every parameter in one (none left to OLMo-core's default
    group). Set it before the train module builds the optimizer, from the model it is given: OLMo-core
    raises at build (strict) if a name no longer matches, e.g. after wrapping blocks for activation
    checkpointing."""
    names = {id(param): name for name, param in model.named_parameters()}
    return [
        OptimGroupOverride(
            params=[names[id(param)] for param in group.pop("params")],
            opts={**group, "lr": BASE_LR * group["plan_lr_scale"]},
        )
        for group in param_groups(model)
    ]

`;

/** The checkpointer callback that saves the plan's named checkpoints, at exactly their updates. */
function checkpointer(plan: Plan): Record<string, unknown> | null {
  const named = namedCheckpoints(plan);
  if (named.length === 0) return null;
  const steps = [...new Set(named.map((c) => c.step).filter((s) => s > 0))].sort((a, b) => a - b);
  return {
    _CLASS_: "olmo_core.train.callbacks.CheckpointerCallback",
    fixed_steps: steps,
    ...(named.some((c) => c.step === 0) ? { pre_train_checkpoint: true } : {}),
  };
}

/** The \`olmo\` target. */
export const olmo: Target = {
  name: "olmo",
  timelines: ["weightDecay", "beta1", "beta2"],
  release: RELEASE,
  description:
    "OLMo-core config JSON: scheduler (a Scheduler subclass module where native ones fall short), AdamW, " +
    "source mixture, checkpoints",
  emit(plan, options) {
    const base = new Fit("olmo", plan, false);
    const batch = base.constantBatch();
    const mix = mixture(base, plan, batch);
    const chosen = chooseTier("olmo", plan, options, (fit) => {
      refuseGroups("olmo", plan); // the native config has no group overrides: the extension tier builds them
      return { ...scheduler(fit), weightDecay: fit.constantWeightDecay() };
    });
    const native = chosen.tier === "native" ? chosen.value : null;
    const module = native ? null : extensionModule(plan, "olmo", "OLMo-core", glue(plan));
    const init = initCheckpoint(plan);
    const document: Record<string, unknown> = {
      scheduler: native
        ? { ...native.config, units: "steps" }
        : { _CLASS_: `${module!.name.slice(0, -3)}.PlanLR`, units: "steps" },
      optim: {
        _CLASS_: "olmo_core.optim.AdamWConfig",
        lr: native?.peak ?? baseLr(plan),
        betas: plan.optimizer.betas,
        eps: plan.optimizer.eps,
        // In the extension tier PlanLR sets every update's weight decay in the groups that decay.
        weight_decay: native?.weightDecay ?? extensionWeightDecay(plan),
      },
      max_grad_norm: plan.optimizer.clip,
      max_duration: { value: plan.steps, unit: "steps" },
      global_batch_size_tokens: batch * plan.context,
      sequence_length: plan.context,
      mixture: mix,
    };
    const trainer: Record<string, unknown> = {};
    if (init) Object.assign(trainer, { load_path: init.path, load_trainer_state: false });
    const callback = checkpointer(plan);
    if (callback) trainer.callbacks = { checkpointer: callback };
    if (Object.keys(trainer).length) document.trainer = trainer;
    const notes = [
      "the config holds the parts of an OLMo-core experiment the plan fixes: copy them into your train " +
      "module (scheduler, optim, max_grad_norm), trainer and data loader configs",
      ...placeholderNotes(plan),
      ...(init ? [`${init.note}; load_trainer_state false restarts the step count at 0`] : []),
      ...exactNotes(
        "olmo",
        plan,
        "saves them at CheckpointerCallback.fixed_steps (keep max_checkpoints None on releases after 2.5.0, " +
          "which would prune them)",
        (c) => `<save_folder>/step${c.step}`,
        { savesInitial: true },
      ),
    ];
    const main = {
      name: `${fileStem(plan.name)}.olmo.json`,
      content: JSON.stringify(document, null, 2) + "\n",
    };
    return {
      files: module ? [main, module] : [main],
      notes,
      ...tierFields(chosen),
      usage: [
        ...(module ? [`# put ${module.name} on PYTHONPATH: the config's scheduler _CLASS_ imports it`] : []),
        ...(plan.groups
          ? [
            `# before building the train module: optim.group_overrides = ${
              module!.name.slice(0, -3)
            }.group_overrides(model)`,
          ]
          : []),
        "import json",
        "from olmo_core.config import Config",
        `plan = Config.from_dict(json.load(open(${
          JSON.stringify(main.name)
        })))  # then copy its parts into your experiment`,
      ],
    };
  },
};
