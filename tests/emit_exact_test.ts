/**
 * Every target, every test plan: either the target's own scheduler (tests/frameworks, re-implemented from
 * the framework's source) fed with the emitted config reproduces the plan's LR at every update to 1e-12,
 * or the target refuses with UnsupportedFeatureError naming the feature, where it was written and the
 * targets that can. Which targets express which plan, and in which tier, is recorded in
 * tests/testdata/emit/expected.json.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { scheduleTable } from "../src/schedule/table.ts";
import { TARGETS, tiersFor } from "../src/emit/mod.ts";
import { UnsupportedFeatureError } from "../src/emit/target.ts";
import { mixStages } from "../src/emit/_data.ts";
import { FRAMEWORKS, SETTINGS, traceMismatch } from "./frameworks/mod.ts";
import { testPlans } from "./frameworks/plans.ts";

const expected: Record<string, Record<string, string>> = JSON.parse(
  Deno.readTextFileSync(join(import.meta.dirname!, "testdata/emit/expected.json")),
);

Deno.test("every target reproduces each test plan's LR at every update, or refuses naming the feature", async (t) => {
  for (const [name, plan] of testPlans()) {
    await t.step(name, () => {
      const lr = scheduleTable(plan).lr;
      const tiers = tiersFor(plan);
      const able = Object.keys(tiers);
      assert.deepEqual(
        tiers,
        expected[name],
        "the targets that can express the plan, or their tiers, changed",
      );
      for (const target of TARGETS) {
        try {
          const emitted = target.emit(plan, {});
          assert.equal(emitted.maxDeviation, 0);
          assert.equal(
            emitted.files.some((f) => f.name.endsWith("_schedule.py")),
            emitted.tier === "extension",
          );
          const mismatch = traceMismatch(FRAMEWORKS[target.name](emitted, plan.steps), lr);
          assert.equal(mismatch, null, `${target.name}: ${mismatch}`);
        } catch (error) {
          if (!(error instanceof UnsupportedFeatureError)) throw error;
          assert.ok(!able.includes(target.name), `${target.name} refused a plan it expresses`);
          assert.equal(error.target, target.name);
          assert.deepEqual(error.alternatives, able);
          assert.ok(error.origin, `${target.name} refused without pointing at the recipe`);
          const { file, line, column } = error.origin;
          assert.equal(file, plan.file, `${target.name} refused pointing outside the plan's recipe`);
          assert.match(error.message, new RegExp(`^Target "${target.name}" cannot express `));
          assert.ok(
            error.message.includes(` (${file}:${line}:${column}); targets that can: `),
            error.message,
          );
        }
      }
    });
  }
});

Deno.test("every emitted config carries the plan's weight decay, batch size and mixture stages", async (t) => {
  for (const [name, plan] of testPlans()) {
    await t.step(name, () => {
      const table = scheduleTable(plan);
      const stages = mixStages(plan).map((s) => ({
        start: s.start,
        end: s.end,
        mix: Object.fromEntries(s.weights.map(({ source, weight }) => [source.name, weight])),
      }));
      for (const target of TARGETS) {
        let emitted;
        try {
          emitted = target.emit(plan, {});
        } catch (error) {
          if (error instanceof UnsupportedFeatureError) continue;
          throw error;
        }
        const settings = SETTINGS[target.name](emitted, plan);
        assert.equal(
          traceMismatch(settings.weightDecay, table.weightDecay),
          null,
          `${target.name} weight decay`,
        );
        assert.deepEqual(settings.batch, [...table.batch], `${target.name} batch`);
        assert.deepEqual(settings.stages, stages, `${target.name} mixture`);
      }
    });
  }
});
