/**
 * Every example recipe's plans, for every target: the framework's own scheduler fed with the emitted
 * config reproduces the plan's LR at every update, or the target refuses with UnsupportedFeatureError.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile } from "../mod.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { TARGETS } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { FRAMEWORKS, traceMismatch } from "./frameworks/mod.ts";

const ROOT = join(import.meta.dirname!, "..");
const recipes = [...Deno.readDirSync(join(ROOT, "recipes"))].map((e) => e.name).filter((n) =>
  n.endsWith(".recipe")
)
  .sort();

Deno.test("every example recipe emits exactly for each target, or the target refuses", async (t) => {
  for (const recipe of recipes) {
    await t.step(recipe, async () => {
      const result = await compileFile(join(ROOT, "recipes", recipe));
      assert.ok(result.ok, `${recipe} must compile`);
      for (const plan of result.plans) {
        const lr = scheduleTable(plan).lr;
        let emitted = 0;
        for (const target of TARGETS) {
          try {
            const mismatch = traceMismatch(FRAMEWORKS[target.name](target.emit(plan, {}), plan.steps), lr);
            assert.equal(mismatch, null, `${plan.name} ${target.name}: ${mismatch}`);
            emitted++;
          } catch (error) {
            if (!(error instanceof UnsupportedFeatureError)) throw error;
            assert.ok(error.alternatives.includes("pytorch") && error.alternatives.includes("csv"));
          }
        }
        assert.ok(emitted >= 3, `${plan.name}: at least optax, pytorch and csv`);
      }
    });
  }
});
