/**
 * The plan's parameter groups in the Python modules (pytorch and hf's extension tier: torch param groups;
 * optax: `optax.multi_transform`), and the refusal of the targets that have no exact way to express them.
 *
 * The rule every generated module writes down (docs/targets.md): a parameter of fewer than 2 dimensions is
 * a `vector`; else an `embedding` when it is the weight of an embedding module (torch.nn.Embedding, flax
 * Embed) or its name has a part embed*, wte, wpe or tok_embeddings; else the `head` when its name has a
 * part lm_head or output; else a `matrix`. `params` groups match fnmatch patterns (fnmatchcase) against
 * the parameter's name (torch: named_parameters(); optax: the pytree path joined with dots). A parameter
 * belongs to the first group that selects it; a group with a weight decay decays all its parameters, the
 * others decay only parameters of 2 or more dimensions, at the plan's weight decay.
 * @module
 */
import type { Plan } from "../plan/schema.ts";
import { floatLiteral, pyFloat, quoted } from "./_literals.ts";
import { optaxClip, scheduledBetas } from "./_python.ts";
import { UnsupportedFeatureError } from "./target.ts";

/**
 * Throws the refusal of a target that cannot express parameter groups, naming the first group and where
 * the recipe wrote it; does nothing for a plan without groups.
 *
 * @example
 * ```ts
 * import { refuseGroups } from "./_param_groups.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * refuseGroups("hf", plan); // wsd-small has no groups
 * ```
 */
export function refuseGroups(target: string, plan: Plan): void {
  const group = plan.groups?.[0];
  if (!group) return;
  throw new UnsupportedFeatureError(target, `parameter group "${group.name}"`, group.origin, []);
}

/** The `GROUPS` table and the role rule, shared by the torch and optax modules. */
function groupRules(plan: Plan): string {
  const rows = (plan.groups ?? []).map((g) =>
    `    {"name": ${quoted(g.name)}, "role": ${quoted(g.role)}, "patterns": [${
      g.patterns.map(quoted).join(", ")
    }], "lr_scale": ${floatLiteral(g.lrScale)}, "weight_decay_scale": ${pyFloat(g.weightDecayScale)}, ` +
    `"betas": ${g.betas ? `(${g.betas.map(floatLiteral).join(", ")})` : "None"}, "eps": ${pyFloat(g.eps)}},`
  );
  const [b1, b2] = plan.optimizer.betas;
  return `
# The plan's parameter groups, in the order a parameter is matched against them. Each group's LR is
# lr_scale times the plan's LR of every update; its weight decay weight_decay_scale times the plan's (None:
# the optimizer's rule, which decays only parameters of 2 or more dimensions); betas and eps replace
# the optimizer's (None: keep them). DEFAULT_GROUP (named "", which no group of a recipe is) holds the rest.
GROUPS = [
${rows.join("\n")}
]
DEFAULT_GROUP = {"name": "", "role": None, "patterns": [], "lr_scale": 1.0, "weight_decay_scale": None, "betas": None, "eps": None}
BETAS = (${floatLiteral(b1)}, ${floatLiteral(b2)})
EPS = ${floatLiteral(plan.optimizer.eps)}

_EMBEDDING_NAME = re.compile(r"(^|[./])(embed\\w*|wte|wpe|tok_embeddings)([./]|$)")
_HEAD_NAME = re.compile(r"(^|[./])(lm_head|output)([./]|$)")


def parameter_role(name, ndim, is_embedding=False):
    """The role of a parameter: vectors (ndim < 2), embeddings, head or matrices."""
    if ndim < 2:
        return "vectors"
    if is_embedding or _EMBEDDING_NAME.search(name):
        return "embeddings"
    if _HEAD_NAME.search(name):
        return "head"
    return "matrices"


def group_of(name, ndim, is_embedding=False):
    """The plan's group of a parameter (the first that selects it), or DEFAULT_GROUP; and whether it decays."""
    role = parameter_role(name, ndim, is_embedding)
    for group in GROUPS:
        if group["role"] == "params":
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in group["patterns"]):
                return group, group["weight_decay_scale"] is not None or ndim >= 2
        elif group["role"] == role:
            return group, group["weight_decay_scale"] is not None or ndim >= 2
    return DEFAULT_GROUP, ndim >= 2
`;
}

/** `param_groups(model)`: the torch param groups of the plan's groups, after the GROUPS table and rule. */
const PARAM_GROUPS = `

def param_groups(model):
    """torch.optim param groups for the plan's groups: one per (group, decays) with parameters."""
    embeddings = {id(m.weight) for m in model.modules() if isinstance(m, torch.nn.Embedding)}
    buckets = {}
    for name, param in model.named_parameters():
        if param.requires_grad:
            group, decays = group_of(name, param.ndim, id(param) in embeddings)
            buckets.setdefault((group["name"], decays), (group, []))[1].append(param)
    return [
        {
            "params": params,
            "name": group["name"],
            "plan_lr_scale": group["lr_scale"],
            "plan_decays": decays,
            "plan_weight_decay_scale": 1.0 if group["weight_decay_scale"] is None else group["weight_decay_scale"],
            "betas": group["betas"] or BETAS,
            "plan_own_betas": group["betas"] is not None,
            "eps": EPS if group["eps"] is None else group["eps"],
            "weight_decay": 0.0,
        }
        for (_, decays), (group, params) in buckets.items()
    ]
`;

