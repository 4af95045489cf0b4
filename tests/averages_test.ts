/**
 * Weight averages: `checkpoint average "avg" of "a", "b"` gives the plan an average available after the
 * latest checkpoint it averages; children start from it; emitters name it on stderr; the built-in trainer
 * writes it (the mean of the checkpoints' weights), evaluates it, never resumes from it, and a branch starts
 * from it.
 */
import assert from "node:assert/strict";
import { compileFile } from "../src/plan/compile.ts";
import { emitPlan } from "../src/emit/mod.ts";
import { train } from "../src/train/run.ts";
import { createEngine } from "../src/train/gpt.ts";
import { Progress } from "../src/train/progress.ts";
import { loadCheckpoint } from "../src/train/checkpoint/checkpoint.ts";
import { join } from "node:path";
import { compilePlans, TINY_TRAINING } from "./compile_text.ts";

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

const TINY_AVERAGE = `recipe "tiny-average" {
  ${TINY_TRAINING}
  checkpoint every 10 steps "c"
  checkpoint average "avg" of "c-10", "c-20", "final"
  branch "anneal" at "avg" { budget 4 steps  schedule { decay rest linear to 0 } }
}
`;

Deno.test("the trainer writes the average of the checkpoints' weights, evaluates it, and a branch starts from it", async () => {
  const [plan, branch] = await compilePlans(TINY_AVERAGE);
  const out = await Deno.makeTempDir();
  const quiet = new Progress("quiet");
  const summary = await train(plan, { out, createEngine, progress: quiet });
  const dir = (name: string) => join(out, "checkpoints", name);
  const weights = await Promise.all(
    ["c-10", "c-20", "final"].map(async (n) => (await loadCheckpoint(dir(n))).weights),
  );
  const average = await loadCheckpoint(dir("avg"));
  assert.deepEqual(average.state.average, ["c-10", "c-20", "final"]);
  for (const [i, tensor] of average.weights.entries()) {
    for (const j of [0, Math.floor(tensor.data.length / 2), tensor.data.length - 1]) {
      const mean = Math.fround((weights[0][i].data[j] + weights[1][i].data[j] + weights[2][i].data[j]) / 3);
      assert.equal(tensor.data[j], mean, `${tensor.name}[${j}]`);
    }
  }
  assert.ok(Number.isFinite(summary.averages?.avg.news), "the average is evaluated on held-out data");
  // The run resumes from where training stood, never from the average.
  const resumed = await train(plan, { out, createEngine, progress: quiet, resume: true });
  assert.equal(resumed.steps, plan.steps);
  // The branch starts from the average.
  const child = await train(branch, {
    out: join(out, "anneal"),
    createEngine,
    progress: quiet,
    init: { dir: dir("avg") },
  });
  assert.equal(child.steps, branch.steps);
  assert.deepEqual(child.warnings, []);
});
