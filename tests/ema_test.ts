/**
 * EMA of the weights: `ema "ema" decay D start X` gives the plan its `ema`; children start from it;
 * pytorch, optax and csv carry it and the other targets refuse it; the built-in trainer updates it on the
 * GPU after every update (d * ema + (1 - d) * w), bit-identically for a seed and across a resume, writes it
 * as the checkpoint "ema" after the last update, evaluates it, and `export` takes it. Also
 * `checkpoint average "avg" last N of "c"`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile } from "../src/plan/compile.ts";
import { emitPlan } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { train } from "../src/train/run.ts";
import { createEngine } from "../src/train/gpt.ts";
import { Progress } from "../src/train/progress.ts";
import { loadCheckpoint } from "../src/train/checkpoint/checkpoint.ts";
import { exportHf } from "../src/train/export_hf.ts";
import { proxyPlan } from "../src/plan/proxy.ts";
import { compilePlans, TINY_TRAINING } from "./compile_text.ts";

Deno.test("recipes/ema.recipe: the EMA and the average of the last three are in the plan", async () => {
  const { plans: [plan, branch] } = await compileFile("recipes/ema.recipe");
  assert.deepEqual(plan.ema && { ...plan.ema, origin: undefined }, {
    name: "ema",
    decay: 0.99,
    start: 100,
    step: 1000,
    origin: undefined,
  });
  assert.deepEqual(plan.averages?.[0].of, ["c-700", "c-800", "c-900"]);
  assert.equal(branch.init?.checkpoint, "ema");
  assert.equal(branch.init?.step, 1000);
  assert.equal(branch.ema, undefined, "a branch does not inherit its parent's EMA");
});

Deno.test("pytorch, optax, csv and hf's extension tier carry the EMA; the other targets refuse it, naming it", async () => {
  const { plans: [plan] } = await compileFile("recipes/ema.recipe");
  assert.match(emitPlan(plan, "pytorch").files[0].content, /get_ema_multi_avg_fn\(EMA_DECAY\)/);
  assert.match(emitPlan(plan, "optax").files[0].content, /optax\.incremental_update/);
  const rows = emitPlan(plan, "csv").files[0].content.split("\n");
  assert.equal(rows[0], "step,lr,weight_decay,batch,news,ema_decay");
  assert.ok(rows[101].endsWith(",0") && rows[102].endsWith(",0.99"), "0 up to the start, then the decay");
  const hf = emitPlan(plan, "hf");
  assert.equal(hf.tier, "extension");
  assert.match(hf.files[2].content, /self\.add_callback\(PlanEma\(\)\)/);
  assert.match(hf.files[2].content, /get_ema_multi_avg_fn\(EMA_DECAY\)/);
  assert.ok(hf.notes.some((n) => n.includes('"ema" -> runs/ema/ema after the last update')));
  assert.throws(() => emitPlan(plan, "hf", { native: true }), /an EMA of the weights/);
  for (const target of ["megatron", "torchtitan", "olmo", "deepspeed", "nanotron"]) {
    assert.throws(() => emitPlan(plan, target), (error: unknown) => {
      assert.ok(error instanceof UnsupportedFeatureError);
      assert.match(error.message, /an EMA of the weights \("ema", decay 0\.99\) \(.*ema\.recipe:\d+:3\)/);
      assert.deepEqual(error.alternatives, ["hf", "optax", "pytorch", "csv"]);
      return true;
    }, target);
  }
});

Deno.test("a sweep of the EMA decay or of an average's count makes one plan per value, named by it", async () => {
  const text = `recipe "r" {
    budget 100 steps  batch 4 x 8  optimizer adamw { lr 1e-3 }  schedule { stable rest }
    ema "e" decay sweep [0.9, 0.99]
    checkpoint every 10 steps "c"
    checkpoint average "a" last sweep [2, 3] of "c"
  }`;
  const plans = await compilePlans(text);
  assert.deepEqual(plans.map((p) => [p.name, p.ema?.decay, p.averages?.[0].of.length]), [
    ["r-ema.decay=0.9-average.last=2", 0.9, 2],
    ["r-ema.decay=0.9-average.last=3", 0.9, 3],
    ["r-ema.decay=0.99-average.last=2", 0.99, 2],
    ["r-ema.decay=0.99-average.last=3", 0.99, 3],
  ]);
});

const TINY_EMA = `recipe "tiny-ema" {
  ${TINY_TRAINING}
  ema "ema" decay 0.9 start 28 steps
  checkpoint at 29 steps "pre"
  checkpoint every 10 steps "c"
  checkpoint average "avg" last 2 of "c"
  branch "anneal" at "ema" { budget 4 steps  schedule { decay rest linear to 0 }  checkpoint every 2 steps "b" }
}
`;

const tinyPlans = () => compilePlans(TINY_EMA);

const quiet = new Progress("quiet");
const dirOf = (out: string, name: string) => join(out, "checkpoints", name);
const sha = async (dir: string, file: string) => (await loadCheckpoint(dir)).state.files![file].sha256;

Deno.test("the trainer keeps the EMA on the GPU, writes and evaluates it, resumes it exactly, and a branch and export start from it", async () => {
  const [plan, branch] = await tinyPlans();
  assert.deepEqual(plan.averages?.[0].of, ["c-10", "c-20"]);
  const out = await Deno.makeTempDir();
  const summary = await train(plan, { out, createEngine, progress: quiet });
  assert.equal(summary.ema?.name, "ema");
  assert.ok(Number.isFinite(summary.ema?.heldOut.news), "the EMA is evaluated on held-out data");

  // After update 28 the EMA is the weights ("pre", after 29 updates); update 29 makes 0.9 pre + 0.1 final.
  const [pre, last, ema] = await Promise.all(
    ["pre", "final", "ema"].map((n) => loadCheckpoint(dirOf(out, n))),
  );
  assert.equal(ema.state.ema, 0.9);
  for (const [i, tensor] of ema.weights.entries()) {
    for (let j = 0; j < tensor.data.length; j += 97) {
      const expected = 0.9 * pre.weights[i].data[j] + 0.1 * last.weights[i].data[j];
      assert.ok(Math.abs(tensor.data[j] - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), tensor.name);
    }
  }
  assert.deepEqual(last.ema, ema.weights, "every checkpoint holds the EMA's state");

  // With the EMA started at update 5, a run killed at update 15 and resumed gives the EMA of an
  // uninterrupted run, bit for bit (its state is in every checkpoint); so does the same seed.
  const early = { ...plan, ema: { ...plan.ema!, start: 5 } };
  const [whole, twice, resumed] = await Promise.all([0, 1, 2].map(() => Deno.makeTempDir()));
  await train(early, { out: whole, createEngine, progress: quiet });
  await train(early, { out: twice, createEngine, progress: quiet });
  await train(early, { out: resumed, createEngine, progress: quiet, stopAfter: 15 });
  assert.ok((await loadCheckpoint(dirOf(resumed, "latest"))).ema, "the EMA's state at update 15");
  await train(early, { out: resumed, createEngine, progress: quiet, resume: true });
  for (const run of [twice, resumed]) {
    assert.equal(
      await sha(dirOf(run, "ema"), "model.safetensors"),
      await sha(dirOf(whole, "ema"), "model.safetensors"),
    );
  }

  // A branch starts from the EMA (its AdamW state too); export takes it like any checkpoint.
  const child = await train(branch, {
    out: join(out, "anneal"),
    createEngine,
    progress: quiet,
    init: { dir: dirOf(out, "ema"), optimizer: true },
  });
  assert.equal(child.steps, branch.steps);
  assert.deepEqual(child.warnings, []);
  const childFinal = await loadCheckpoint(join(out, "anneal", "checkpoints", "final"));
  assert.equal(childFinal.ema, null, "a child without an EMA does not carry its parent's");
  const exported = await exportHf(dirOf(out, "ema"), join(out, "hf"));
  assert.ok(exported.length > 0);
});

Deno.test("recipes/ema.recipe trains at a tiny size (a 30-update proxy): the EMA, the average, the branch", async () => {
  const { plans: [plan, branch] } = await compileFile("recipes/ema.recipe");
  const out = await Deno.makeTempDir();
  const tiny = proxyPlan(plan, 30 * 16 * 64);
  assert.deepEqual([tiny.steps, tiny.ema?.start, tiny.ema?.step], [30, 3, 30]);
  const summary = await train(tiny, { out, createEngine, progress: quiet });
  assert.ok(Number.isFinite(summary.ema?.heldOut.news) && Number.isFinite(summary.averages?.lawa.news));
  const child = await train(proxyPlan(branch, 4 * 16 * 64), {
    out: join(out, "anneal"),
    createEngine,
    progress: quiet,
    init: { dir: dirOf(out, "ema") },
  });
  assert.equal(child.steps, 4);
});
