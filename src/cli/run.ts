/**
 * `recipe run FILE`: trains a recipe (or a plan JSON file) on the built-in WebGPU GPT.
 * @module
 */
import { join } from "node:path";
import { type Command, EXIT, isInputError, UsageError } from "./command.ts";
import { parseCommandArgs } from "./args.ts";
import { compileForCommand } from "./compile_recipe.ts";
import type { Plan } from "../plan/schema.ts";
import { planHash } from "../plan/hash.ts";
import { parseTokenCount, planTokens, proxyPlan } from "../plan/proxy.ts";
import { readPlanFile } from "../train/load_plans.ts";
import { train } from "../train/run.ts";
import { createEngine } from "../train/gpt.ts";
import { summaryText } from "../train/report.ts";
import { SourceError } from "../train/data/source_data.ts";
import { safeFileName } from "../diagnostics/file_name.ts";

const HELP = `Usage: deno task run FILE [options]
       deno task run --resume DIR

Trains the recipe FILE (a .recipe file, or a plan JSON file as \`compile\` writes it)
on the built-in GPT (WebGPU; on a machine without a GPU, Mesa's llvmpipe). Every
update uses the plan's LR, weight decay, batch size and data mixture.

The run directory gets metrics.jsonl, plan.json, report.md and checkpoints/: the
recipe's named checkpoints, "final", its averages and EMA of the weights, and a
periodic "latest" to resume from. Each checkpoint is model.safetensors +
optimizer.safetensors (+ ema.safetensors, the EMA's state, for a recipe with an EMA)
+ state.json. A recipe with branches trains the recipe, then each branch from its
checkpoint in that run.

Options:
  --out DIR          run directory (default runs/<plan name>, or
                     runs/<plan name>-proxy-<TOKENS> with --proxy); for several
                     plans (sweeps, branches), DIR/<plan name> each
  --resume DIR       continue the killed run in DIR from its latest checkpoint; the
                     result is bit-identical to an uninterrupted run (FILE optional:
                     DIR/plan.json is used)
  --proxy TOKENS     run the same schedule shape scaled to TOKENS, e.g. 5M
  --seed N           seed of the initial weights and of the data sampler (default 1)
  --init DIR         for a recipe that starts \`from\` a parent: the parent checkpoint
                     directory (default runs/<parent>/checkpoints/<checkpoint>; with
                     --proxy, the parent's proxy run of the same size if there is one)
  --init-optimizer   also load the parent's AdamW state (default: weights only)
  --strict-init      fail, instead of warning, when the parent run followed another
                     version of the parent recipe
  --force            replace a run already in the run directory
  --allow-outside    let \`files\` sources read files outside the directory of the
                     recipe that declares them (absolute globs, leading ../)
  --log-every N      read the training loss back every N updates (default 10)
  --eval-every N     held-out evaluation every N updates (default: ten per run)
  --save-every N     write the "latest" checkpoint every N updates (default: ten per run)
  --eval-batches N   held-out batches per source at each evaluation (default 2)
  --recipe NAME      which recipe of the file (when it defines several), or
                     one of its branches, "recipe.branch"
  -h, --help         show this help

Exit codes: 0 trained, 1 errors in the recipe or its data, or the loss diverged,
2 usage. Export a checkpoint with \`deno task export DIR --to hf OUT\`.`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} expects a positive integer, got "${value}"`);
  }
  return n;
}

async function plansOf(file: string, recipe: string | undefined): Promise<Plan[] | null> {
  if (file.endsWith(".json")) return await readPlanFile(file);
  return await compileForCommand(file, { recipe });
}

/** The `run` options as parsed. */
type RunValues = {
  out?: string;
  resume?: string;
  proxy?: string;
  seed?: string;
  "log-every"?: string;
  "eval-every"?: string;
  "save-every"?: string;
  "eval-batches"?: string;
};

/**
 * The recipe file, seed, proxy size and intervals of a `run` command line, with every combination that makes
 * no sense refused as a usage error (a resume elsewhere than its directory, --proxy with a run's own plan).
 */
async function checkRunArgs(values: RunValues, positionals: string[]) {
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one recipe file, got ${positionals.length}: "${positionals.join('", "')}"`,
    );
  }
  const file = positionals[0] ?? (values.resume ? join(values.resume, "plan.json") : undefined);
  if (values.resume && !await Deno.stat(join(values.resume, "plan.json")).then(() => true, () => false)) {
    throw new UsageError(`There is no run to resume in "${values.resume}" (no plan.json there)`);
  }
  if (!file) throw new UsageError("Expected a recipe file (or --resume DIR)");
  if (values.resume && !positionals[0] && values.proxy) {
    throw new UsageError(
      "--resume DIR without a recipe file reads DIR/plan.json, already scaled: leave out --proxy",
    );
  }
  if (values.resume && values.out && values.out !== values.resume) {
    throw new UsageError("--resume DIR continues the run in DIR: leave out --out");
  }
  const seedText = values.seed ?? "1";
  const seed = Number(seedText);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new UsageError(`--seed expects a non-negative integer, got "${seedText}"`);
  }
  let proxyTokens: number | undefined;
  try {
    proxyTokens = values.proxy === undefined ? undefined : parseTokenCount(values.proxy);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options = {
    logEvery: positiveInt("log-every", values["log-every"]),
    evalEvery: positiveInt("eval-every", values["eval-every"]),
    saveEvery: positiveInt("save-every", values["save-every"]),
    evalBatches: positiveInt("eval-batches", values["eval-batches"]),
  };
  return { file, seed, proxyTokens, options };
}

