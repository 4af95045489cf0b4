import assert from "node:assert/strict";
import { compileFile } from "../src/plan/compile.ts";
import { formatDiagnostics } from "../src/diagnostics/diagnostic.ts";
import { evaluate } from "../src/plan/evaluate.ts";
import { numberValue } from "../src/syntax/to_ast.ts";
import { roundHalfUp } from "../src/resolve/durations.ts";
import type { Plan } from "../src/plan/schema.ts";
import { readFromRoot } from "./fixtures.ts";
import { compileFiles, compilePlan } from "./compile_text.ts";

const compile = compileFiles;
const plan = compilePlan;
const base = (schedule: string, extra = "") =>
  `recipe "r" {
  budget 1000 steps
  batch 8 x 64
  optimizer adamw { lr 1e-3 }
  ${extra}
  schedule { ${schedule} }
}`;
const lrs = (p: Plan, steps: number[]) => steps.map((k) => evaluate(p, k).lr);

Deno.test("number literals: magnitudes, exponents and relative values", () => {
  assert.deepEqual(numberValue("20M"), { value: 20e6, relative: false });
  assert.deepEqual(numberValue("1.5B"), { value: 1.5e9, relative: false });
  assert.deepEqual(numberValue("3e-3"), { value: 3e-3, relative: false });
  assert.deepEqual(numberValue("0.1x"), { value: 0.1, relative: true });
  assert.deepEqual(numberValue("2K"), { value: 2000, relative: false });
});

Deno.test("the rounding rule: boundaries round half up, after snapping float noise", () => {
  assert.equal(roundHalfUp(2.5), 3);
  assert.equal(roundHalfUp(2.4999999999999), 3);
  assert.equal(roundHalfUp(2.49), 2);
  assert.equal(roundHalfUp(7), 7);
});

Deno.test("phase defaults: warmup from 0 to peak, stable holds, decay to 0", async () => {
  const p = await plan(base("warmup 100 steps  stable until 80%  decay rest"));
  assert.deepEqual(p.phases.map((x) => [x.name, x.start, x.end]), [["warmup", 0, 100], ["stable", 100, 800], [
    "decay",
    800,
    1000,
  ]]);
  assert.deepEqual(lrs(p, [0, 50, 100, 799, 800, 900]), [0, 0.0005, 0.001, 0.001, 0.001, 0.0005]);
});

Deno.test("inclusive: the last update of the phase reaches `to`", async () => {
  const p = await plan(base("warmup 4 steps inclusive  decay rest inclusive"));
  assert.deepEqual(lrs(p, [0, 3]), [0.00025, 0.001]);
  assert.equal(evaluate(p, 999).lr, 0);
});

Deno.test("shapes: step milestones, inverse-sqrt timescale defaults to the warmup, exponential", async () => {
  const step = await plan(base("decay rest step 0.1 at 30%, 60%"));
  assert.deepEqual(lrs(step, [299, 300, 599, 600]).map((x) => Number(x.toPrecision(12))), [
    1e-3,
    1e-4,
    1e-4,
    1e-5,
  ]);
  const inv = await plan(base("warmup 100 steps  decay rest inverse-sqrt"));
  assert.equal(inv.phases[1].lr.shape === "inverse-sqrt" && inv.phases[1].lr.timescale, 100);
  assert.ok(Math.abs(evaluate(inv, 400).lr - 1e-3 * Math.sqrt(100 / 400)) < 1e-18);
  const exp = await plan(base("decay rest exponential to 0.01x"));
  assert.ok(Math.abs(evaluate(exp, 500).lr - 1e-4) < 1e-16);
});

Deno.test("cycles: SGDR periods double, and each restart starts from the peak", async () => {
  const p = await plan(base("cycles 3 mult 2 over rest { decay rest cosine to 0 }"));
  assert.deepEqual(p.phases.map((x) => x.end - x.start), [143, 286, 571]);
  assert.deepEqual(p.phases.map((x) => evaluate(p, x.start).lr), [1e-3, 1e-3, 1e-3]);
  assert.deepEqual(p.phases.map((x) => x.cycle), [0, 1, 2]);
});

Deno.test("durations in tokens convert with each phase's mean batch (batch ramps)", async () => {
  const p = await plan(`recipe "r" {
    budget 100K tokens
    batch 16 x 10
    optimizer adamw { lr 1e-3 }
    schedule {
      warmup 20K tokens { batch linear from 8 to 16 }
      stable rest
    }
  }`);
  // The warmup's mean batch is 12 sequences = 120 tokens per update: 20K / 120 = 166.67 -> 167 updates.
  assert.equal(p.phases[0].end, 167);
  assert.equal(p.phases[1].end - p.phases[1].start, 500);
  assert.equal(evaluate(p, 0).batch, 8);
  assert.equal(evaluate(p, 200).batch, 16);
});

