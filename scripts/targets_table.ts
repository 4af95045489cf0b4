/**
 * Generates docs/targets.md: which recipe features each emitter target can express, found by compiling one
 * small probe recipe per feature and emitting its plan for every target (exactly, then with `approximate`).
 * Run with `deno task targets-doc`; tests/emit_docs_test.ts checks that the committed doc is up to date.
 * @module
 */
import type { Plan } from "../src/plan/schema.ts";
import { TARGETS } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { compilePlan } from "../tests/compile_text.ts";

/**
 * What every probe shares: 100 updates of 8 x 128 tokens at a peak LR of 1e-3, and two datasets. A probe
 * extends "probe", or starts from a checkpoint of "pretrained": "pre-decay" (at the peak) or "final"
 * (at 1e-5).
 */
const SHARED = `
recipe "probe" {
  budget 100 steps
  batch 8 x 128
  optimizer adamw { lr 1e-3  betas 0.9 0.95  weight_decay 0.1  clip 1 }
  data {
    web = dataset "/data/web"
    code = dataset "/data/code"
    mix web 1
  }
  schedule { stable rest }
}

recipe "pretrained" extends "probe" {
  budget 1000 steps
  schedule {
    warmup 10 steps
    stable until 900 steps { checkpoint at end "pre-decay" }
    decay rest 1-sqrt to 1e-5 inclusive
  }
}
`;

/**
 * One probe per recipe feature, in the order of the table: the feature and a recipe that uses it (and little
 * else), extending "probe" or starting from a checkpoint of "pretrained".
 */
