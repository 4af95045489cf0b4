/**
 * The `pytorch` target: an importable Python module that needs only torch. `lr_lambda(step)` times
 * `BASE_LR` is the plan's LR at update `step`, for every plan, so `make_scheduler(optimizer)` (a LambdaLR
 * that also sets each update's weight decay) is the universal fallback. Batch sizes and mixtures are
 * functions of the update for the user's data loader.
 * @module
 */
import type { Target } from "./target.ts";
import { pieceTable, PYTHON_LOOKUPS, pythonPreamble } from "./_python.ts";
import { moduleStem, quoted } from "./_literals.ts";

/** The `pytorch` target. */
export const pytorch: Target = {
  name: "pytorch",
  description: "Python module (torch only): lr_lambda(step) and make_scheduler(optimizer), any plan",
  emit(plan) {
    const content = [
      pythonPreamble(plan, `The schedule of plan ${quoted(plan.name)} for torch.optim.`, [
        "import math",
        "",
        "from torch.optim.lr_scheduler import LambdaLR",
      ]),
      pieceTable("_LR", plan, (p) => p.lr, "math"),
      pieceTable("_WEIGHT_DECAY", plan, (p) => p.weightDecay, "math"),
      pieceTable("_BATCH", plan, (p) => p.batch, "math"),
      PYTHON_LOOKUPS,
      `
def lr_at(step):
    """The learning rate of update \`step\`."""
    return _value(_LR, step)


def lr_lambda(step):
    """The LambdaLR factor: BASE_LR * lr_lambda(step) == lr_at(step)."""
    return lr_at(step) / BASE_LR


def weight_decay_at(step):
    """The decoupled weight decay of update \`step\` (AdamW's weight_decay)."""
    return _value(_WEIGHT_DECAY, step)


class PlanScheduler(LambdaLR):
    """A LambdaLR over the plan's LR that also sets each param group's weight decay to the plan's."""

    def __init__(self, optimizer, last_epoch=-1):
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group["lr"] = BASE_LR
                group["initial_lr"] = BASE_LR
        super().__init__(optimizer, lr_lambda, last_epoch)

    def step(self, *args, **kwargs):
        super().step(*args, **kwargs)
        for group in self.optimizer.param_groups:
            group["weight_decay"] = weight_decay_at(self.last_epoch)


def make_scheduler(optimizer, last_epoch=-1):
    """The scheduler to step once after every optimizer.step(): update k then uses lr_at(k)."""
    return PlanScheduler(optimizer, last_epoch)
`,
    ].join("\n");
    const notes = plan.init
      ? [
        `load the weights (and, if you keep it, the optimizer state) of ${
          JSON.stringify(plan.init.recipe)
        } ` +
        `at ${JSON.stringify(plan.init.checkpoint)} before training; the schedule starts at update 0`,
      ]
      : [];
    return { files: [{ name: `${moduleStem(plan.name)}_pytorch.py`, content }], notes, maxDeviation: 0 };
  },
};
