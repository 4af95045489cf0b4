/**
 * Weight averages: `checkpoint average "avg" of "a", "b"` gives the plan an average available after the
 * latest checkpoint it averages; children start from it; emitters name it on stderr; the built-in trainer
 * refuses it aloud (it does not average yet).
 */
import assert from "node:assert/strict";
import { compileFile } from "../src/plan/compile.ts";
import { emitPlan } from "../src/emit/mod.ts";
import { train } from "../src/train/run.ts";
import { createEngine } from "../src/train/gpt.ts";
import { Progress } from "../src/train/progress.ts";

Deno.test("an average is in the plan, after the latest checkpoint it averages", async () => {
  const { plans } = await compileFile("recipes/average.recipe");
  const [parent, branch] = plans;
  assert.deepEqual(parent.averages?.map(({ name, of, step }) => ({ name, of, step })), [
    { name: "avg-last3", of: ["c-800", "c-900", "final"], step: 1000 },
  ]);
  assert.ok(!parent.checkpoints.some((c) => c.name === "avg-last3"));
  assert.equal(branch.init?.checkpoint, "avg-last3");
  assert.equal(branch.init?.step, 1000);
  assert.equal(branch.averages, undefined, "a branch does not inherit its parent's averages");
});

Deno.test("every target names the average to make by hand", async () => {
  const { plans: [plan] } = await compileFile("recipes/average.recipe");
  for (const target of ["hf", "megatron", "csv"]) {
    const notes = emitPlan(plan, target).notes.join("\n");
    assert.match(notes, /"avg-last3".*"c-800", "c-900", "final"/, target);
  }
});

Deno.test("the built-in trainer refuses a plan with an average, before writing anything", async () => {
  const { plans: [plan] } = await compileFile("recipes/average.recipe");
  const out = await Deno.makeTempDir();
  await assert.rejects(
    () => train(plan, { out, createEngine, progress: new Progress("quiet") }),
    /averages checkpoints \("avg-last3"/,
  );
  assert.deepEqual([...Deno.readDirSync(out)], []);
});
