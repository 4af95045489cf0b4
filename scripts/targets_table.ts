/**
 * Generates docs/targets.md: which recipe features each emitter target can express, found by emitting one
 * small probe plan per feature for every target (exactly, then with `approximate`). Run with
 * `deno task targets-doc`; tests/emit_docs_test.ts checks that the committed doc is up to date.
 * @module
 */
import { Plan, type Shape } from "../src/plan/schema.ts";
import { TARGETS } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";

const PEAK = 1e-3;
const c = (value: number): Shape => ({ shape: "constant", value });
const lin = (from: number, to: number): Shape => ({ shape: "linear", from, to });
const cos = (from: number, to: number): Shape => ({ shape: "cosine", from, to });

interface ProbePhase {
  n: number;
  lr: Shape;
  offset?: 0 | 1;
  weightDecay?: Shape;
  batch?: Shape;
  mix?: Record<string, number>;
}

function probe(name: string, phases: ProbePhase[], init = false, checkpoints: [string, number][] = []): Plan {
  let start = 0;
  const origin = { file: "probe.recipe", line: 1, column: 1 };
  const source = (n: string) => ({
    name: n,
    kind: "dataset" as const,
    uri: `/data/${n}`,
    recipe: "probe",
    origin,
  });
  return Plan.parse({
    version: 1,
    name,
    steps: phases.reduce((t, p) => t + p.n, 0),
    context: 128,
    budget: { unit: "steps", value: 100 },
    optimizer: { kind: "adamw", lr: PEAK, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1, clip: 1 },
    model: null,
    sources: [source("web"), source("code")],
    phases: phases.map((p, i) => {
      const phase = {
        name: `p${i}`,
        kind: "phase",
        start,
        end: start + p.n,
        offset: p.offset ?? 0,
        lr: p.lr,
        weightDecay: p.weightDecay ?? c(0.1),
        batch: p.batch ?? c(8),
        mix: p.mix ?? { web: 1 },
        origin,
      };
      start += p.n;
      return phase;
    }),
    checkpoints: checkpoints.map(([name, step]) => ({ name, step, origin })),
    init: init ? { recipe: "base", checkpoint: "final", step: 1000, planHash: "", lr: 1e-5, origin } : null,
    file: "probe.recipe",
  });
}

const warmup = { n: 10, lr: lin(0, PEAK) };
const stable = { n: 60, lr: c(PEAK) };
const decayTo = (shape: Shape): ProbePhase => ({ n: 30, lr: shape });

