/**
 * `deno task conformance [--n N] [--keep DIR]`: runs the emitted files through the real frameworks, by hand
 * (not in CI, which has no Python). Builds a Python venv in .venv from the machine's local wheel indexes
 * (torch CPU, transformers, accelerate, optax, jax) when it is missing, compiles every example recipe and N
 * generated ones (tests/random_recipe.ts) for hf, deepspeed, olmo, torchtitan, pytorch and optax, and has
 * scripts/conformance/run.py drive each output as its trainer does, update by update, against the plan's
 * per-update LR, weight decay and scheduled betas (the csv target). Prints one table row per target.
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { compileFile } from "../../src/plan/compile.ts";
import { emitPlan } from "../../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../../src/emit/target.ts";
import { formatDiagnostics } from "../../src/diagnostics/diagnostic.ts";
import type { Plan } from "../../src/plan/schema.ts";
import { publishedRecipe, randomRecipe } from "../../tests/random_recipe.ts";

const TARGETS = ["hf", "deepspeed", "olmo", "torchtitan", "pytorch", "optax"];
const PACKAGES = ["torch", "transformers", "accelerate", "optax", "jax", "pyyaml"];
const ROOT = new URL("../../", import.meta.url).pathname;
const VENV = join(ROOT, ".venv");

async function run(command: string, args: string[]): Promise<{ code: number; text: string }> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, text: decode(output.stdout) + decode(output.stderr) };
}

/** The venv's python, created from the local indexes `pip config list` names when missing. */
async function python(): Promise<string> {
  const bin = join(VENV, "bin", "python");
  const ok = await run(bin, ["-c", "import torch, transformers, accelerate, optax, jax"]).catch(() => ({
    code: 1,
  }));
  if (ok.code === 0) return bin;
  const config = (await run("pip", ["config", "list"])).text;
  const indexes = [...config.matchAll(/file:\/\/[^\s']+/g)].map((m) => m[0]);
  if (indexes.length === 0) throw new Error("pip config names no local index: cannot build the venv here");
  console.error(`building ${VENV} from ${indexes.join(", ")} ...`);
  const steps: [string, string[]][] = [
    ["python3", ["-m", "venv", VENV]],
    [join(VENV, "bin", "pip"), [
      "install",
      "--retries",
      "0",
      "--index-url",
      indexes[0],
      ...indexes.slice(1).flatMap((i) => ["--extra-index-url", i]),
      ...PACKAGES,
    ]],
  ];
  for (const [command, args] of steps) {
    const result = await run(command, args);
    if (result.code !== 0) throw new Error(`${command} failed:\n${result.text.slice(-2000)}`);
  }
  await Deno.writeTextFile(join(VENV, ".gitignore"), "*\n");
  return bin;
}

/** A 60-update recipe with these phases and a recipe-level checkpoint statement, for run.py to train. */
function trainedRecipe(name: string, phases: string[], checkpoint: string): string {
  return `recipe "${name}" {\n  budget 60 steps\n  batch 4 x 8\n  optimizer adamw { lr 1e-3 }\n` +
    `  schedule { ${phases.join("  ")} }\n  ${checkpoint}\n}\n`;
}

async function plansOf(texts: [string, string][]): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const [path, text] of texts) {
    const result = await compileFile(path, {
      readFile: (p) => p === path ? Promise.resolve(text) : Deno.readTextFile(p),
    });
    if (!result.ok) throw new Error(formatDiagnostics(result.diagnostics));
    plans.push(...result.plans);
  }
  return plans;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { n: { type: "string", default: "200" }, keep: { type: "string" } },
  });
  const n = Number(values.n);
  const examples: [string, string][] = [];
  for (const entry of [...Deno.readDirSync(join(ROOT, "recipes"))].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const path = join("recipes", entry.name);
    examples.push([path, await Deno.readTextFile(join(ROOT, path))]);
  }
  // Short recipes that run.py trains for real with the Trainer: their checkpoints and EMA must appear exactly.
  const trained: [string, string][] = [
    [
      "train-extension.recipe",
      trainedRecipe("train-extension", [
        "warmup 10 steps",
        'stable until 50% { checkpoint at end "a" }',
        "decay rest cosine to 0",
      ], 'checkpoint at 45 steps "b"'),
    ],
    [
      "train-native.recipe",
      trainedRecipe(
        "train-native",
        ["warmup 10 steps", "decay rest linear to 0"],
        'checkpoint every 20 steps "c"',
      ),
    ],
    // The EMA of the weights: PlanEma keeps it during Trainer.train() and saves it after the last update.
    [
      "train-ema.recipe",
      trainedRecipe(
        "train-ema",
        ["warmup 10 steps", "decay rest cosine to 0"],
        'ema "ema" decay 0.99 start 5 steps',
      ),
    ],
    [
      "train-ema-scheduled.recipe",
      trainedRecipe(
        "train-ema-scheduled",
        ["warmup 10 steps", "decay rest cosine to 0"],
        'ema "ema" decay 0.95 start 5 steps  schedule ema { warmup 20 steps from 0.5  stable rest }',
      ),
    ],
  ];
  // Schedules of their own for weight decay and beta2: the torch extension tier sets both at every update.
  const scheduled: [string, string][] = [[
    "schedules.recipe",
    `recipe "schedules" {
  budget 300 steps  batch 4 x 8  optimizer adamw { lr 1e-3  betas 0.9 0.95  weight_decay 0.1 }
  schedule { warmup 10%  decay rest cosine }
  schedule weight_decay { stable 50%  decay rest linear to 0.01 }
  schedule beta2 { warmup 20% from 0.9  stable rest }
}`,
  ], [
    "groups-schedules.recipe",
    `recipe "groups-schedules" {
  budget 200 steps  batch 4 x 8
  optimizer adamw {
    lr 1e-3  betas 0.9 0.95  weight_decay 0.1
    group "hidden" matrices { lr 0.5x  betas 0.8 0.9 }
    group "vectors" vectors { weight_decay 0 }
  }
  schedule { warmup 10%  decay rest cosine }
  schedule beta2 { warmup 20% from 0.9  stable rest }
}`,
  ]];
  const generated: [string, string][] = Array.from(
    { length: n },
    (_, i) => [`generated-${i}.recipe`, i % 2 ? randomRecipe(5000 + i).text : publishedRecipe(5000 + i)],
  );
  Deno.chdir(ROOT);
  const plans = await plansOf([...examples, ...trained, ...scheduled, ...generated]);
  const dir = values.keep ?? await Deno.makeTempDir({ prefix: "conformance-" });
  const cases: unknown[] = [];
  const refused: Record<string, number> = {};
  for (const [i, plan] of plans.entries()) {
    const caseDir = join(dir, String(i));
    await Deno.mkdir(caseDir, { recursive: true });
    const csv = emitPlan(plan, "csv").files[0];
    await Deno.writeTextFile(join(caseDir, "plan.csv"), csv.content);
    for (const target of TARGETS) {
      try {
        const emitted = emitPlan(plan, target);
        for (const file of emitted.files) await Deno.writeTextFile(join(caseDir, file.name), file.content);
        cases.push({
          plan: plan.name,
          target,
          tier: emitted.tier,
          dir: caseDir,
          files: emitted.files.map((f) => f.name),
        });
      } catch (error) {
        if (!(error instanceof UnsupportedFeatureError)) throw error;
        refused[target] = (refused[target] ?? 0) + 1;
      }
    }
  }
  const manifest = join(dir, "cases.json");
  await Deno.writeTextFile(manifest, JSON.stringify({ cases, refused }));
  console.error(`${plans.length} plans (${examples.length} example files, ${n} generated) in ${dir}`);
  const bin = await python();
  const child = new Deno.Command(bin, {
    args: [join(ROOT, "scripts", "conformance", "run.py"), manifest],
    stdout: "inherit",
    stderr: "inherit",
  });
  const { code } = await child.output();
  if (!values.keep) await Deno.remove(dir, { recursive: true });
  Deno.exit(code);
}
