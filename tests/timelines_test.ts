/**
 * Quantities with schedules of their own (`schedule batch|context|weight_decay|beta1|beta2|clip { ... }`):
 * the placement rule against a brute-force walk of the updates, the Llama 3 ramp recipe, the trainer
 * following every schedule, emitters carrying or refusing them, and the errors.
 */
import assert from "node:assert/strict";
import { codesOf, compileFiles, compilePlan } from "./compile_text.ts";
import { compileFile } from "../mod.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { explainPlan } from "../src/schedule/explain.ts";
import { emitPlan, UnsupportedFeatureError } from "../src/emit/mod.ts";
import { roundHalfUp } from "../src/resolve/durations.ts";
import { Random } from "../src/fuzz/random.ts";
import { train } from "../src/train/run.ts";
import { createEngine } from "../src/train/gpt.ts";
import { Progress } from "../src/train/progress.ts";
import type { EngineFactory } from "../src/train/run.ts";
import { analyse } from "../src/lsp/analysis.ts";
import { phaseHover } from "../src/lsp/hover.ts";
import { diffPlans } from "../src/diff/plan_diff.ts";
import { formatRecipe } from "../src/format/format_recipe.ts";
import { proxyPlan } from "../src/plan/proxy.ts";
import { emaDecay } from "../src/plan/ema_decay.ts";

/** One constant phase of a batch or context schedule: its value and where it ends, in tokens. */
interface Step {
  value: number;
  until: number;
}

/**
 * The rule, walked one update at a time: a phase ends at the first update k where the point its end is
 * reached at (linear within update k, at update k's rate) rounds half up to k or less; the plan ends the
 * same way at the budget.
 */
function bruteForce(batch: Step[], context: Step[], budget: number) {
  let [k, tokens, b, c] = [0, 0, 0, 0];
  const ends = { batch: [] as number[], context: [] as number[] };
  for (;;) {
    for (let moved = true; moved;) {
      moved = false;
      const rate = batch[b].value * context[c].value;
      if (b < batch.length - 1 && roundHalfUp(k + (batch[b].until - tokens) / rate) <= k) {
        ends.batch.push(k), b++, moved = true;
      } else if (c < context.length - 1 && roundHalfUp(k + (context[c].until - tokens) / rate) <= k) {
        ends.context.push(k), c++, moved = true;
      }
    }
    if (roundHalfUp(k + (budget - tokens) / (batch[b].value * context[c].value)) <= k) break;
    tokens += batch[b].value * context[c].value;
    k++;
  }
  return { steps: k, ends };
}

const phasesOf = (steps: Step[]) =>
  steps.map((s, i) =>
    i === steps.length - 1 ? `stable rest at ${s.value}` : `stable until ${s.until} tokens at ${s.value}`
  )
    .join("\n    ");

Deno.test("batch and context schedules end where their tokens are reached, as a walk of the updates says", async () => {
  const random = new Random(9);
  let failed = 0;
  for (let trial = 0; trial < 60; trial++) {
    const budget = 20_000 + random.int(180_000);
    const steps = (n: number, max: number) => {
      const points = Array.from({ length: n - 1 }, () => 1 + random.int(budget - 1)).sort((a, b) => a - b);
      return [...points, budget].map((until) => ({ value: 1 + random.int(max), until }));
    };
    const batch = steps(1 + random.int(4), 16);
    const context = steps(1 + random.int(4), 64);
    const text = `recipe "r" {
  budget ${budget} tokens
  batch 16 x 64
  optimizer adamw { lr 1e-3 }
  schedule { warmup 10%  decay rest cosine }
  schedule batch {
    ${phasesOf(batch)}
  }
  schedule context {
    ${phasesOf(context)}
  }
}`;
    const expected = bruteForce(batch, context, budget);
    const result = await compileFiles({ "r.recipe": text });
    if (!result.ok) {
      // Two points closer than an update make a phase of no updates, or one that ends before it starts.
      assert.ok(result.diagnostics.every((d) => d.code === "R0008" || d.code === "R0006"), text);
      failed++;
      continue;
    }
    const plan = result.plans[0];
    assert.equal(plan.steps, expected.steps, text);
    for (const name of ["batch", "context"] as const) {
      const ends = plan.timelines![name]!.slice(0, -1).map((s) => s.end);
      assert.deepEqual(ends, expected.ends[name], `${name} of ${text}`);
    }
  }
  assert.ok(failed < 30, `${failed} of 60 random schedules were refused`);
});

