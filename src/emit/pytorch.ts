/**
 * The `pytorch` target: an importable Python module that needs only torch. `lr_lambda(step)` times
 * `BASE_LR` is the plan's LR at update `step`, for every plan, so `make_scheduler(optimizer)` (a LambdaLR
 * that also sets each update's weight decay) is the universal fallback. Batch sizes and mixtures are
 * functions of the update for the user's data loader; `make_optimizer(model)` is AdamW with the plan's betas
 * and eps (and `CLIP`, or `clip_at(step)`, for the loop). A plan with parameter groups gets `make_optimizer(model)`
 * (AdamW over `param_groups(model)`) and `make_group_scheduler(optimizer)` (see _param_groups.ts); a plan's
 * EMA of the weights is `make_ema(model)` and `update_ema(ema, model, step)` (torch.optim.swa_utils).
 * @module
 */
import type { Target } from "./target.ts";
import type { Plan } from "../plan/schema.ts";
import { scheduleModule, torchImports } from "./_schedule_module.ts";
import { floatLiteral, moduleStem, pyFloat, quoted } from "./_literals.ts";
import { emaPython } from "./_ema.ts";
import { torchGroups } from "./_param_groups.ts";

/**
 * For a plan without parameter groups: the optimizer's betas, eps and clip as constants, and
 * `make_optimizer(model)`, AdamW with them, its parameters of 2 or more dimensions taking the plan's weight
 * decay (set by make_scheduler at every update) and the others none, as the built-in trainer does.
 */
function optimizerCode(plan: Plan): string {
  const { betas, eps, clip } = plan.optimizer;
  const call = clipCall(plan);
  return `
BETAS = (${floatLiteral(betas[0])}, ${floatLiteral(betas[1])})
EPS = ${floatLiteral(eps)}
CLIP = ${pyFloat(clip)}


def make_optimizer(model):
    """torch.optim.AdamW with the plan's betas and eps; step make_scheduler(optimizer) after it.

    Parameters of 2 or more dimensions take the plan's weight decay, which make_scheduler sets at every
    update; biases and norms take none.${
    call === null ? "" : ` Clip gradients before every step:
    ${call}.`
  }"""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.AdamW(
        [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": 0.0, "plan_decays": True},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0, "plan_decays": False},
        ],
        lr=BASE_LR,
        betas=BETAS,
        eps=EPS,
    )
`;
}

/** How the user's loop clips gradients (by `clip_at(step)` under a clip schedule), or null when it never does. */
function clipCall(plan: Plan): string | null {
  if (plan.timelines?.clip) return "torch.nn.utils.clip_grad_norm_(model.parameters(), clip_at(step))";
  return plan.optimizer.clip === null ? null : "torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)";
}

/** The clipping call for the usage lines (none when the plan never clips). */
function clipUsage(plan: Plan): string[] {
  const call = clipCall(plan);
  return call === null ? [] : [`${call}  # before every optimizer.step()`];
}

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
      imports: torchImports(plan, [], true),
      code: (grouped ? torchGroups(plan) : optimizerCode(plan)) + emaPython(plan, "torch"),
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
            `from ${module} import CLIP, make_optimizer, make_scheduler${
              plan.timelines?.clip ? ", clip_at" : ""
            }`,
            "optimizer = make_optimizer(model)  # AdamW with the plan's betas and eps",
            "scheduler = make_scheduler(optimizer)  # step it after every optimizer.step()",
          ]),
        ...clipUsage(plan),
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