/** `run`: train a recipe on the built-in WebGPU GPT. */
export const command: Command = {
  name: "run",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string", short: "o" },
      resume: { type: "string" },
      proxy: { type: "string" },
      seed: { type: "string" },
      init: { type: "string" },
      "init-optimizer": { type: "boolean" },
      "strict-init": { type: "boolean" },
      force: { type: "boolean" },
      "allow-outside": { type: "boolean" },
      "log-every": { type: "string" },
      "eval-every": { type: "string" },
      "save-every": { type: "string" },
      "eval-batches": { type: "string" },
      recipe: { type: "string" },
    });
    const { file, seed, proxyTokens, options } = await checkRunArgs(values, positionals);
    const compiled = await plansOf(file, values.recipe);
    if (!compiled) return EXIT.errors;
    if (compiled.length > 1 && values.resume) {
      throw new UsageError(
        `"${file}" makes ${compiled.length} plans (a sweep, or a recipe with branches): resume one run at a ` +
          "time (--recipe NAME)",
      );
    }
    let failed = false;
    // The run directory of every plan trained so far: a branch starts from its parent's, wherever -o put it.
    const runDirs = new Map<string, string>();
    // A branch is scaled by its recipe's ratio (tokens of the proxy / of the plan), so it keeps its length
    // relative to the run it branches from.
    const ratios = new Map<string, number>();
    for (const recipePlan of compiled) {
      const full = planTokens(recipePlan);
      const ratio = ratios.get(recipePlan.init?.recipe ?? "") ?? (proxyTokens ?? full) / full;
      ratios.set(recipePlan.name, ratio);
      const plan = proxyTokens ? proxyPlan(recipePlan, ratio * full) : recipePlan;
      const suffix = proxyTokens ? `-proxy-${values.proxy}` : "";
      const name = safeFileName(`${plan.name}${suffix}`, "run name");
      const out = values.resume ??
        (values.out
          ? (compiled.length > 1 ? join(values.out, safeFileName(plan.name, "plan name")) : values.out)
          : join("runs", name));
      runDirs.set(recipePlan.name, out);
      const initDir = values.init ?? (plan.init ? await parentDir(plan.init, suffix, runDirs) : undefined);
      try {
        const summary = await train(plan, {
          out,
          createEngine,
          seed,
          resume: Boolean(values.resume),
          force: values.force,
          allowOutside: values["allow-outside"],
          recipePlanHash: proxyTokens ? await planHash(recipePlan) : undefined,
          init: {
            dir: initDir,
            optimizer: values["init-optimizer"],
            strict: values["strict-init"],
            proxy: values.proxy,
          },
          ...options,
        });
        console.log(summaryText(summary));
        if (summary.diverged) failed = true;
      } catch (error) {
        if (!(error instanceof SourceError) && !isInputError(error)) throw error;
        console.error(`error: ${(error as Error).message}`);
        failed = true;
      }
    }
    return failed ? EXIT.errors : EXIT.ok;
  },
};

/**
 * The parent checkpoint directory of a plan with `init`: in the parent's run directory when this command
 * trained the parent (`runDirs`, by plan name: a branch's parent), else runs/<parent><suffix>/checkpoints/<name>
 * when a proxy run of the parent exists (suffix "-proxy-5M"), else runs/<parent>/checkpoints/<name>.
 */
async function parentDir(
  init: NonNullable<Plan["init"]>,
  suffix: string,
  runDirs: ReadonlyMap<string, string>,
): Promise<string> {
  const checkpoint = safeFileName(init.checkpoint, "parent checkpoint name");
  const trained = runDirs.get(init.recipe);
  if (trained !== undefined) return join(trained, "checkpoints", checkpoint);
  const dirs = [...new Set([suffix, ""])].map((s) =>
    join("runs", safeFileName(`${init.recipe}${s}`, "parent run name"), "checkpoints", checkpoint)
  );
  for (const dir of dirs) {
    if (await Deno.stat(join(dir, "state.json")).then(() => true, () => false)) return dir;
  }
  return dirs.at(-1)!;
}