const PROBE_RECIPES: [feature: string, recipe: string][] = [
  [
    "constant LR",
    `recipe "constant" extends "probe" { schedule { stable rest } }`,
  ],
  [
    "linear warmup from 0, then constant",
    `recipe "warmup" extends "probe" { schedule { warmup 10 steps  stable rest } }`,
  ],
  [
    "warmup, linear decay to 0",
    `recipe "linear" extends "probe" { schedule { warmup 10 steps  decay rest } }`,
  ],
  [
    "warmup, linear decay to a floor",
    `recipe "linear-floor" extends "probe" { schedule { warmup 10 steps  decay rest linear to 1e-4 } }`,
  ],
  [
    "warmup, cosine decay to 0",
    `recipe "cosine" extends "probe" { schedule { warmup 10 steps  decay rest cosine } }`,
  ],
  [
    "warmup, cosine decay to a floor",
    `recipe "cosine-floor" extends "probe" { schedule { warmup 10 steps  decay rest cosine to 1e-4 } }`,
  ],
  [
    "cosine decay without warmup",
    `recipe "cosine-no-warmup" extends "probe" { schedule { decay rest cosine } }`,
  ],
  [
    "warmup, polynomial decay",
    `recipe "polynomial" extends "probe" {
      schedule { warmup 10 steps  decay rest polynomial power 2 to 1e-5 }
    }`,
  ],
  [
    "warmup, inverse-sqrt (timescale = warmup)",
    `recipe "inverse-sqrt" extends "probe" { schedule { warmup 10 steps  decay rest inverse-sqrt } }`,
  ],
  [
    "WSD, linear decay to 0",
    `recipe "wsd-linear" extends "probe" { schedule { warmup 10 steps  stable until 70 steps  decay rest } }`,
  ],
  [
    "WSD, cosine decay to a floor",
    `recipe "wsd-cosine" extends "probe" {
      schedule { warmup 10 steps  stable until 70 steps  decay rest cosine to 1e-4 }
    }`,
  ],
  [
    "WSD, 1-sqrt decay to a floor",
    `recipe "wsd-1-sqrt" extends "probe" {
      schedule { warmup 10 steps  stable until 70 steps  decay rest 1-sqrt to 1e-5 }
    }`,
  ],
  [
    "WSD, then the floor held to the end",
    `recipe "wsd-held-floor" extends "probe" {
      schedule { warmup 10 steps  stable until 60 steps  decay 20 steps cosine to 1e-4  phase "floor" rest }
    }`,
  ],
  [
    "WSD, warmup from the decay's floor",
    `recipe "wsd-floor-warmup" extends "probe" {
      schedule { warmup 10 steps from 1e-5  stable until 70 steps  decay rest 1-sqrt to 1e-5 }
    }`,
  ],
  [
    "`inclusive` warmup, then WSD 1-sqrt decay",
    `recipe "inclusive-warmup" extends "probe" {
      schedule { warmup 10 steps inclusive  stable until 70 steps  decay rest 1-sqrt }
    }`,
  ],
  [
    "`inclusive` warmup and linear decay",
    `recipe "inclusive-wsd" extends "probe" {
      schedule { warmup 10 steps inclusive  stable until 70 steps  decay rest inclusive }
    }`,
  ],
  [
    "`inclusive` warmup and cosine decay",
    `recipe "inclusive-cosine" extends "probe" {
      schedule { warmup 10 steps inclusive  decay rest cosine to 1e-4 inclusive }
    }`,
  ],
  [
    "first LR held one update, then linear warmup",
    `recipe "held" extends "probe" {
      schedule { phase "hold" 1 steps constant at 0  warmup 10 steps  stable rest }
    }`,
  ],
  [
    "step decay",
    `recipe "step" extends "probe" { schedule { decay rest step 0.1 at 50% } }`,
  ],
  [
    "exponential decay",
    `recipe "exponential" extends "probe" { schedule { warmup 10 steps  decay rest exponential to 1e-5 } }`,
  ],
  [
    "REX decay",
    `recipe "rex" extends "probe" { schedule { warmup 10 steps  decay rest rex to 0 } }`,
  ],
  [
    "cycles (cosine restarts)",
    `recipe "cycles" extends "probe" { schedule { cycles 2 over rest { decay 100% cosine } } }`,
  ],
  [
    "a second decay after a plateau",
    `recipe "two-decays" extends "probe" {
      schedule { warmup 10 steps  decay 30 steps cosine to 5e-4  phase "plateau" 40 steps  decay rest }
    }`,
  ],
  [
    "cooldown branched from a checkpoint",
    `recipe "branch" from "pretrained" at "pre-decay" {
      budget 100 steps
      schedule { cooldown rest 1-sqrt to 1e-5 }
    }`,
  ],
  [
    "rewarm from a checkpoint (continual pretraining)",
    `recipe "rewarm" from "pretrained" at "final" {
      budget 100 steps
      schedule { rewarm 10 steps  stable until 70 steps  decay rest cosine }
    }`,
  ],
  [
    "one mixture of several sources",
    `recipe "mixture" extends "probe" {
      data { mix web 0.7, code 0.3 }
      schedule { warmup 10 steps  decay rest }
    }`,
  ],
  [
    "a mixture change between phases",
    `recipe "mixture-change" extends "probe" {
      data { mix web 0.7, code 0.3 }
      schedule { warmup 10 steps  stable until 70 steps  decay rest { mix web 0.3, code 0.7 } }
    }`,
  ],
  [
    "weight decay that changes in a phase",
    `recipe "weight-decay" extends "probe" {
      schedule { warmup 10 steps  stable until 70 steps  decay rest { weight_decay linear from 0.1 to 0 } }
    }`,
  ],
  [
    "weight decay rising linearly over the run",
    `recipe "weight-decay-rise" extends "probe" {
      schedule {
        warmup 10 steps { weight_decay linear from 0 to 0.01 }
        decay rest { weight_decay linear from 0.01 to 0.1 }
      }
    }`,
  ],
  [
    "a batch-size ramp",
    `recipe "batch-ramp" extends "probe" {
      schedule { warmup 10 steps { batch linear from 2 to 8 }  decay rest }
    }`,
  ],
  [
    "a batch schedule of its own (Llama 3's step-ups by tokens)",
    `recipe "batch-schedule" extends "probe" {
      schedule batch { stable until 30% at 4  stable rest at 1x }
    }`,
  ],
  [
    "a context schedule (longer sequences later)",
    `recipe "context-schedule" extends "probe" {
      schedule context { stable until 80% at 64  stable rest at 1x }
    }`,
  ],
  [
    "a beta2 schedule (warmup of beta2)",
    `recipe "beta2-schedule" extends "probe" {
      schedule beta2 { warmup 20% from 0.9  stable rest }
    }`,
  ],
  [
    "a gradient-clipping schedule",
    `recipe "clip-schedule" extends "probe" {
      schedule clip { stable 10% at 0.5  stable rest at 1x }
    }`,
  ],
  [
    "a named checkpoint before the decay",
    `recipe "branch-point" extends "probe" {
      schedule { stable until 70 steps { checkpoint at end "pre-decay" }  decay rest }
    }`,
  ],
  [
    "periodic checkpoints (every 25 updates)",
    `recipe "periodic" extends "probe" {
      checkpoint every 25 steps
      schedule { stable rest }
    }`,
  ],
  [
    'an EMA of the weights (`ema "ema" decay 0.999`)',
    `recipe "ema" extends "probe" { ema "ema" decay 0.999 }`,
  ],
  [
    "parameter groups (muP: hidden matrices at 0.5x LR, vectors without weight decay)",
    `recipe "groups" extends "probe" {
      optimizer adamw { group "hidden" matrices { lr 0.5x }  group "vectors" vectors { weight_decay 0 } }
      schedule { warmup 10 steps  decay rest }
    }`,
  ],
];

