/**
 * Configs pass the trainers' own validation, re-implemented from their source (tests/frameworks): Megatron's
 * validate_args and scheduler asserts, nanotron's config dataclasses. hf's strict HfArgumentParser and
 * OLMo-core's Config.from_dict are run for real by `deno task conformance`.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { emitPlan } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import type { Plan } from "../src/plan/schema.ts";
import { validateArgs } from "./frameworks/megatron.ts";
import { validateConfig } from "./frameworks/nanotron.ts";
import { testPlans } from "./frameworks/plans.ts";
import { publishedRecipe } from "./random_recipe.ts";
import { compilePlan } from "./compile_text.ts";

function emitted(plan: Plan, target: string): string | null {
  try {
    return emitPlan(plan, target).files[0].content;
  } catch (error) {
    if (error instanceof UnsupportedFeatureError) return null;
    throw error;
  }
}

Deno.test("Megatron's validate_args and nanotron's config checks accept every emitted config", async () => {
  const plans = [
    ...testPlans().map(([, plan]) => plan),
    ...await Promise.all(Array.from({ length: 100 }, (_, i) => compilePlan(publishedRecipe(3000 + i)))),
  ];
  let megatron = 0;
  let nanotron = 0;
  for (const plan of plans) {
    const args = emitted(plan, "megatron");
    if (args !== null) {
      megatron++;
      assert.deepEqual(validateArgs(args), [], `${plan.name}: ${args}`);
    }
    const yaml = emitted(plan, "nanotron");
    if (yaml !== null) {
      nanotron++;
      assert.deepEqual(validateConfig(YAML.parse(yaml)), [], `${plan.name}: ${yaml}`);
    }
  }
  assert.ok(megatron > 40 && nanotron > 20, `${megatron} megatron, ${nanotron} nanotron configs`);
});

Deno.test("Megatron gets --save-interval with --save, at the named checkpoints' common interval", async () => {
  const plan = await compilePlan(`recipe "r" {
    budget 1000 steps  batch 8 x 64  optimizer adamw { lr 1e-3 }
    schedule { warmup 100 steps  stable until 60% { checkpoint at end "pre-decay" }  decay rest linear to 0 }
    checkpoint at 300 steps "early"
  }`);
  const text = emitPlan(plan, "megatron").files[0].content;
  assert.match(text, /--save runs\/r\n {2}--load runs\/r\n {2}--save-interval 300\n/);
  assert.deepEqual(validateArgs(text), []);
});
