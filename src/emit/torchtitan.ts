/**
 * The `torchtitan` target, for torchtitan's Python config system (main since #2386, February 2026, with the
 * token-counted batch of #4121, August 2026; read at b5bcd76, 2026-08-21 — v0.2.2, the last release, still
 * reads TOML): a Python module whose `apply_plan(config)` returns the user's `Trainer.Config` with the plan's
 * optimizer (`default_adamw`), LR schedule, training length, batch in tokens, clipping and checkpoints.
 * torchtitan's schedule (components/optimizer/lr_scheduler.py, LambdaLR of s = k): warmup (s + 1) / W, i.e.
 * the plan's "inclusive" warmup from 0; stable; decay over the last D = round(T x decay_ratio) updates with
 * p = (s - (T - D)) / D (an exclusive decay) of type linear, sqrt (1-sqrt) or cosine to min_lr_factor, where
 * T is total_steps (default training.steps): total_steps = T - 1 makes the decay inclusive. Any other
 * schedule, or a weight decay that changes, takes the extension tier: an LRSchedulersContainer.Config
 * subclass (`PlanLRSchedulers`, in `<plan>_torchtitan_schedule.py`) whose build() returns the plan's exact
 * scheduler for every optimizer. Its DatasetMixConfig is Python: one mixture goes to a sidecar; a change of
 * mixture is refused. Named checkpoints: checkpoint.interval at their greatest common divisor.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import type { Target } from "./target.ts";
import { endValue, Fit, startValue } from "./_fit.ts";
import { constantMix, initCheckpoint, mixtureSidecar, placeholderNotes } from "./_data.ts";
import { floatLiteral, moduleStem, quoted } from "./_literals.ts";
import { chooseTier, extensionWeightDecay, tierFields } from "./_tier.ts";
import { extensionModule } from "./_schedule_module.ts";
import { intervalNotes, namedCheckpoints, type SaveInterval, saveInterval } from "./_checkpoints.ts";
import { baseLr } from "./_python.ts";
import { refuseGroups } from "./_param_groups.ts";

const DECAY_TYPES: Record<string, string> = { linear: "linear", "1-sqrt": "sqrt", cosine: "cosine" };

/** The LRSchedulersContainer.Config fields that reproduce the plan's LR, and the peak LR, or a refusal. */
function scheduler(fit: Fit, plan: Plan): { peak: number; table: Record<string, unknown> } {
  const form = fit.wsd();
  const { warmup, decay, tail } = form;
  const peak = fit.peak(form);
  if (tail) fit.refuseAt("a floor held after the decay: torchtitan decays until the last update", tail);
  if (warmup) {
    fit.linearWarmupToPeak(warmup, peak, "torchtitan");
    fit.fromZero(warmup);
    fit.offset(warmup, 1);
  }
  let decayType = "linear";
  let minFactor = 0;
  let total = plan.steps;
  if (decay) {
    if (!(decay.shape.shape in DECAY_TYPES)) {
      fit.refuseAt(
        `a "${decay.shape.shape}" decay: torchtitan decays linear, sqrt (1-sqrt) or cosine`,
        decay,
      );
    }
    fit.equal(startValue(decay.shape), peak, "a jump in the LR at the decay", decay);
    // An inclusive decay is torchtitan's decay in a schedule one update shorter (total_steps = T - 1),
    // whose stable part must keep at least one update.
    const W = warmup ? warmup.end - warmup.start : 0;
    if (decay.offset === 1 && decay.start >= W + 1) total = plan.steps - 1;
    else fit.offset(decay, 0);
    decayType = DECAY_TYPES[decay.shape.shape];
    minFactor = endValue(decay.shape)! / peak;
  }
  const D = decay ? decay.end - decay.start : 0;
  const ratio = D / total;
  if (Math.round(total * ratio) !== D) {
    fit.refuseAt("a decay length that no decay_ratio rounds to", decay!);
  }
  return {
    peak,
    table: {
      warmup_steps: warmup ? warmup.end - warmup.start : 0,
      total_steps: total === plan.steps ? null : total,
      decay_ratio: { float: ratio },
      decay_type: decayType,
      min_lr_factor: { float: minFactor },
    },
  };
}

/** A Python literal of a JSON-like value: dicts, tuples (arrays), floats with a dot, None, booleans, strings. */
function pythonLiteral(value: unknown): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return quoted(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : floatLiteral(value);
  if (Array.isArray(value)) return `(${value.map(pythonLiteral).join(", ")})`;
  const { float } = value as { float?: number };
  if (float !== undefined) return float === Infinity ? "math.inf" : floatLiteral(float);
  return `{${
    Object.entries(value as Record<string, unknown>).map(([k, v]) => `${quoted(k)}: ${pythonLiteral(v)}`)
      .join(", ")
  }}`;
}

/** The release the output was read against. */
const RELEASE = "torchtitan main since 2026-08-20 (read at b5bcd76); v0.2.2 and earlier read TOML";

/** The extension tier's glue: an LRSchedulersContainer.Config whose build() returns the plan's scheduler. */
const GLUE = {
  release: RELEASE,
  imports: ["import dataclasses", "", "from torchtitan.components.optimizer import LRSchedulersContainer"],
  code: `
@dataclasses.dataclass(kw_only=True, slots=True)
class PlanLRSchedulers(LRSchedulersContainer.Config):
    """torchtitan's LR-scheduler config, building the plan's scheduler (LR and weight decay at every
    update) for every optimizer. The trainer steps it once after every optimizer step."""

    def build(self, *, optimizers, training_steps):
        container = LRSchedulersContainer(optimizers, lr_lambda)
        container.schedulers = [make_scheduler(optimizer) for optimizer in optimizers]
        return container
`,
};