/** The probe file: the shared recipes, then every probe. */
const PROBE_FILE = [SHARED, ...PROBE_RECIPES.map(([, recipe]) => recipe)].join("\n");

async function compileProbes(): Promise<[string, Plan][]> {
  const probes: [string, Plan][] = [];
  for (const [feature, recipe] of PROBE_RECIPES) {
    probes.push([feature, await compilePlan(PROBE_FILE, recipe.match(/^recipe "([^"]+)"/)![1])]);
  }
  return probes;
}

/**
 * One probe plan per recipe feature, in the order of the table, compiled from its recipe.
 *
 * @example
 * ```ts
 * import { PROBES } from "./targets_table.ts";
 * const [feature, plan] = PROBES[0];
 * console.log(feature, plan.steps); // "constant LR" 100
 * ```
 */
export const PROBES: [string, Plan][] = await compileProbes();

function cell(plan: Plan, target: (typeof TARGETS)[number]): string {
  let tier: string;
  try {
    tier = target.emit(plan, {}).tier;
  } catch (error) {
    if (!(error instanceof UnsupportedFeatureError)) throw error;
    return "no";
  }
  if (tier !== "extension") return tier === "native" ? "native" : "yes";
  try {
    const { maxDeviation } = target.emit(plan, { native: true, approximate: true });
    return `ext / ≈ ${maxDeviation.toExponential(0)}`;
  } catch (error) {
    if (!(error instanceof UnsupportedFeatureError)) throw error;
    return "ext";
  }
}

/** The markdown of docs/targets.md. */
export function targetsTable(): string {
  const header = `| feature | ${TARGETS.map((t) => t.name).join(" | ")} |`;
  const rule = `|---|${TARGETS.map(() => "---").join("|")}|`;
  const rows = PROBES.map(([feature, plan]) =>
    `| ${feature} | ${TARGETS.map((t) => cell(plan, t)).join(" | ")} |`
  );
  return [
    "# What each target can express",
    "",
    "Generated by `deno task targets-doc` (scripts/targets_table.ts) from one probe plan per feature: do not",
    "edit. Every cell but **no** is exact: the plan's LR (and weight decay) at every update, to 1e-12, checked",
    "against re-implementations of each framework's source in tests/frameworks.",
    "",
    "- **native**: the trainer's own config keys.",
    "- **ext**: the trainer's documented extension point, driven by the plan's per-update values: a Python",
    "  module `<plan>_<target>_schedule.py` beside the config (hf: a Trainer subclass overriding",
    "  create_scheduler; deepspeed: a client lr_scheduler for deepspeed.initialize; olmo: a Scheduler subclass",
    "  the config names; torchtitan: an LRSchedulersContainer.Config subclass). **ext / ≈ d**: with",
    "  `--native --approximate` the native keys come within d of the plan (relative to the peak LR).",
    "- **yes**: pytorch, optax and csv express every plan by construction.",
    "- **no**: no tier of the target can; it refuses, naming the feature, where the recipe wrote it and the",
    "  targets that can. Megatron-LM and nanotron have no extension point for the schedule: native only.",
    "",
    "So **hf, torchtitan, olmo and deepspeed take every recipe** whose batch size is constant (and, for",
    "torchtitan and olmo, whose mixture does not change) and that has no EMA of the weights (but hf's) and,",
    "for torchtitan, no parameter groups, as do pytorch, optax and csv; megatron and nanotron take the",
    "schedules their native keys can express.",
    "",
    header,
    rule,
    ...rows,
    "",
    "## Targets",
    "",
    ...TARGETS.map((t) => `- **${t.name}** (${t.release}): ${t.description}.`),
    "",
    "## Data sources and mixtures",
    "",
    "- Sources of kind `dataset` are written with their path. Sources of kind `corpus` (built into the recipe",
    "  trainer) and `files` (a glob it tokenizes) have no path an external trainer reads: configs name them by",
    "  the source's name as a placeholder path, and a note says to replace it.",
    "- megatron writes one `--data-path` blend per mixture stage and `--phase-transition-iterations`; nanotron",
    "  writes `data_stages`; olmo writes a SourceMixtureDatasetConfig (one mixture per run). hf, deepspeed and",
    "  torchtitan (whose DatasetMixConfig is Python) write the stages to a `*.data.json` sidecar; the Python",
    "  modules carry `MIXTURES` and `mixture_at(step)`; csv has one weight column per source.",
    "- Continual pretraining: megatron `--pretrained-checkpoint` (with `--load`/`--save` on the run's own directory, so relaunches continue), torchtitan `checkpoint.initial_load_path`,",
    "  nanotron `model.init_method.path`, olmo `trainer.load_path` with `load_trainer_state: false`; the others",
    "  note what to load. Checkpoint paths are placeholders named after the parent recipe and checkpoint.",
    "",
    "## Parameter groups",
    "",
    "A recipe's `group`s (per-group LR and weight decay multipliers, betas, eps) are exact in pytorch",
    "(`make_optimizer(model)`: torch.optim.AdamW over `param_groups(model)`, and `make_group_scheduler`, which",
    "sets each group's LR and weight decay to the plan's times its multipliers at every update), in hf's",
    "extension tier (PlanTrainer overrides `create_optimizer` with `make_optimizer` and `create_scheduler`",
    "with `make_group_scheduler`), in deepspeed's (`deepspeed.initialize(model_parameters=param_groups(model),",
    "lr_scheduler=make_group_scheduler)`: DeepSpeed builds its optimizer from those groups with the config's",
    "`params` as defaults, calls the scheduler with it and steps it after each update; FusedAdam reads each",
    "group's lr, betas, eps and weight_decay), in olmo's (set the optim config's `group_overrides` to the",
    "module's `group_overrides(model)`, one override per group by exact parameter name with its `lr` scaled:",
    "OptimConfig.build sets each group's `initial_lr` to it, which the config's PlanLR scales at every update,",
    "and PlanLR scales each group's weight decay) and in optax (`optimizer()`: `optax.multi_transform` over",
    "`labels(params)`, one AdamW per group); csv adds the columns `lr:<group>` and `weight_decay:<group>`.",
    "megatron, nanotron and torchtitan refuse, naming the group and where the recipe wrote it: megatron and",
    "nanotron have no extension point (Megatron-LM's decoupled embedding LR covers one role only), and",
    "torchtitan main's `ParamGroupConfig` (a regex and optimizer settings per group) is not yet used: it is",
    "not checked to follow the plan exactly at every update.",
    "",
    "The modules write the rule that sorts parameters into roles: a parameter of fewer than 2 dimensions is a",
    "`vector` (norms and biases); else an `embedding` when it is the weight of an embedding module",
    "(torch.nn.Embedding; flax's `embedding` table) or a part of its name is embed*, wte, wpe or",
    "tok_embeddings; else the `head` when a part of its name is lm_head or output; else a `matrix`. `params`",
    "groups match fnmatch patterns against the names (torch: `named_parameters()`; optax: the pytree path",
    "joined with dots). A parameter belongs to the first group that selects it; a group that sets",
    "`weight_decay` decays all its parameters, the others decay parameters of 2 or more dimensions only.",
    "The built-in GPT ties its head to wte, so `head` selects nothing there (W0005).",
    "",
    "## Checkpoints",
    "",
    "Every named checkpoint of the plan is saved by the target after exactly its update, or compile says",
    "what the trainer saves instead; none is dropped silently. megatron (`--save-interval`), nanotron",
    "(`checkpoints.checkpoint_interval`, `save_initial_state` for update 0) and torchtitan",
    "(`checkpoint.interval`, `keep_latest_k` 0) save every g updates, g the greatest common divisor of the",
    "checkpoints' updates, and a note lists which saves are the named ones; hf uses `save_steps` when that",
    "saves exactly them, else the extension module's callback; olmo lists them in",
    "`CheckpointerCallback.fixed_steps`; deepspeed's config does not save, so its extension module has",
    "`save_due_checkpoints(engine, dir)` to call after each step; pytorch and optax modules carry",
    "`CHECKPOINTS`. A checkpoint at update 0 (the initial weights) that a trainer does not save is a warning.",
    "",
    "## EMA of the weights",
    "",
    "A recipe's `ema` is exact in pytorch (`make_ema`, `update_ema`: torch.optim.swa_utils), optax",
    "(`update_ema`: optax.incremental_update), csv (an `ema_decay` column) and hf's extension tier:",
    "PlanTrainer adds the `PlanEma` callback, which applies the same torch code after every update (the",
    "Trainer's on_step_end) and saves the EMA after the last update as `<output_dir>/<name>`",
    "(save_pretrained, or a state dict in `pytorch_model.bin`); it keeps the EMA in memory, so a run resumed",
    "from a checkpoint would restart it, and it needs whole (not sharded) parameters. deepspeed, olmo and",
    "torchtitan refuse it (R0024): the extension points used here (a client lr_scheduler, a Scheduler",
    "subclass, an LR-scheduler config) see the optimizer's param groups, never the weights, and under ZeRO-3",
    "or FSDP each process holds only shards of them, so an EMA kept beside the engine is not checked to be",
    "the plan's (OLMo-core's trainer callbacks could hold one; they are not yet used). megatron and nanotron",
    "have no extension point.",
    "",
  ].join("\n");
}

if (import.meta.main) {
  await Deno.writeTextFile(new URL("../docs/targets.md", import.meta.url), targetsTable());
  console.error("wrote docs/targets.md");
}
