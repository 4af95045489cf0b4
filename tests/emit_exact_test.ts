/**
 * Every target, every test plan: either the target's own scheduler (tests/frameworks, re-implemented from
 * the framework's source) fed with the emitted config reproduces the plan's LR at every update to 1e-12,
 * or the target refuses with UnsupportedFeatureError naming the feature, where it was written and the
 * targets that can. Which targets express which plan is recorded in tests/testdata/emit/expected.json.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { Plan } from "../src/plan/schema.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { TARGETS, targetsFor } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { FRAMEWORKS, traceMismatch } from "./frameworks/mod.ts";

const DIR = join(import.meta.dirname!, "testdata/emit");
const plans = [...Deno.readDirSync(join(DIR, "plans"))].map((e) => e.name).filter((n) => n.endsWith(".json"))
  .sort();
const expected: Record<string, string[]> = JSON.parse(Deno.readTextFileSync(join(DIR, "expected.json")));

/** Loads a test plan, validated with Plan.parse. */
export function loadPlan(file: string): Plan {
  return Plan.parse(JSON.parse(Deno.readTextFileSync(join(DIR, "plans", file))));
}

Deno.test("every target reproduces each test plan's LR at every update, or refuses naming the feature", async (t) => {
  for (const file of plans) {
    await t.step(basename(file, ".json"), () => {
      const plan = loadPlan(file);
      const lr = scheduleTable(plan).lr;
      const able = targetsFor(plan);
      assert.deepEqual(
        able,
        expected[basename(file, ".json")],
        "the targets that can express the plan changed",
      );
      for (const target of TARGETS) {
        try {
          const emitted = target.emit(plan, {});
          assert.equal(emitted.maxDeviation, 0);
          const mismatch = traceMismatch(FRAMEWORKS[target.name](emitted, plan.steps), lr);
          assert.equal(mismatch, null, `${target.name}: ${mismatch}`);
        } catch (error) {
          if (!(error instanceof UnsupportedFeatureError)) throw error;
          assert.ok(!able.includes(target.name), `${target.name} refused a plan it expresses`);
          assert.equal(error.target, target.name);
          assert.deepEqual(error.alternatives, able);
          assert.ok(error.origin, `${target.name} refused without pointing at the recipe`);
          assert.match(
            error.message,
            /^Target "[a-z]+" cannot express .+ \(recipes\/[\w.-]+:\d+:\d+\); targets that can: /,
          );
        }
      }
    });
  }
});