/** What the config module sets, besides the schedule: the native scheduler (or null), batch, load path. */
interface ConfigParts {
  native: { peak: number; table: Record<string, unknown>; weightDecay: number } | null;
  batch: number;
  init: ReturnType<typeof initCheckpoint>;
  save: SaveInterval;
}

/** The settings dicts of the config module, by torchtitan config section. */
function settingsOf(
  plan: Plan,
  { native, batch, init, save }: ConfigParts,
): Record<string, Record<string, unknown>> {
  const named = namedCheckpoints(plan).length > 0;
  return {
    OPTIMIZER: {
      lr: { float: native?.peak ?? baseLr(plan) },
      betas: plan.optimizer.betas.map((b) => ({ float: b })),
      eps: { float: plan.optimizer.eps },
      // In the extension tier the scheduler sets every update's weight decay.
      weight_decay: { float: native?.weightDecay ?? extensionWeightDecay(plan) },
    },
    ...(native ? { LR_SCHEDULER: native.table } : {}),
    TRAINING: {
      steps: plan.steps,
      num_tokens_per_train_step: batch * plan.context,
      max_context_length: plan.context,
      max_norm: { float: plan.optimizer.clip ?? Infinity },
    },
    CHECKPOINT: {
      ...(named || init ? { enable: true } : {}),
      ...(named ? { interval: save.interval, keep_latest_k: 0 } : {}),
      ...(init ? { initial_load_path: init.path, initial_load_model_only: true } : {}),
    },
  };
}

/** The config module: the settings and `apply_plan(config)`, importing the extension module when there is one. */
function configModule(
  plan: Plan,
  settings: Record<string, Record<string, unknown>>,
  schedule: string | null,
): string {
  return [
    `"""torchtitan settings of plan ${quoted(plan.name)}, generated by recipe from a plan: do not edit.`,
    "",
    "For torchtitan's Python config system (main since 2026-08-20: Trainer.Config with token-counted",
    "batches; v0.2.2 and earlier read TOML). In the config function you launch with --module/--config:",
    "",
    `    from ${moduleStem(plan.name)}_torchtitan import apply_plan`,
    "    def my_run():",
    "        return apply_plan(llama3_debugmodel())  # your model, tokenizer, data and parallelism",
    '"""',
    "import dataclasses",
    "import math",
    "",
    "from torchtitan.components.optimizer import LRSchedulersContainer, default_adamw",
    ...(schedule ? [`from ${schedule} import PlanLRSchedulers`] : []),
    "",
    ...Object.entries(settings).map(([name, value]) => `${name} = ${pythonLiteral(value)}`),
    "",
    "",
    "def apply_plan(config):",
    '    """`config` (a Trainer.Config) with the plan\'s optimizer, LR schedule, length, batch and checkpoints."""',
    "    return dataclasses.replace(",
    "        config,",
    "        optimizer=default_adamw(**OPTIMIZER),",
    `        lr_scheduler=${
      schedule ? "PlanLRSchedulers()" : "LRSchedulersContainer.Config(**LR_SCHEDULER)"
    },`,
    "        training=dataclasses.replace(config.training, **TRAINING),",
    "        checkpoint=dataclasses.replace(config.checkpoint, **CHECKPOINT),",
    "    )",
    "",
  ].join("\n");
}

/** The `torchtitan` target. */
export const torchtitan: Target = {
  name: "torchtitan",
  timelines: ["weightDecay", "beta1", "beta2"],
  release: RELEASE,
  description:
    "torchtitan Python config (apply_plan(Trainer.Config)); an LR-scheduler config module where native " +
    "keys fall short",
  emit(plan, options) {
    refuseGroups("torchtitan", plan);
    const base = new Fit("torchtitan", plan, false);
    const batch = base.constantBatch();
    constantMix(base, plan);
    const chosen = chooseTier("torchtitan", plan, options, (fit) => ({
      ...scheduler(fit, plan),
      weightDecay: fit.constantWeightDecay(),
    }));
    const native = chosen.tier === "native" ? chosen.value : null;
    const init = initCheckpoint(plan);
    const save = saveInterval(plan);
    const stem = moduleStem(plan.name);
    const schedule = native ? null : extensionModule(plan, "torchtitan", "torchtitan", GLUE);
    const settings = settingsOf(plan, { native, batch, init, save });
    const main = {
      name: `${stem}_torchtitan.py`,
      content: configModule(plan, settings, schedule?.name.slice(0, -3) ?? null),
    };
    const sidecar = mixtureSidecar(plan, "torchtitan");
    const notes = [
      `num_tokens_per_train_step is the global batch (${batch} x ${plan.context} tokens); set ` +
      "num_tokens_per_microbatch_per_dp_rank for your cluster so that it divides it",
      sidecar.note.replace("has no data mixtures", "takes its mixture as a Python DatasetMixConfig"),
      ...placeholderNotes(plan),
      ...(init ? [init.note] : []),
      ...intervalNotes("torchtitan", plan, save, (c) => `<dump_folder>/checkpoint/step-${c.step}`),
    ];
    return {
      files: schedule ? [main, sidecar.file, schedule] : [main, sidecar.file],
      notes,
      ...tierFields(chosen),
      usage: [
        `from ${stem}_torchtitan import apply_plan`,
        "def my_run(): return apply_plan(llama3_debugmodel())  # torchrun ... -m torchtitan.train --module <yours> --config my_run",
      ],
    };
  },
};
