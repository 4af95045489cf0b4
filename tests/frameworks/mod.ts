/**
 * Every target's own scheduler, re-implemented from its framework's source (one file each), behind one
 * function: the LR the framework gives updates 0..T-1 when fed the emitted files.
 * @module
 */
import YAML from "yaml";
import type { Plan } from "../../src/plan/schema.ts";
import type { Emitted } from "../../src/emit/target.ts";
import { bashArray, parseArgs, weightDecayTrace } from "./megatron.ts";
import { moduleLookup } from "./pytorch.ts";
import { lrTrace as hf } from "./hf.ts";
import { lrTrace as torchtitan, moduleSettings } from "./torchtitan.ts";
import { lrTrace as megatron } from "./megatron.ts";
import { lrTrace as nanotron } from "./nanotron.ts";
import { extensionTrace as olmoExtension, lrTrace as olmo } from "./olmo.ts";
import { lrTrace as optax } from "./optax.ts";
import { lrTrace as pytorch } from "./pytorch.ts";
import { lrTrace as deepspeed } from "./deepspeed.ts";
import { lrTrace as csv } from "./csv.ts";

/** The extension-tier module among a target's emitted files (`<plan>_<target>_schedule.py`), or null. */
export function extensionModule(emitted: Emitted): string | null {
  return emitted.files.find((f) => f.name.endsWith("_schedule.py"))?.content ?? null;
}

/**
 * The trainer's own scheduler when the emitted files are native; with an extension-tier module, the
 * trainer driving the module's scheduler at its extension point: a LambdaLR stepped after every update
 * (hf's create_scheduler, deepspeed's client lr_scheduler, torchtitan's scheduler builder) or, for OLMo-core,
 * the Scheduler subclass's get_lr at current = k + 1 (see tests/frameworks/olmo.ts).
 */
function tiered(
  native: (emitted: Emitted, steps: number) => number[],
  extension: (module: string) => number[] = pytorch,
): (emitted: Emitted, steps: number) => number[] {
  return (emitted, steps) => {
    const module = extensionModule(emitted);
    return module === null ? native(emitted, steps) : extension(module);
  };
}

const NATIVE_TRACES: Record<string, (emitted: Emitted, steps: number) => number[]> = {
  hf: (e) => hf(e.files[0].content),
  torchtitan: (e) => torchtitan(e.files[0].content),
  megatron: (e) => megatron(e.files[0].content),
  nanotron: (e) => nanotron(e.files[0].content),
  olmo: (e) => olmo(e.files[0].content),
  optax: (e) => optax(e.files[0].content),
  pytorch: (e) => pytorch(e.files[0].content),
  deepspeed: (e, steps) => deepspeed(e.files[0].content, steps),
  csv: (e) => csv(e.files[0].content),
};

/** The LR trace a target's framework follows for its emitted files (`steps`: for configs without a length). */
export const FRAMEWORKS: Record<string, (emitted: Emitted, steps: number) => number[]> = {
  ...NATIVE_TRACES,
  hf: tiered(NATIVE_TRACES.hf),
  deepspeed: tiered(NATIVE_TRACES.deepspeed),
  olmo: tiered(NATIVE_TRACES.olmo, olmoExtension),
  torchtitan: tiered(NATIVE_TRACES.torchtitan),
};

/** The first update where `actual` differs from `expected` by more than 1e-12 relative (0 must be exactly 0), or null. */
export function traceMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `${actual.length} updates instead of ${expected.length}`;
  for (let k = 0; k < expected.length; k++) {
    const [a, e] = [actual[k], expected[k]];
    if (!(Math.abs(a - e) <= 1e-12 * Math.max(Math.abs(a), Math.abs(e)))) {
      return `update ${k}: the framework gives ${a}, the plan ${e} (relative error ${
        Math.abs(a - e) / Math.abs(e)
      })`;
    }
  }
  return null;
}

/** What a framework reads besides the LR: per-update weight decay and batch, and the mixture stages. */
export interface Settings {
  weightDecay: number[];
  batch: number[];
  stages: { start: number; end: number; mix: Record<string, number> }[];
}

const fill = <T>(steps: number, value: T): T[] => Array.from({ length: steps }, () => value);

/** The sidecar's stages (targets without mixtures). */
function sidecarStages(emitted: Emitted): Settings["stages"] {
  return JSON.parse(emitted.files[1].content).stages;
}