Deno.test("the Llama 3 ramp: one cosine across the batch and context changes, each at its token count", async () => {
  const { plans: [plan] } = await compileFile("recipes/llama3-ramp.recipe");
  assert.equal(plan.phases.length, 2);
  assert.equal(plan.phases[1].lr.shape, "cosine");
  const table = scheduleTable(plan);
  let tokens = 0;
  const at: Record<string, number> = {};
  for (let k = 0; k < plan.steps; k++) {
    if (table.context[k] === 64 && at.context === undefined) at.context = tokens;
    if (table.batch[k] === 32 && at.batch === undefined) at.batch = tokens;
    tokens += table.batch[k] * table.context[k];
  }
  // The changes come within an update of 1.6% and 18.4% of the budget; the budget is met within an update.
  assert.ok(Math.abs(at.context - 16_000) <= 16 * 32, `context changes at ${at.context} tokens`);
  assert.ok(Math.abs(at.batch - 184_000) <= 16 * 64, `batch changes at ${at.batch} tokens`);
  assert.ok(Math.abs(tokens - 1e6) <= 32 * 64);
  const text = explainPlan(plan);
  assert.match(text, /schedule batch:\n/);
  assert.match(text, /schedule context:\n/);
});

Deno.test("the trainer follows every schedule: batch, context, weight decay, betas, clip and EMA decay per update", async () => {
  const plan = await compilePlan(`recipe "tiny" {
  budget 12 steps
  batch 4 x 32
  optimizer adamw { lr 1e-3  betas 0.9 0.95  weight_decay 0.1  clip 1.0 }
  model gpt { layers 1  width 32  heads 2  context 32 }
  data { news = corpus "brown/news" }
  schedule { warmup 2 steps  decay rest }
  schedule batch { stable 4 steps at 2  stable rest at 1x }
  schedule context { stable 6 steps at 16  stable rest at 1x }
  schedule weight_decay { stable 3 steps  decay rest }
  schedule beta1 { phase "cycle" rest linear from 0.95 to 0.85 }
  schedule beta2 { warmup 50% from 0.9  stable rest }
  schedule clip { stable 8 steps at 0.5  stable rest at 1x }
  ema "ema" decay 0.9 start 2 steps
  schedule ema { warmup 50% from 0.5  stable rest }
}`);
  const seen: {
    batch: number;
    context: number;
    wd: number;
    b1: number;
    b2: number;
    clip: number | null;
    ema: number | undefined;
  }[] = [];
  const recording: EngineFactory = async (model, options) => {
    const engine = await createEngine(model, options);
    const step = engine.step.bind(engine);
    engine.step = (batch, settings, read) => {
      seen.push({
        batch: batch.batch,
        context: batch.context,
        wd: settings.weightDecay,
        b1: settings.beta1,
        b2: settings.beta2,
        clip: settings.clip,
        ema: settings.emaDecay,
      });
      return step(batch, settings, read);
    };
    return engine;
  };
  const out = await Deno.makeTempDir();
  try {
    const summary = await train(plan, { out, createEngine: recording, progress: new Progress("quiet") });
    assert.equal(summary.steps, 12);
    const table = scheduleTable(plan);
    assert.deepEqual(
      seen,
      Array.from({ length: 12 }, (_, k) => ({
        batch: table.batch[k],
        context: table.context[k],
        wd: table.weightDecay[k],
        b1: table.beta1[k],
        b2: table.beta2[k],
        clip: table.clip![k],
        ema: emaDecay(plan.ema!, k, plan.timelines!.emaDecay),
      })),
    );
    assert.deepEqual(seen.map((s) => `${s.batch}x${s.context}`).slice(3, 7), [
      "2x16",
      "4x16",
      "4x16",
      "4x32",
    ]);
    // The EMA copies the weights up to update 2, then decays at 0.5 rising to 0.9 over the first half.
    assert.deepEqual(seen.map((s) => s.ema).slice(0, 3), [0, 0, 0]);
    assert.ok(Math.abs(seen[3].ema! - 0.7) < 1e-12, `${seen[3].ema}`);
    assert.ok(Number.isFinite(summary.loss ?? NaN));
    // metrics.jsonl records the scheduled context, betas and clip of the updates it logs.
    const logged = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    for (const record of logged) {
      const k = record.step;
      assert.deepEqual(
        [record.context, record.beta1, record.beta2, record.clip],
        [table.context[k], table.beta1[k], table.beta2[k], table.clip![k]],
      );
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("emitters carry the schedules they can and refuse the others, naming the schedule", async () => {
  const { plans: [ramp] } = await compileFile("recipes/llama3-ramp.recipe");
  for (const target of ["hf", "megatron", "nanotron", "olmo", "torchtitan", "deepspeed"]) {
    assert.throws(() => emitPlan(ramp, target, {}), (e) => {
      assert.ok(e instanceof UnsupportedFeatureError);
      assert.match(e.feature, /schedule (batch|context) \{/);
      assert.deepEqual(e.alternatives, ["optax", "pytorch", "csv"]);
      return true;
    });
  }
  const betas = await compilePlan(`recipe "b" {
  budget 100 steps  batch 8 x 64  optimizer adamw { lr 1e-3  betas 0.9 0.95 }
  schedule { warmup 10%  decay rest }
  schedule beta2 { warmup 20% from 0.9  stable rest }
}`);
  const hf = emitPlan(betas, "hf", {});
  assert.equal(hf.tier, "extension");
  assert.match(hf.files.map((f) => f.content).join("\n"), /group\["betas"\] = \(beta1_at/);
  assert.match(emitPlan(betas, "optax", {}).files[0].content, /b2=beta2_at/);
  assert.match(emitPlan(betas, "csv", {}).files[0].content, /^step,lr,weight_decay,batch,beta2\n/);
  assert.throws(() => emitPlan(betas, "megatron", {}), UnsupportedFeatureError);
});

Deno.test("what a quantity's schedule refuses", async () => {
  const recipe = (body: string) =>
    `recipe "r" { budget 1000 steps  batch 8 x 64  optimizer adamw { lr 1e-3 }  schedule { stable rest }
  ${body} }`;
  assert.deepEqual(
    await codesOf(recipe("schedule batch { cycles 2 over rest { stable 50%  stable rest } }")),
    [
      "R0039",
    ],
  );
  assert.deepEqual(await codesOf(recipe("schedule batch { stable rest  stable 10% }")), ["R0039"]);
  assert.deepEqual(await codesOf(recipe('schedule batch { phase "ramp" rest linear from 2 to 8 }')), [
    "R0039",
  ]);
  assert.deepEqual(await codesOf(recipe('schedule batch { phase "s" 50% step 2 at 10%  stable rest }')), [
    "R0039",
  ]);
  assert.deepEqual(await codesOf(recipe("schedule context { stable rest at 128 }")), ["R0009"]);
  assert.deepEqual(await codesOf(recipe("schedule beta2 { stable rest at 1.5 }")), ["R0009"]);
  assert.deepEqual(await codesOf(recipe("schedule clip { stable rest at 2x }")), ["R0020"]);
  assert.deepEqual(
    await codesOf(recipe("schedule batch { stable 10%  stable rest }  schedule batch { stable rest }")),
    [
      "R0004",
    ],
  );
  assert.deepEqual(await codesOf(recipe("schedule batch { stable 50% at 4 }")), ["R0007"]);
  assert.deepEqual(
    await codesOf(`recipe "r" { budget 1000 steps  batch 8 x 64  optimizer adamw { lr 1e-3 }
      schedule { warmup 10% { batch linear from 2 to 8 }  stable rest }  schedule context { stable rest at 32 } }`),
    ["R0038"],
  );
  assert.deepEqual(
    await codesOf(`recipe "r" { budget 1M tokens  batch 8 x 64  optimizer adamw { lr 1e-3 }
      schedule { cycles 2 over rest { phase "a" 100 steps  decay rest } }  schedule batch { stable rest at 4 } }`),
    ["R0039"],
  );
  // A clip threshold must stay above 0: a warmup (from 0) needs `from`, and `clip none` gives no base.
  assert.deepEqual(await codesOf(recipe("schedule clip { warmup 10%  stable rest }")), ["R0009"]);
  assert.deepEqual(await codesOf(recipe("schedule clip { warmup 10% from 0.5 to 1  stable rest }")), []);
  for (const quantity of ["batch", "context", "beta2"]) {
    assert.deepEqual(await codesOf(recipe(`schedule ${quantity} { }`)), ["R0008"], quantity);
  }
});

Deno.test("hover, diff and the formatter know a quantity's schedule", async () => {
  const analysis = await analyse("recipes/llama3-ramp.recipe", (p) => Deno.readTextFile(p));
  const hover = phaseHover(analysis, analysis.source.text.indexOf("stable until 18.4%"));
  assert.match(hover ?? "", /\*\*stable\*\* of the batch schedule \(llama3-ramp\): updates 0\.\.195/);
  const head = `budget 100 steps  batch 8 x 64  optimizer adamw { lr 1e-3  betas 0.9 0.95 }
  schedule { warmup 10%  decay rest }`;
  const a = await compilePlan(`recipe "a" { ${head} }`);
  const b = await compilePlan(`recipe "b" { ${head}  schedule beta2 { warmup 20% from 0.9  stable rest } }`);
  const diff = diffPlans(a, b);
  assert.equal(diff.identical, false);
  assert.deepEqual(diff.scheduled.map((s) => [s.name, s.divergence.first]), [["beta2", 0]]);
  const formatted = formatRecipe(`recipe "r" {${head}\nschedule beta2{warmup 20% from 0.9 stable rest}}`);
  assert.ok(
    formatted.includes("\n  schedule beta2 {\n    warmup 20% from 0.9\n    stable rest\n  }\n"),
    formatted,
  );
});

Deno.test("the example recipes with schedules of their own train at a tiny size", async () => {
  for (
    const [file, tokens] of [["recipes/llama3-ramp.recipe", 40_000], [
      "recipes/one-cycle.recipe",
      20_000,
    ]] as const
  ) {
    const { plans: [full] } = await compileFile(file);
    const plan = proxyPlan(full, tokens);
    const out = await Deno.makeTempDir();
    try {
      const summary = await train(plan, { out, createEngine, progress: new Progress("quiet") });
      assert.equal(summary.steps, plan.steps, file);
      assert.ok(Number.isFinite(summary.loss ?? NaN), file);
      const table = scheduleTable(plan);
      for (const name of Object.keys(plan.timelines!)) {
        assert.ok(plan.timelines![name as "batch"]!.length >= 2, name);
      }
      // The proxy keeps every schedule's phases, scaled: the ramp still changes batch and context.
      if (plan.timelines!.batch) {
        assert.ok(new Set(table.batch).size === 2 && new Set(table.context).size === 2);
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  }
});

Deno.test("the EMA's decay schedule is not inherited, as the EMA is not", async () => {
  const files = {
    "main.recipe": `recipe "a" {
  budget 1000 steps  batch 8 x 64  optimizer adamw { lr 1e-3 }
  schedule { warmup 5%  stable rest }
  ema "ema" decay 0.999 start 10%
  schedule ema { warmup 20% from 0.9  stable rest }
  checkpoint every 100 steps "c"
  branch "anneal" at "c-500" { budget 100 steps  schedule { decay rest 1-sqrt to 0 } }
}
recipe "b" extends "a" { budget 500 steps }`,
  };
  const plans = [];
  for (const recipe of ["a", "b"]) {
    const result = await compileFiles(files, recipe);
    assert.ok(result.ok, JSON.stringify(result.diagnostics.map((d) => d.message)));
    plans.push(...result.plans);
  }
  const [a, branch, b] = plans;
  assert.ok(a.ema && a.timelines?.emaDecay);
  for (const child of [branch, b]) assert.ok(!child.ema && !child.timelines?.emaDecay, child.name);
});