/** `make_optimizer(model)`: torch's AdamW over param_groups(model), and the plan's CLIP. */
function makeOptimizer(plan: Plan): string {
  const clip = plan.optimizer.clip;
  return `

def make_optimizer(model):
    """torch.optim.AdamW over param_groups(model); step make_group_scheduler(optimizer) after it.${
    clip === null
      ? ""
      : `\n\n    Clip gradients before every step: torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP).`
  }"""
    return torch.optim.AdamW(param_groups(model), lr=BASE_LR, betas=BETAS, eps=EPS, weight_decay=0.0)


CLIP = ${pyFloat(clip)}
`;
}

/** `GroupScheduler` and `make_group_scheduler(optimizer)`: each group's LR and weight decay, scaled. */
const GROUP_SCHEDULER = `

class GroupScheduler(PlanScheduler):
    """A PlanScheduler for param_groups(model): each group's LR and weight decay are the plan's times its own."""

    def step(self, *args, **kwargs):
        super().step(*args, **kwargs)
        for group in self.optimizer.param_groups:
            group["lr"] = lr_at(self.last_epoch) * group["plan_lr_scale"]
            if group["plan_decays"]:
                group["weight_decay"] = weight_decay_at(self.last_epoch) * group["plan_weight_decay_scale"]


def make_group_scheduler(optimizer, last_epoch=-1):
    """The scheduler of an optimizer over param_groups(model), to step once after every optimizer.step()."""
    return GroupScheduler(optimizer, last_epoch)
`;

/** What a torch module takes of the groups' glue beyond `param_groups(model)`. */
export type TorchGroupPart = "optimizer" | "scheduler";

/**
 * The torch glue: `param_groups(model)`, and of `parts` `make_optimizer(model)` (pytorch, hf; deepspeed
 * and OLMo-core build their own optimizer from the groups) and `GroupScheduler` (all but OLMo-core, whose
 * PlanLR scales the groups).
 *
 * @example
 * ```ts
 * import { torchGroups } from "./_param_groups.ts";
 * import { compileFile } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/mup.recipe");
 * console.assert(!torchGroups(plan, ["scheduler"]).includes("def make_optimizer(model):"));
 * ```
 */
export function torchGroups(
  plan: Plan,
  parts: readonly TorchGroupPart[] = ["optimizer", "scheduler"],
): string {
  return groupRules(plan) + PARAM_GROUPS + (parts.includes("optimizer") ? makeOptimizer(plan) : "") +
    (parts.includes("scheduler") ? GROUP_SCHEDULER : "");
}

/**
 * The optax glue: `labels(params)` names each leaf's group and decay, and `optimizer()` is
 * `optax.multi_transform` with one AdamW per label, its schedules the plan's times the group's multipliers.
 */
export function optaxGroups(plan: Plan): string {
  return groupRules(plan) + `

def _label(path, leaf):
    name = ".".join(str(getattr(key, "key", getattr(key, "name", getattr(key, "idx", key)))) for key in path)
    is_embedding = name.endswith("embedding")  # flax.linen.Embed names its table "embedding"
    group, decays = group_of(name, jnp.ndim(leaf), is_embedding)
    return f"{group['name']}|{'decay' if decays else 'no_decay'}"


def labels(params):
    """The label of every leaf of \`params\`: "<group>|decay" or "<group>|no_decay"."""
    return jax.tree_util.tree_map_with_path(_label, params)


def _adamw(group, decays):
    lr_scale = group["lr_scale"]
    wd_scale = 0.0 if not decays else 1.0 if group["weight_decay_scale"] is None else group["weight_decay_scale"]
    b1, b2 = group["betas"] or ${scheduledBetas(plan) ? "(beta1_at, beta2_at)" : "BETAS"}
    return optax.inject_hyperparams(optax.adamw)(
        learning_rate=lambda count: schedule(count) * lr_scale,
        b1=b1,
        b2=b2,
        eps=EPS if group["eps"] is None else group["eps"],
        weight_decay=lambda count: weight_decay_schedule(count) * wd_scale,
    )


def optimizer():
    """optax.multi_transform over labels(params): AdamW per parameter group, after gradient clipping."""
    transforms = {
        f"{group['name']}|{'decay' if decays else 'no_decay'}": _adamw(group, decays)
        for group in [*GROUPS, DEFAULT_GROUP]
        for decays in (True, False)
    }
    grouped = optax.multi_transform(transforms, labels)
    return grouped if CLIP is None else optax.chain(${optaxClip(plan)}, grouped)
`;
}