/** The weight decay, batch and mixture each target's config gives, read the way the framework reads them. */
const NATIVE_SETTINGS: Record<string, (emitted: Emitted, plan: Plan) => Settings> = {
  hf: (e, plan) => {
    const args = JSON.parse(e.files[0].content);
    return {
      weightDecay: fill(plan.steps, args.weight_decay),
      batch: fill(plan.steps, args.per_device_train_batch_size * args.gradient_accumulation_steps),
      stages: sidecarStages(e),
    };
  },
  torchtitan: (e, plan) => ({
    weightDecay: fill(plan.steps, moduleSettings(e.files[0].content, "OPTIMIZER").weight_decay),
    batch: fill(
      plan.steps,
      moduleSettings(e.files[0].content, "TRAINING").num_tokens_per_train_step / plan.context,
    ),
    stages: sidecarStages(e),
  }),
  megatron: (e, plan) => {
    const text = e.files[0].content;
    const args = parseArgs(bashArray(text, "MEGATRON_ARGS"));
    const transitions = [0, ...(args.get("--phase-transition-iterations")?.[0].split(",").map(Number) ?? [])];
    const paths = new Map(plan.sources.map((s) => [s.kind === "dataset" ? s.uri : s.name, s.name]));
    return {
      weightDecay: weightDecayTrace(text),
      batch: fill(plan.steps, Number(args.get("--global-batch-size")![0])),
      stages: transitions.map((start, i) => {
        const words = parseArgs(bashArray(text, `MEGATRON_DATA_${i + 1}`)).get("--data-path")!;
        const mix: Record<string, number> = {};
        for (let j = 0; j < words.length; j += 2) mix[paths.get(words[j + 1])!] = Number(words[j]);
        return { start, end: transitions[i + 1] ?? plan.steps, mix };
      }),
    };
  },
  nanotron: (e, plan) => {
    const config = YAML.parse(e.files[0].content);
    const paths = new Map(plan.sources.map((s) => [s.kind === "dataset" ? s.uri : s.name, s.name]));
    // deno-lint-ignore no-explicit-any
    const stages = config.data_stages.map((stage: any, i: number) => ({
      start: stage.start_training_step - 1,
      end: (config.data_stages[i + 1]?.start_training_step ?? plan.steps + 1) - 1,
      mix: Object.fromEntries(
        stage.data.dataset.dataset_folder.map((f: string, j: number) => [
          paths.get(f),
          stage.data.dataset.dataset_weights[j],
        ]),
      ),
    }));
    return {
      weightDecay: fill(plan.steps, config.optimizer.weight_decay),
      batch: fill(plan.steps, config.tokens.micro_batch_size * config.tokens.batch_accumulation_per_replica),
      stages,
    };
  },
  olmo: (e, plan) => {
    const config = JSON.parse(e.files[0].content);
    return {
      weightDecay: fill(plan.steps, config.optim.weight_decay),
      batch: fill(plan.steps, config.mixture.global_batch_size / plan.context),
      stages: [{
        start: 0,
        end: plan.steps,
        mix: Object.fromEntries(
          // deno-lint-ignore no-explicit-any
          config.mixture.source_list.sources.map((s: any) => [s.source_name, s.target_ratio]),
        ),
      }],
    };
  },
  optax: (e, plan) => pythonSettings(e.files[0].content, plan),
  pytorch: (e, plan) => pythonSettings(e.files[0].content, plan),
  deepspeed: (e, plan) => {
    const config = JSON.parse(e.files[0].content);
    return {
      weightDecay: fill(plan.steps, config.optimizer.params.weight_decay),
      batch: fill(plan.steps, config.train_batch_size),
      stages: sidecarStages(e),
    };
  },
  csv: (e, plan) => {
    const [header, ...rows] = e.files[0].content.trimEnd().split("\n").map((r) => r.split(","));
    const names = header.slice(4);
    const stages: Settings["stages"] = [];
    rows.forEach((row, k) => {
      const mix = Object.fromEntries(names.map((n, j) => [n, Number(row[4 + j])]).filter(([, w]) => w !== 0));
      const last = stages.at(-1);
      if (last && JSON.stringify(last.mix) === JSON.stringify(mix)) last.end = k + 1;
      else stages.push({ start: k, end: k + 1, mix });
    });
    return {
      weightDecay: rows.map((r) => Number(r[2])),
      batch: rows.map((r) => Number(r[3])),
      stages: stages.length === 0 ? [] : stages.map((s) => ({ ...s, end: Math.min(s.end, plan.steps) })),
    };
  },
};

/**
 * What each target's files give: with an extension-tier module, the weight decay its scheduler sets at every
 * update and the batch and mixture of the config.
 */
export const SETTINGS: Record<string, (emitted: Emitted, plan: Plan) => Settings> = Object.fromEntries(
  Object.entries(NATIVE_SETTINGS).map(([target, native]) => [target, (emitted: Emitted, plan: Plan) => {
    const settings = native(emitted, plan);
    const module = extensionModule(emitted);
    return module === null
      ? settings
      : { ...settings, weightDecay: pythonSettings(module, plan).weightDecay };
  }]),
);

/** The python modules' weight_decay_at, batch_size_at and MIXTURES, transliterated. */
function pythonSettings(module: string, plan: Plan): Settings {
  const steps = Array.from({ length: plan.steps }, (_, k) => k);
  const batch = moduleLookup(module, "_BATCH");
  const mixtures = module.match(/^MIXTURES = \(\n([\s\S]*?)\n\)$/m)![1].split("\n").map((line) => {
    const row = line.match(/^ {4}\((\d+), (\d+), (\{.*\})\),$/)!;
    return { start: Number(row[1]), end: Number(row[2]), mix: JSON.parse(row[3]) };
  });
  return {
    weightDecay: steps.map(moduleLookup(module, "_WEIGHT_DECAY")),
    batch: steps.map((k) => Math.max(1, Math.floor(batch(k) + 0.5))),
    stages: mixtures,
  };
}
