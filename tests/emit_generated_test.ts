/**
 * Generated recipes, compiled by the compiler, on the targets that take every recipe: hf, torchtitan, olmo,
 * deepspeed (either tier), optax and pytorch give the plan's LR and weight decay at every update (the
 * extension-tier module evaluated at every update as the trainer drives it), and refuse only what no tier
 * of theirs can express: a batch size that changes, and for torchtitan and olmo a change of mixture.
 */
import assert from "node:assert/strict";
import { scheduleTable } from "../src/schedule/table.ts";
import { emitPlan } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { mixStages } from "../src/emit/_data.ts";
import type { Plan } from "../src/plan/schema.ts";
import { FRAMEWORKS, SETTINGS, traceMismatch } from "./frameworks/mod.ts";
import { publishedRecipe, randomRecipe } from "./random_recipe.ts";
import { compilePlan } from "./compile_text.ts";

const TARGETS = ["hf", "torchtitan", "olmo", "deepspeed", "optax", "pytorch"];

/** What no tier of `target` can express in `plan`, or null when every tier should take it. */
function beyond(target: string, plan: Plan): string | null {
  const batch = scheduleTable(plan).batch;
  if (batch.some((b) => b !== batch[0]) && !["optax", "pytorch"].includes(target)) return "batch change";
  if (mixStages(plan).length > 1 && ["torchtitan", "olmo"].includes(target)) return "mixture change";
  return null;
}

Deno.test("200 generated recipes are exact on hf, torchtitan, olmo, deepspeed, optax and pytorch", async (t) => {
  const counts: Record<string, Record<string, number>> = {};
  const recipes = [
    ...Array.from({ length: 100 }, (_, i) => publishedRecipe(1000 + i)),
    ...Array.from({ length: 100 }, (_, i) => randomRecipe(2000 + i).text),
  ];
  for (const text of recipes) {
    const plan = await compilePlan(text);
    const table = scheduleTable(plan);
    await t.step(plan.name, () => {
      for (const target of TARGETS) {
        const tally = counts[target] ??= {};
        let emitted;
        try {
          emitted = emitPlan(plan, target);
        } catch (error) {
          if (!(error instanceof UnsupportedFeatureError)) throw error;
          assert.ok(
            beyond(target, plan),
            `${target} refused what its extension tier expresses: ${error.message}`,
          );
          tally.refused = (tally.refused ?? 0) + 1;
          continue;
        }
        assert.equal(beyond(target, plan), null, `${target} took a plan it cannot follow`);
        tally[emitted.tier] = (tally[emitted.tier] ?? 0) + 1;
        const lr = traceMismatch(FRAMEWORKS[target](emitted, plan.steps), table.lr);
        assert.equal(lr, null, `${target} (${emitted.tier}) LR: ${lr}`);
        const wd = traceMismatch(SETTINGS[target](emitted, plan).weightDecay, table.weightDecay);
        assert.equal(wd, null, `${target} (${emitted.tier}) weight decay: ${wd}`);
      }
    });
  }
  // Both tiers are exercised: the generated recipes are not all of one kind.
  for (const target of ["hf", "torchtitan", "olmo", "deepspeed"]) {
    assert.ok(
      (counts[target].native ?? 0) > 0 && (counts[target].extension ?? 0) > 0,
      `${target}: ${JSON.stringify(counts[target])}`,
    );
  }
});
