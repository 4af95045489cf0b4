import assert from "node:assert/strict";
import { emitPlan } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { quoted } from "../src/emit/_literals.ts";
import { compilePlan } from "./compile_text.ts";

Deno.test("--approximate works on plans of hundreds of thousands of updates", async () => {
  const plan = await compilePlan(
    `recipe "big" { budget 300000 steps  batch 8 x 64  optimizer adamw { lr 1e-3 }
    schedule { warmup 1%  stable until 80%  decay rest } }`,
  );
  for (const target of ["torchtitan", "olmo", "hf"]) {
    try {
      emitPlan(plan, target, { native: true, approximate: true });
    } catch (error) {
      assert.ok(error instanceof UnsupportedFeatureError, `${target}: ${error}`);
    }
  }
});

Deno.test("a weight-decay shape that does not move is a constant weight decay", async () => {
  const plan = await compilePlan(
    `recipe "r" { budget 1000 steps  batch 8 x 64  optimizer adamw { lr 1e-3  weight_decay 0.1 }
    schedule { warmup 10%  decay rest { weight_decay linear to 0.1 } } }`,
  );
  assert.match(emitPlan(plan, "hf").files[0].content, /"weight_decay": 0\.1/);
});

Deno.test("backslash sequences that only look like surrogates are quoted, not refused", () => {
  assert.equal(quoted("C:\\udb00\\x"), JSON.stringify("C:\\udb00\\x"));
});
