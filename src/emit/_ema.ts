/**
 * The plan's EMA of the weights in a target's output: the `pytorch` module carries it exactly with
 * torch.optim.swa_utils (AveragedModel with get_ema_multi_avg_fn, whose first update copies the weights and
 * every later one is `decay * ema + (1 - decay) * w`, the plan's formula), hf's extension tier with the same
 * code in a TrainerCallback (`PlanEma`), `optax` with optax.incremental_update
 * (`step_size * new + (1 - step_size) * old`, step_size = 1 - decay), `csv` as a column of each update's
 * decay; every other target refuses it aloud, naming it and where the recipe wrote it.
 * @module
 */
import type { Ema, Plan } from "../plan/schema.ts";
import { quantityPieces } from "../plan/pieces.ts";
import { MATH, pieceTable } from "./_python.ts";
import { UnsupportedFeatureError } from "./target.ts";

/** The EMA in a refusal's words: `an EMA of the weights ("ema", decay 0.999)`. */
function emaFeature(ema: Ema): string {
  return `an EMA of the weights (${JSON.stringify(ema.name)}, decay ${ema.decay})`;
}

/**
 * Throws the refusal of target `target` for a plan with an EMA; does nothing for a plan without one.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/ema.recipe");
 * let refused = "";
 * try {
 *   refuseEma("hf", plan);
 * } catch (error) {
 *   refused = (error as Error).message;
 * }
 * console.assert(refused.includes('an EMA of the weights ("ema", decay 0.99)'));
 * ```
 */
export function refuseEma(target: string, plan: Plan): void {
  if (plan.ema) throw new UnsupportedFeatureError(target, emaFeature(plan.ema), plan.ema.origin, []);
}

/** The code each Python target adds for the EMA: torch's AveragedModel, or optax's incremental_update. */
const EMA_CODE = {
  torch: `


def make_ema(model):
    """A torch.optim.swa_utils.AveragedModel keeping the plan's EMA of \`model\`'s weights."""
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    return AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(EMA_DECAY))


def update_ema(ema, model, step):
    """Call after optimizer.step() of update \`step\` (counted from 0): the first call copies the weights."""
    if step >= EMA_START:
        ema.update_parameters(model)
`,
  optax: `


def update_ema(ema_params, params, step):
    """The EMA after update \`step\` (counted from 0) of \`params\`, the weights after it (start from params)."""
    decay = 0.0 if step <= EMA_START else EMA_DECAY
    return optax.incremental_update(params, ema_params, 1.0 - decay)
`,
};

/**
 * The Python a `pytorch` or `optax` module gains for a plan with an EMA (empty for one without): its name,
 * decay and start, and `update_ema` (with `make_ema(model)` for torch), to call after every update.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/ema.recipe");
 * console.assert(emaPython(plan, "torch").includes("EMA_DECAY = 0.99"));
 * ```
 */
export function emaPython(plan: Plan, library: keyof typeof EMA_CODE): string {
  if (!plan.ema) return "";
  const { name, decay, start } = plan.ema;
  return `
# The plan's EMA of the weights, the checkpoint ${JSON.stringify(name)} after the last update: after update
# EMA_START it is a copy of the weights, after every later update decay * ema + (1 - decay) * weights.
EMA_NAME = ${JSON.stringify(name)}
EMA_DECAY = ${decay}
EMA_START = ${start}` + (plan.timelines?.emaDecay ? scheduledEma(plan, library) : EMA_CODE[library]);
}

/** The decay of every update, for a plan that schedules it (`schedule ema { ... }`). */
const EMA_DECAY_AT = `


def ema_decay_at(step):
    """The decay update \`step\` (counted from 0) applies: 0 up to EMA_START (a copy), then the plan's."""
    return 0.0 if step <= EMA_START else _value(_EMA_DECAY, step)
`;

/** The EMA code of a plan that schedules its decay, after `ema_decay_at`, per library. */
const SCHEDULED_EMA_CODE = {
  torch: `

def make_ema(model):
    """A copy of \`model\` that update_ema keeps at the plan's EMA of its weights."""
    ema = copy.deepcopy(model)
    for param in ema.parameters():
        param.requires_grad_(False)
    return ema


def update_ema(ema, model, step):
    """Call after optimizer.step() of update \`step\`: decay * ema + (1 - decay) * weights (lerp, as
    torch.optim.swa_utils.get_ema_multi_avg_fn computes it)."""
    decay = ema_decay_at(step)
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            e.lerp_(p.detach(), 1.0 - decay)
`,
  optax: `

def update_ema(ema_params, params, step):
    """The EMA after update \`step\` (counted from 0) of \`params\`, the weights after it (start from params)."""
    return optax.incremental_update(params, ema_params, 1.0 - ema_decay_at(step))
`,
};

/** The table of a scheduled EMA decay, then `ema_decay_at` and `update_ema` for `library`. */
function scheduledEma(plan: Plan, library: keyof typeof EMA_CODE): string {
  return "\n\n" + pieceTable("_EMA_DECAY", quantityPieces(plan, "emaDecay"), MATH).trimEnd() +
    EMA_DECAY_AT + SCHEDULED_EMA_CODE[library];
}

/** The callback hf's PlanTrainer adds for the EMA, after the torch EMA code. */
const HF_EMA_CALLBACK = `

class PlanEma(TrainerCallback):
    """Keeps the plan's EMA of the model's weights (update_ema after every update, which the Trainer ends with
    on_step_end) and saves it after the last update as <output_dir>/<EMA_NAME>: save_pretrained for a
    transformers model, else its state dict in pytorch_model.bin. The EMA lives in memory, on process 0's
    model and the parameters' dtype: train with whole (not FSDP- or ZeRO-3-sharded) parameters, and without
    resume_from_checkpoint, which would restart it."""

    def __init__(self):
        self.ema = None

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        self.ema = make_ema(model)

    def on_step_end(self, args, state, control, model=None, **kwargs):
        update_ema(self.ema, model, state.global_step - 1)
        if state.global_step == state.max_steps and state.is_world_process_zero:
            averaged = self.ema.module if isinstance(self.ema, torch.optim.swa_utils.AveragedModel) else self.ema
            path = os.path.join(args.output_dir, EMA_NAME)
            if hasattr(averaged, "save_pretrained"):
                averaged.save_pretrained(path)
            else:
                os.makedirs(path, exist_ok=True)
                torch.save(averaged.state_dict(), os.path.join(path, "pytorch_model.bin"))
        return control

`;

/**
 * The Python hf's extension module gains for a plan with an EMA (empty for one without): the torch EMA code
 * (`emaPython(plan, "torch")`) and the `PlanEma` callback that PlanTrainer adds.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/ema.recipe");
 * console.assert(hfEmaPython(plan).includes("class PlanEma(TrainerCallback):"));
 * ```
 */
export function hfEmaPython(plan: Plan): string {
  return plan.ema ? emaPython(plan, "torch") + HF_EMA_CALLBACK : "";
}