Deno.test("settings set in a phase carry forward until set again", async () => {
  const p = await plan(`recipe "r" {
    budget 1000 steps
    batch 8 x 64
    optimizer adamw { lr 1e-3  weight_decay 0.1 }
    data { a = corpus "brown/news"  b = corpus "brown/fiction"  mix a 1, b 1 normalised }
    schedule {
      stable 50% { weight_decay 0.05  mix a 3, b 1 normalised }
      decay rest
    }
  }`);
  assert.deepEqual(p.phases.map((x) => x.mix), [{ a: 0.75, b: 0.25 }, { a: 0.75, b: 0.25 }]);
  assert.deepEqual(p.phases.map((x) => x.weightDecay), [{ shape: "constant", value: 0.05 }, {
    shape: "constant",
    value: 0.05,
  }]);
});

Deno.test("temperature sampling weighs sources by size^(1/T)", async () => {
  const p = await plan(
    base(
      "stable rest",
      `data { a = dataset "/a" size 1B tokens  b = dataset "/b" size 4B tokens  mix temperature 2 }`,
    ),
  );
  assert.deepEqual(p.phases[0].mix, { a: 1 / 3, b: 2 / 3 });
});

Deno.test("continual pretraining: init from the parent's checkpoint, replay of its mixture", async () => {
  const result = await compileFile("recipes/cpt-replay.recipe", { readFile: readFromRoot });
  assert.ok(result.ok, formatDiagnostics(result.diagnostics));
  const cpt = result.plans[0];
  assert.equal(cpt.init?.recipe, "wsd-small");
  assert.equal(cpt.init?.checkpoint, "final");
  assert.equal(cpt.init?.step, 781);
  // The parent's final mixture (news .3, fiction .2, science .5) at 5%.
  const expected = { news: 0.015, fiction: 0.01, science: 0.025, code: 0.95 };
  for (const [source, share] of Object.entries(expected)) {
    assert.ok(Math.abs(cpt.phases[0].mix[source] - share) < 1e-15, source);
  }
  assert.equal(evaluate(cpt, 0).lr, cpt.init?.lr);
  assert.equal(evaluate(cpt, cpt.phases[0].end).lr, 1.5e-3);
});

Deno.test("extends: a child overrides a let, and the inherited schedule follows it", async () => {
  const result = await compile({
    "r.recipe": `let peak = 1e-3
recipe "base" { budget 1000 steps  batch 8 x 64  optimizer adamw { lr peak }  schedule { warmup 10%  decay rest to peak / 10 } }
recipe "hot" extends "base" { let peak = 4e-3 }`,
  }, "hot");
  assert.ok(result.ok, formatDiagnostics(result.diagnostics));
  assert.equal(result.plans[0].optimizer.lr, 4e-3);
  assert.equal(evaluate(result.plans[0], 999).lr.toPrecision(6), (4e-4 + (4e-3 - 4e-4) / 900).toPrecision(6));
});

Deno.test("sweeps: one plan per combination, each named distinctly", async () => {
  const result = await compileFile("recipes/sweep.recipe", { readFile: readFromRoot });
  assert.ok(result.ok);
  const names = result.plans.map((p) => p.name);
  assert.equal(names.length, 6);
  assert.equal(new Set(names).size, 6);
  assert.deepEqual(result.plans[0].sweep, { lr: 0.001, warmup: 1 });
  assert.equal(names[0], "sweep-lr-lr=0.001-warmup=1");
});

Deno.test("checkpoints: at phase edges, every N, at a percentage, and final", async () => {
  const p = await plan(
    base(
      'stable 50% { checkpoint every 100 steps }  decay rest { checkpoint at start "pre" }',
      'checkpoint at 25% "quarter"',
    ),
  );
  assert.deepEqual(p.checkpoints.map((c) => `${c.name}@${c.step}`), [
    "step-100@100",
    "step-200@200",
    "quarter@250",
    "step-300@300",
    "step-400@400",
    "pre@500",
    "final@1000",
  ]);
});

Deno.test("a file with several recipes needs --recipe", async () => {
  const result = await compile({
    "r.recipe": base("stable rest").replace('"r"', '"a"') + base("stable rest"),
  });
  assert.equal(result.ok, false);
  assert.equal(result.diagnostics[0].code, "R0017");
  assert.ok(
    (await compile({ "r.recipe": base("stable rest").replace('"r"', '"a"') + base("stable rest") }, "a")).ok,
  );
});

Deno.test("syntax errors: recovery reports several, each with a location", async () => {
  const result = await compile({
    "r.recipe": `recipe "r" {\n  budget 10 stesp\n  batch 8 x 64 @\n  schedule { warmup 1% lineer }\n}`,
  });
  const codes = result.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);
  assert.deepEqual(codes, ["R0001@2:13", "R0002@3:16", "R0001@4:24"]);
});
