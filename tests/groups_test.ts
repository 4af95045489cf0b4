/**
 * Parameter groups: `group "name" <role> { lr, weight_decay, betas, eps }` in the optimizer block becomes
 * the plan's `groups` (multipliers of the plan's LR and weight decay), which the built-in trainer, pytorch,
 * optax, csv and the extension tiers of hf, deepspeed and olmo follow and the other targets refuse aloud;
 * and the setting words usable as names.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { codesOf, compilePlan } from "./compile_text.ts";
import { compileFile } from "../src/plan/compile.ts";
import { emitPlan, UnsupportedFeatureError } from "../src/emit/mod.ts";
import { explainPlan } from "../src/schedule/explain.ts";
import { plotPlan } from "../src/plot/plan_chart.ts";
import { settingChanges } from "../src/diff/settings.ts";
import { train } from "../src/train/run.ts";
import { createEngine } from "../src/train/gpt.ts";
import { Progress } from "../src/train/progress.ts";

const HEAD = "budget 100 steps  batch 4 x 32";
const recipe = (optimizer: string, rest = "") =>
  `recipe "r" { ${HEAD}  optimizer adamw { ${optimizer} }  ${rest}  schedule { stable rest } }`;

Deno.test("setting words are names in lets and expressions", async () => {
  const plan = await compilePlan(`let width = 128
let lr = 3e-3
let context = 32
let layers = 2
recipe "r" {
  ${HEAD}
  optimizer adamw { lr lr / 2  weight_decay 0.1 }
  model gpt { layers layers  width width  heads 4  context context }
  schedule { stable rest }
}`);
  assert.equal(plan.optimizer.lr, 1.5e-3);
  assert.equal(plan.model?.width, 128);
  assert.equal(plan.model?.layers, 2);
  assert.deepEqual(await codesOf(`let stable = 1\n${recipe("lr 1e-3")}`), ["R0001"]);
});

Deno.test("a group's lr and weight decay become multipliers of the plan's", async () => {
  const plan = await compilePlan(recipe(`lr 2e-3  weight_decay 0.1
    group "a" matrices { lr 1e-3  weight_decay 0.05 }
    group "b" params "h.*.attn.*", "wte.*" { lr 0.25x  betas 0.8 0.9  eps 1e-6 }
    group "c" vectors { weight_decay 0 }`));
  assert.deepEqual(
    plan.groups?.map(({ name, role, patterns, lrScale, weightDecayScale, betas, eps }) => ({
      name,
      role,
      patterns,
      lrScale,
      weightDecayScale,
      betas,
      eps,
    })),
    [
      {
        name: "a",
        role: "matrices",
        patterns: [],
        lrScale: 0.5,
        weightDecayScale: 0.5,
        betas: null,
        eps: null,
      },
      {
        name: "b",
        role: "params",
        patterns: ["h.*.attn.*", "wte.*"],
        lrScale: 0.25,
        weightDecayScale: null,
        betas: [0.8, 0.9],
        eps: 1e-6,
      },
      { name: "c", role: "vectors", patterns: [], lrScale: 1, weightDecayScale: 0, betas: null, eps: null },
    ],
  );
  assert.equal((await compilePlan(recipe("lr 1e-3"))).groups, undefined, "no groups, no key");
});

Deno.test("groups are inherited and replaced by name", async () => {
  const text = `${recipe('lr 1e-3  group "a" matrices { lr 0.5x }  group "b" vectors { lr 2x }')}
recipe "s" extends "r" { optimizer adamw { group "a" embeddings { lr 0.1x } } }`;
  const plan = await compilePlan(text, "s");
  assert.deepEqual(plan.groups?.map((g) => [g.name, g.role, g.lrScale]), [["a", "embeddings", 0.1], [
    "b",
    "vectors",
    2,
  ]]);
});

Deno.test("group problems are diagnostics", async () => {
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" hidden { lr 1x }')), ["R0046"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" params { lr 1x }')), ["R0046"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" vectors "x" { lr 1x }')), ["R0046"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" vectors { clip 1 }')), ["R0046"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "" vectors { }')), ["R0046"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" vectors { weight_decay 0.1 }')), ["R0047"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" vectors { weight_decay 0 }')), []);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" vectors { lr 0x }')), ["R0009"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" vectors { betas 0.9 1.5 }')), ["R0009"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" vectors { }  group "a" matrices { }')), [
    "R0004",
  ]);
  const head = recipe('lr 1e-3  group "a" head { lr 0.5x }', "model gpt { layers 1  width 32  heads 2 }");
  assert.deepEqual(await codesOf(head), ["W0005"]);
  assert.deepEqual(await codesOf(recipe('lr 1e-3  group "a" head { lr 0.5x }')), [], "no model: no warning");
});

Deno.test("recipes/mup.recipe: explain, plot, and every target exact or refused aloud", async () => {
  const { ok, plans: [plan] } = await compileFile("recipes/mup.recipe");
  assert.ok(ok);
  assert.equal(plan.groups?.[0].lrScale, 0.5);
  assert.match(explainPlan(plan), /group "hidden": matrices, lr 0.5x \(peak 0.005\)/);
  assert.match(plotPlan(plan), /lr \(group &quot;hidden&quot;\)/);
  for (const target of ["pytorch", "optax", "csv"]) assert.ok(emitPlan(plan, target).files.length, target);
  const hf = emitPlan(plan, "hf");
  assert.equal(hf.tier, "extension");
  assert.match(hf.files[2].content, /self\.optimizer = make_optimizer\(/);
  assert.match(emitPlan(plan, "pytorch").files[0].content, /def param_groups\(model\):/);
  assert.match(emitPlan(plan, "optax").files[0].content, /optax\.multi_transform\(transforms, labels\)/);
  const csv = emitPlan(plan, "csv").files[0].content.split("\n");
  assert.match(csv[0], /,lr:hidden,weight_decay:hidden,/);
  assert.equal(Number(csv[20].split(",")[5]), Number(csv[20].split(",")[1]) * 0.5, "hidden at half the LR");
  assert.throws(() => emitPlan(plan, "hf", { native: true }), /cannot express parameter group "hidden"/);
  const deepspeed = emitPlan(plan, "deepspeed");
  assert.equal(deepspeed.tier, "extension");
  assert.match(deepspeed.files[2].content, /def param_groups\(model\):/);
  assert.match(
    deepspeed.usage.join("\n"),
    /model_parameters=param_groups\(model\), lr_scheduler=make_group_scheduler/,
  );
  assert.throws(
    () => emitPlan(plan, "deepspeed", { native: true }),
    /cannot express parameter group "hidden"/,
  );
  const olmo = emitPlan(plan, "olmo");
  assert.equal(olmo.tier, "extension");
  assert.match(olmo.files[1].content, /OptimGroupOverride\(\n\s+params=\[names\[id\(param\)\]/);
  assert.match(
    olmo.files[1].content,
    /weight_decay_at\(trainer\.global_step - 1\) \* group\["plan_weight_decay_scale"\]/,
  );
  assert.match(olmo.usage.join("\n"), /optim\.group_overrides = mup_olmo_schedule\.group_overrides\(model\)/);
  assert.throws(() => emitPlan(plan, "olmo", { native: true }), /cannot express parameter group "hidden"/);
  for (const target of ["torchtitan", "megatron", "nanotron"]) {
    assert.throws(() => emitPlan(plan, target), (error: unknown) => {
      assert.ok(error instanceof UnsupportedFeatureError);
      assert.equal(error.feature, 'parameter group "hidden"');
      assert.deepEqual(error.origin, { file: "recipes/mup.recipe", line: 18, column: 11 });
      assert.deepEqual(error.alternatives, ["hf", "olmo", "optax", "pytorch", "deepspeed", "csv"]);
      return true;
    }, target);
  }
});

Deno.test("the built-in trainer trains recipes/mup.recipe", async () => {
  const { plans: [plan] } = await compileFile("recipes/mup.recipe");
  const out = await Deno.makeTempDir();
  const summary = await train(plan, { out: join(out, "mup"), createEngine, progress: new Progress("quiet") });
  assert.equal(summary.steps, plan.steps);
  assert.ok(Number.isFinite(summary.heldOut.news));
  assert.deepEqual(summary.warnings, [], "every group of mup.recipe selects parameters of the built-in GPT");
  await Deno.remove(out, { recursive: true });
});

Deno.test("diff names a changed group by its name", async () => {
  const a = await compilePlan(recipe('lr 1e-3  group "a" matrices { lr 0.5x }'));
  const b = await compilePlan(`\n${recipe('lr 1e-3  group "a" matrices { lr 0.25x }')}`);
  assert.deepEqual(settingChanges(a, b), [{ key: "groups.a.lrScale", a: 0.5, b: 0.25 }]);
});
