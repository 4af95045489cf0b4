import assert from "node:assert/strict";
import { MAX_BATCH, planProblems } from "../src/plan/invariants.ts";
import type { Plan } from "../src/plan/schema.ts";
import { compilePlan } from "./compile_text.ts";

const TEXT = `recipe "r" {
  budget 1000 steps  batch 8 x 64  optimizer adamw { lr 1e-3 }
  data { a = corpus "brown/news"  b = corpus "brown/fiction"  mix a 1, b 3 normalised }
  schedule { warmup 10% linear from 0  stable until 60% { checkpoint at end "mid" }  decay rest cosine to 0.1x }
}`;

async function plan(): Promise<Plan> {
  return structuredClone(await compilePlan(TEXT));
}

Deno.test("planProblems: every recipe the compiler accepts gives a sound plan", async () => {
  for (const entry of Deno.readDirSync("recipes")) {
    const { compileFile } = await import("../src/plan/compile.ts");
    const result = await compileFile(`recipes/${entry.name}`);
    for (const p of result.plans) assert.deepEqual(planProblems(p), [], `${entry.name}: ${p.name}`);
  }
  assert.deepEqual(planProblems(await plan()), []);
});

Deno.test("planProblems: phases that do not tile the updates", async () => {
  const p = await plan();
  p.phases[1].start = 98;
  assert.deepEqual(planProblems(p), ["phases[1] starts at 98 but phases[0] ends at 100"]);
  const q = await plan();
  q.steps = 1200;
  assert.deepEqual(planProblems(q), ["phases[2] ends at 1000 but steps is 1200"]);
  const r = await plan();
  r.phases[0].start = 5;
  assert.deepEqual(planProblems(r), ["phases[0] starts at 5; it must start at 0"]);
  const s = await plan();
  s.phases[1].end = s.phases[1].start;
  assert.match(planProblems(s)[0], /^phases\[1\] ends at 100, not after its start at 100/);
});

Deno.test("planProblems: values that leave the finite range at some update", async () => {
  const p = await plan();
  p.phases[2].lr = { shape: "exponential", from: 1e-320, to: 1e-3 };
  assert.deepEqual(planProblems(p), [
    "phases[2].lr: exponential from 1e-320 to 0.001; the ratio to / from overflows",
  ]);
  const q = await plan();
  q.phases[0].weightDecay = { shape: "linear", from: 0, to: Infinity };
  assert.deepEqual(planProblems(q), [
    "phases[0].weightDecay: linear has to Infinity; it must be finite and >= 0",
  ]);
  const r = await plan();
  r.phases[0].batch = { shape: "linear", from: 1, to: 1e308 };
  assert.deepEqual(planProblems(r), [
    `phases[0].batch is 1e+306 at update 1; it rounds to 1e+306, more than the limit of ${MAX_BATCH} sequences`,
  ]);
  const s = await plan();
  s.phases[1].lr = { shape: "inverse-sqrt", from: 1e-3, timescale: -5 };
  assert.match(planProblems(s)[0], /^phases\[1\]\.lr: inverse-sqrt has timescale -5/);
});

Deno.test("planProblems: mixtures and checkpoints", async () => {
  const p = await plan();
  p.phases[0].mix = { a: 0.5, b: 0.6 };
  p.phases[1].mix = { a: NaN };
  p.phases[2].mix = { c: 1 };
  p.checkpoints[0].step = 1001;
  assert.deepEqual(planProblems(p), [
    "phases[0].mix sums to 1.1; its weights must sum to 1",
    'phases[1].mix["a"] is NaN; it must be finite and >= 0',
    "phases[1].mix sums to NaN; its weights must sum to 1",
    'phases[2].mix names "c", which is not in sources',
    'checkpoints[0] ("mid") is at step 1001, outside [0, 1000]',
  ]);
});

Deno.test("planProblems: a long phase is checked at its ends and boundaries without a table", async () => {
  const p = await compilePlan(`recipe "r" { budget 2000000000 steps  batch 8 x 64  optimizer adamw { lr 1e-3 }
    schedule { stable until 50%  decay rest step 0.1 at 50% } }`);
  const started = performance.now();
  assert.deepEqual(planProblems(p), []);
  p.phases[1].lr = { shape: "step", values: [1e-3, NaN], boundaries: [5e8] };
  assert.deepEqual(planProblems(p), ["phases[1].lr: step has values[1] NaN; it must be finite and >= 0"]);
  p.phases[1].lr = { shape: "polynomial", from: 1e-3, to: 0, power: 1 };
  p.phases[1].offset = 1;
  p.phases[1].weightDecay = { shape: "inverse-sqrt", from: 0.1, timescale: 1 };
  assert.deepEqual(planProblems(p), []);
  assert.ok(performance.now() - started < 1000);
});
