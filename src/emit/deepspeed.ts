/**
 * The `deepspeed` target: the "optimizer" and "scheduler" sections of a DeepSpeed config. DeepSpeed
 * (runtime/lr_schedules.py, engine.py) builds WarmupLR at iteration -1, which sets the LR to warmup_min_lr
 * for update 0, and steps it only after each optimizer step, so update k >= 1 uses iteration k - 1:
 * min + (max - min) (k - 1) / W' with W' = max(2, warmup_num_steps): the first value is held one extra
 * update. It expresses a constant LR, and a linear warmup after a 1-update phase at the warmup's start (the
 * optimizer's "lr" is set to that value too, for versions that did not set it at construction). Anything
 * else, and named checkpoints (DeepSpeed's config does not save), take the extension tier: the config
 * without "scheduler", and a module whose make_scheduler goes to deepspeed.initialize(lr_scheduler=...), a
 * callable DeepSpeed calls with its optimizer and steps after every optimizer step. Parameter groups take
 * the extension tier too: `model_parameters=param_groups(model)` (_param_groups.ts), from which DeepSpeed
 * builds its optimizer with the config's "params" as defaults (engine.py _configure_basic_optimizer:
 * FusedAdam(model_parameters, **params)), and `lr_scheduler=make_group_scheduler`, which sets each group's
 * LR and weight decay; FusedAdam.step reads lr, betas, eps and weight_decay from each group.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import type { Target } from "./target.ts";
import { endValue, Fit, lrSegments, same, startValue } from "./_fit.ts";
import { initCheckpoint, mixtureSidecar, placeholderNotes } from "./_data.ts";
import { fileStem } from "./_literals.ts";
import { chooseTier, extensionWeightDecay, tierFields } from "./_tier.ts";
import { extensionModule, torchImports } from "./_schedule_module.ts";
import { exactNotes, namedCheckpoints } from "./_checkpoints.ts";
import { baseLr } from "./_python.ts";
import { refuseGroups, torchGroups } from "./_param_groups.ts";

interface WarmupParams {
  first: number;
  min: number;
  max: number;
  steps: number;
}

/** WarmupLR's parameters that reproduce the plan's LR, or a refusal. */
function warmupLr(fit: Fit, plan: Plan): WarmupParams {
  const segments = lrSegments(plan);
  const [first, warmup, stable] = segments;
  if (segments.length === 1 && first.shape.shape === "constant") {
    const lr = first.shape.value;
    return { first: lr, min: lr, max: lr, steps: 2 };
  }
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
  return {
    first: startValue(first.shape),
    min: startValue(warmup.shape),
    max: endValue(warmup.shape)!,
    steps: warmup.end - warmup.start,
  };
}

/** DeepSpeed has no checkpoint setting: named checkpoints need the extension module's save helper. */
function noNamedCheckpoints(fit: Fit, plan: Plan): void {
  const named = namedCheckpoints(plan).filter((c) => c.step > 0);
  if (named.length) {
    fit.refuse(
      `the named checkpoint ${JSON.stringify(named[0].name)}: DeepSpeed's config does not save`,
      named[0].origin,
    );
  }
}

/** The release the output was read against. */
const RELEASE = "DeepSpeed 0.19.5";

/**
 * The extension tier's glue: a helper that saves the plan's checkpoints with engine.save_checkpoint; with
 * parameter groups, also the groups' code (`param_groups(model)`, `make_group_scheduler`).
 */
const glue = (plan: Plan) => ({
  release: RELEASE,
  imports: torchImports(plan),
  code: (plan.groups ? torchGroups(plan, ["scheduler"]) : "") + `
def save_due_checkpoints(engine, save_dir):
    """Call after every engine.step(): saves the plan's checkpoints due after this update, tagged by name."""
    if engine.is_gradient_accumulation_boundary():
        for name in checkpoints_after(engine.global_steps):
            engine.save_checkpoint(save_dir, tag=name)
`,
});

/** The \`deepspeed\` target. */
export const deepspeed: Target = {
  name: "deepspeed",
  timelines: ["weightDecay", "beta1", "beta2"],
  release: RELEASE,
  description:
    "DeepSpeed config JSON (optimizer, WarmupLR); a client lr_scheduler module where WarmupLR falls short",
  emit(plan, options) {
    const batch = new Fit("deepspeed", plan, false).constantBatch();
    const chosen = chooseTier("deepspeed", plan, options, (fit) => {
      refuseGroups("deepspeed", plan); // the config's optimizer has one group: the extension tier builds them
      noNamedCheckpoints(fit, plan);
      return { warmup: warmupLr(fit, plan), weightDecay: fit.constantWeightDecay() };
    });
    const native = chosen.tier === "native" ? chosen.value : null;
    const config: Record<string, unknown> = {
      train_batch_size: batch,
      gradient_clipping: plan.optimizer.clip ?? 0,
      optimizer: {
        type: "AdamW",
        params: {
          lr: native?.warmup.first ?? baseLr(plan),
          betas: plan.optimizer.betas,
          eps: plan.optimizer.eps,
          // In the extension tier the client scheduler sets every update's weight decay.
          weight_decay: native?.weightDecay ?? extensionWeightDecay(plan),
        },
      },
    };
    if (native) {
      config.scheduler = {
        type: "WarmupLR",
        params: {
          warmup_min_lr: native.warmup.min,
          warmup_max_lr: native.warmup.max,
          warmup_num_steps: native.warmup.steps,
          warmup_type: "linear",
        },
      };
    }
    const sidecar = mixtureSidecar(plan, "deepspeed");
    const init = initCheckpoint(plan);
    const main = {
      name: `${fileStem(plan.name)}.deepspeed.json`,
      content: JSON.stringify(config, null, 2) + "\n",
    };
    const module = native ? null : extensionModule(plan, "deepspeed", "DeepSpeed", glue(plan));
    const runDir = `runs/${fileStem(plan.name)}`;
    const notes = [
      sidecar.note,
      ...placeholderNotes(plan),
      ...(init ? [init.note] : []),
      ...exactNotes(
        "deepspeed",
        plan,
        "saves them with save_due_checkpoints(engine, save_dir)",
        (c) => `${runDir}/${c.name}`,
      ),
    ];
    const grouped = plan.groups !== undefined;
    const initialize = (scheduler: string) =>
      `engine, optimizer, _, scheduler = deepspeed.initialize(model=model, model_parameters=${
        grouped ? "param_groups(model)" : "model.parameters()"
      }, ${scheduler}config=${JSON.stringify(main.name)})`;
    return {
      files: module ? [main, sidecar.file, module] : [main, sidecar.file],
      notes,
      ...tierFields(chosen),
      usage: module
        ? [
          "import deepspeed",
          `from ${module.name.slice(0, -3)} import ${
            grouped ? "make_group_scheduler, param_groups" : "make_scheduler"
          }, save_due_checkpoints`,
          initialize(`lr_scheduler=${grouped ? "make_group_scheduler" : "make_scheduler"}, `),
          `# after every engine.step(): save_due_checkpoints(engine, ${JSON.stringify(runDir)})`,
        ]
        : ["import deepspeed", initialize("")],
    };
  },
};
