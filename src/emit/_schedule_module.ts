/**
 * The torch schedule module every Python-on-torch output shares: the `pytorch` target is this module alone,
 * and the extension tier of hf, deepspeed, olmo and torchtitan is this module plus the trainer's glue
 * (`<plan>_<target>_schedule.py`). `make_scheduler(optimizer)` returns a LambdaLR over the plan's exact
 * per-update LR that also sets each update's weight decay; `CHECKPOINTS` and `checkpoints_after(done)` say
 * which named checkpoints are due after an update.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { quantityPieces } from "../plan/pieces.ts";
import { extraSchedules, MATH, pieceTable, PYTHON_LOOKUPS, pythonPreamble } from "./_python.ts";
import { moduleStem, quoted } from "./_literals.ts";
import type { EmittedFile } from "./target.ts";
import { namedCheckpoints } from "./_checkpoints.ts";

/** What a target adds to the module: imports after torch's, and code after the scheduler. */
export interface ModuleGlue {
  imports: string[];
  code: string;
  /** The release of the trainer the glue was written for, named in the module's docstring. */
  release: string;
}

/** The scheduler's code; with `betas`, its step also sets each group's scheduled betas. */
const scheduler = (betas: boolean) => `
def lr_at(step):
    """The learning rate of update \`step\`."""
    return _value(_LR, step)


def lr_lambda(step):
    """The LambdaLR factor: BASE_LR * lr_lambda(step) == lr_at(step)."""
    return lr_at(step) / BASE_LR


def weight_decay_at(step):
    """The decoupled weight decay of update \`step\` (AdamW's weight_decay)."""
    return _value(_WEIGHT_DECAY, step)


def checkpoints_after(done):
    """The names of the plan's checkpoints due once \`done\` updates are complete (usually none)."""
    return [name for name, step in CHECKPOINTS.items() if step == done]


class PlanScheduler(LambdaLR):
    """A LambdaLR over the plan's LR that also sets the weight decay of each update.

    Param groups created with weight_decay 0 (biases and norms, as most trainers build them) keep 0; the
    others take the plan's weight decay at every update.
    """

    def __init__(self, optimizer, last_epoch=-1):
        for group in optimizer.param_groups:
            group.setdefault("plan_decays", group.get("weight_decay", 0.0) != 0.0)
            if last_epoch == -1:
                group["lr"] = BASE_LR
                group["initial_lr"] = BASE_LR
        super().__init__(optimizer, lr_lambda, last_epoch)

    def step(self, *args, **kwargs):
        super().step(*args, **kwargs)
        for group in self.optimizer.param_groups:
            if group["plan_decays"]:
                group["weight_decay"] = weight_decay_at(self.last_epoch)
${
  betas
    ? '            if not group.get("plan_own_betas"):\n' +
      '                group["betas"] = (beta1_at(self.last_epoch), beta2_at(self.last_epoch))\n'
    : ""
}

def make_scheduler(optimizer, last_epoch=-1):
    """The scheduler to step once after every optimizer.step(): update k then uses lr_at(k)."""
    return PlanScheduler(optimizer, last_epoch)
`;

/** `CHECKPOINTS = {name: updates done, ...}`: every named checkpoint of the plan but "final". */
function checkpointTable(plan: Plan): string {
  const rows = namedCheckpoints(plan).map((c) => `    ${quoted(c.name)}: ${c.step},`);
  return [
    '# The plan\'s named checkpoints: the weights after this many updates ("final" is the end of training).',
    rows.length ? `CHECKPOINTS = {\n${rows.join("\n")}\n}` : "CHECKPOINTS = {}",
    "",
  ].join("\n");
}

/**
 * The imports a torch module's glue needs for the plan's parameter groups (fnmatch, re, torch) and a
 * scheduled EMA decay (copy, torch), after torch's LambdaLR, with the glue's own standard-library modules
 * (`stdlib`); `torch` asks for `import torch` regardless.
 *
 * @example
 * ```ts
 * import { torchImports } from "./_schedule_module.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/mup.recipe");
 * console.assert(torchImports(plan).join() === ",import fnmatch,import re,,import torch");
 * ```
 */
export function torchImports(plan: Plan, stdlib: string[] = [], torch = false): string[] {
  const copy = Boolean(plan.ema && plan.timelines?.emaDecay);
  const grouped = plan.groups !== undefined;
  const modules = [...stdlib, ...(copy ? ["copy"] : []), ...(grouped ? ["fnmatch", "re"] : [])].sort();
  return [
    ...(modules.length ? ["", ...modules.map((m) => `import ${m}`)] : []),
    ...(torch || copy || grouped ? ["", "import torch"] : []),
  ];
}

/**
 * The module's text: the plan's tables, lookups, `make_scheduler` and the checkpoint table, then `glue`.
 *
 * @example
 * ```ts
 * import { scheduleModule } from "./_schedule_module.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const module = scheduleModule(plan, "The schedule.", { imports: [], code: "", release: "torch 2" });
 * console.assert(module.includes("def make_scheduler(optimizer, last_epoch=-1):"));
 * ```
 */
export function scheduleModule(plan: Plan, purpose: string, glue: ModuleGlue): string {
  const extras = extraSchedules(plan, MATH, "_value");
  return [
    pythonPreamble(plan, purpose, [
      "import math",
      "",
      "from torch.optim.lr_scheduler import LambdaLR",
      ...glue.imports,
    ], glue.release),
    pieceTable("_LR", quantityPieces(plan, "lr"), MATH),
    pieceTable("_WEIGHT_DECAY", quantityPieces(plan, "weightDecay"), MATH),
    pieceTable("_BATCH", quantityPieces(plan, "batch"), MATH),
    checkpointTable(plan),
    PYTHON_LOOKUPS,
    ...(extras.code ? [extras.code] : []),
    scheduler(extras.betas),
    glue.code,
  ].join("\n").trimEnd() + "\n";
}

/**
 * The extension-tier module of `target`: `<plan>_<target>_schedule.py`, the schedule module with the
 * target's glue.
 */
export function extensionModule(
  plan: Plan,
  target: string,
  framework: string,
  glue: ModuleGlue,
): EmittedFile {
  return {
    name: `${moduleStem(plan.name)}_${target}_schedule.py`,
    content: scheduleModule(
      plan,
      `The schedule of plan ${quoted(plan.name)} at ${framework}'s extension point: the plan's LR and ` +
        "weight decay at every update.",
      glue,
    ),
  };
}