/** One probe plan per recipe feature, in the order of the table. */
export const PROBES: [string, Plan][] = [
  ["constant LR", probe("constant", [{ n: 100, lr: c(PEAK) }])],
  ["linear warmup from 0, then constant", probe("warmup", [warmup, { n: 90, lr: c(PEAK) }])],
  ["warmup, linear decay to 0", probe("linear", [warmup, { n: 90, lr: lin(PEAK, 0) }])],
  ["warmup, linear decay to a floor", probe("linear-floor", [warmup, { n: 90, lr: lin(PEAK, PEAK / 10) }])],
  ["warmup, cosine decay to 0", probe("cosine", [warmup, { n: 90, lr: cos(PEAK, 0) }])],
  ["warmup, cosine decay to a floor", probe("cosine-floor", [warmup, { n: 90, lr: cos(PEAK, PEAK / 10) }])],
  ["cosine decay without warmup", probe("cosine-no-warmup", [{ n: 100, lr: cos(PEAK, 0) }])],
  [
    "warmup, polynomial decay",
    probe("polynomial", [warmup, {
      n: 90,
      lr: { shape: "polynomial", from: PEAK, to: PEAK / 100, power: 2 },
    }]),
  ],
  [
    "warmup, inverse-sqrt (timescale = warmup)",
    probe("inverse-sqrt", [warmup, {
      n: 90,
      lr: { shape: "inverse-sqrt", from: PEAK, timescale: 10 },
    }]),
  ],
  ["WSD, linear decay to 0", probe("wsd-linear", [warmup, stable, decayTo(lin(PEAK, 0))])],
  ["WSD, cosine decay to a floor", probe("wsd-cosine", [warmup, stable, decayTo(cos(PEAK, PEAK / 10))])],
  [
    "WSD, 1-sqrt decay to a floor",
    probe("wsd-1-sqrt", [warmup, stable, decayTo({ shape: "1-sqrt", from: PEAK, to: PEAK / 100 })]),
  ],
  [
    "WSD, then the floor held to the end",
    probe("wsd-held-floor", [warmup, { n: 50, lr: c(PEAK) }, { n: 20, lr: cos(PEAK, PEAK / 10) }, {
      n: 20,
      lr: c(PEAK / 10),
    }]),
  ],
  [
    "WSD, warmup from the decay's floor",
    probe("wsd-floor-warmup", [
      { n: 10, lr: lin(PEAK / 100, PEAK) },
      stable,
      decayTo({ shape: "1-sqrt", from: PEAK, to: PEAK / 100 }),
    ]),
  ],
  [
    "`inclusive` warmup, then WSD 1-sqrt decay",
    probe("inclusive-warmup", [
      { ...warmup, offset: 1 },
      stable,
      decayTo({ shape: "1-sqrt", from: PEAK, to: 0 }),
    ]),
  ],
  [
    "`inclusive` warmup and linear decay",
    probe("inclusive-wsd", [{ ...warmup, offset: 1 }, stable, { ...decayTo(lin(PEAK, 0)), offset: 1 }]),
  ],
  [
    "`inclusive` warmup and cosine decay",
    probe("inclusive-cosine", [{ ...warmup, offset: 1 }, { n: 90, lr: cos(PEAK, PEAK / 10), offset: 1 }]),
  ],
  [
    "first LR held one update, then linear warmup",
    probe("held", [{ n: 1, lr: c(0) }, warmup, { n: 89, lr: c(PEAK) }]),
  ],
  [
    "step decay",
    probe("step", [{ n: 100, lr: { shape: "step", values: [PEAK, PEAK / 10], boundaries: [50] } }]),
  ],
  [
    "exponential decay",
    probe("exponential", [warmup, { n: 90, lr: { shape: "exponential", from: PEAK, to: PEAK / 100 } }]),
  ],
  ["REX decay", probe("rex", [warmup, { n: 90, lr: { shape: "rex", from: PEAK, to: 0 } }])],
  ["cycles (cosine restarts)", probe("cycles", [{ n: 50, lr: cos(PEAK, 0) }, { n: 50, lr: cos(PEAK, 0) }])],
  [
    "a second decay after a plateau",
    probe("two-decays", [warmup, decayTo(cos(PEAK, PEAK / 2)), { n: 40, lr: c(PEAK / 2) }, {
      n: 20,
      lr: lin(PEAK / 2, 0),
    }]),
  ],
  [
    "cooldown branched from a checkpoint",
    probe("branch", [{ n: 100, lr: { shape: "1-sqrt", from: PEAK, to: PEAK / 100 } }], true),
  ],
  [
    "rewarm from a checkpoint (continual pretraining)",
    probe("rewarm", [{ n: 10, lr: lin(1e-5, PEAK) }, stable, decayTo(cos(PEAK, 0))], true),
  ],
  [
    "one mixture of several sources",
    probe("mixture", [{ ...warmup, mix: { web: 0.7, code: 0.3 } }, {
      n: 90,
      lr: lin(PEAK, 0),
      mix: { web: 0.7, code: 0.3 },
    }]),
  ],
  [
    "a mixture change between phases",
    probe("mixture-change", [{ ...warmup, mix: { web: 0.7, code: 0.3 } }, stable, {
      ...decayTo(lin(PEAK, 0)),
      mix: { web: 0.3, code: 0.7 },
    }]),
  ],
  [
    "weight decay that changes in a phase",
    probe("weight-decay", [warmup, stable, { ...decayTo(lin(PEAK, 0)), weightDecay: lin(0.1, 0) }]),
  ],
  [
    "weight decay rising linearly over the run",
    probe("weight-decay-rise", [{ ...warmup, weightDecay: lin(0, 0.01) }, {
      n: 90,
      lr: lin(PEAK, 0),
      weightDecay: lin(0.01, 0.1),
    }]),
  ],
  ["a batch-size ramp", probe("batch-ramp", [{ ...warmup, batch: lin(2, 8) }, { n: 90, lr: lin(PEAK, 0) }])],
  [
    "a named checkpoint before the decay",
    probe("branch-point", [{ n: 70, lr: c(PEAK) }, decayTo(lin(PEAK, 0))], false, [["pre-decay", 70]]),
  ],
  [
    "periodic checkpoints (every 25 updates)",
    probe("periodic", [{ n: 100, lr: c(PEAK) }], false, [["c25", 25], ["c50", 50], ["c75", 75]]),
  ],
];

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
    "torchtitan and olmo, whose mixture does not change), as do pytorch, optax and csv; megatron and nanotron",
    "take the schedules their native keys can express.",
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
  ].join("\n");
}

if (import.meta.main) {
  await Deno.writeTextFile(new URL("../docs/targets.md", import.meta.url), targetsTable());
  console.error("wrote docs/targets.md");
}
