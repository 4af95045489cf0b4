/**
 * The `pytorch` target: an importable Python module that needs only torch. `lr_lambda(step)` times
 * `BASE_LR` is the plan's LR at update `step`, for every plan, so `make_scheduler(optimizer)` (a LambdaLR
 * that also sets each update's weight decay) is the universal fallback. Batch sizes and mixtures are
 * functions of the update for the user's data loader. A plan with parameter groups gets `make_optimizer(model)`
 * (AdamW over `param_groups(model)`) and `make_group_scheduler(optimizer)` (see _param_groups.ts); a plan's
 * EMA of the weights is `make_ema(model)` and `update_ema(ema, model, step)` (torch.optim.swa_utils).
 * @module
 */
import type { Target } from "./target.ts";
import { scheduleModule, torchImports } from "./_schedule_module.ts";
import { moduleStem, quoted } from "./_literals.ts";
import { emaPython } from "./_ema.ts";
import { torchGroups } from "./_param_groups.ts";

/** The release the module was checked with (it uses only LambdaLR, in every torch 2). */
const RELEASE = "torch 2.13 (any torch 2)";

/** The `pytorch` target. */
export const pytorch: Target = {
  name: "pytorch",
  timelines: ["batch", "context", "weightDecay", "beta1", "beta2", "clip", "emaDecay"],
  release: RELEASE,
  description: "Python module (torch only): lr_lambda(step) and make_scheduler(optimizer), any plan",
  carriesEma: true,
  emit(plan) {
    const grouped = plan.groups !== undefined;
    const content = scheduleModule(plan, `The schedule of plan ${quoted(plan.name)} for torch.optim.`, {
      imports: torchImports(plan),
      code: (grouped ? torchGroups(plan) : "") + emaPython(plan, "torch"),
      release: RELEASE,
    });
    const notes = plan.init
      ? [
        `load the weights (and, if you keep it, the optimizer state) of ${
          JSON.stringify(plan.init.recipe)
        } ` +
        `at ${JSON.stringify(plan.init.checkpoint)} before training; the schedule starts at update 0`,
      ]
      : [];
    const module = `${moduleStem(plan.name)}_pytorch`;
    return {
      files: [{ name: `${module}.py`, content }],
      notes,
      maxDeviation: 0,
      tier: "universal",
      usage: [
        ...(grouped
          ? [
            `from ${module} import make_group_scheduler, make_optimizer`,
            "optimizer = make_optimizer(model)  # AdamW over the plan's parameter groups",
            "scheduler = make_group_scheduler(optimizer)  # step it after every optimizer.step()",
          ]
          : [
            `from ${module} import make_scheduler`,
            "scheduler = make_scheduler(optimizer)  # step it after every optimizer.step()",
          ]),
        ...(plan.ema
          ? [
            `from ${module} import make_ema, update_ema`,
            "ema = make_ema(model)  # update_ema(ema, model, step) after every optimizer.step()",
          ]
          : []),
      ],
    };
  },
};
