/**
 * `deno task run` on a recipe with branches: the recipe trains first, then each branch starts from its
 * checkpoint in the recipe's run, wherever `--out` put it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { command } from "../src/cli/run.ts";
import { readMetrics } from "../src/train/metrics.ts";
import { readCheckpointState } from "../src/train/checkpoint/checkpoint.ts";

const RECIPE = `recipe "tiny" {
  budget 12 steps
  batch 4 x 32
  optimizer adamw { lr 1e-2  weight_decay 0.1  clip 1.0 }
  model gpt { layers 1  width 32  heads 2  context 32 }
  data {
    news = corpus "brown/news"
  }
  schedule {
    warmup 2 steps
    stable rest { checkpoint at 4 steps "s6" }
  }
  branch "cool-6" at "s6" {
    budget 4 steps
    schedule { decay rest }
  }
  branch "cool-12" at "final" {
    budget 4 steps
    schedule { decay rest }
  }
}
`;

Deno.test("run trains a recipe, then each branch from its checkpoint in the recipe's run", async () => {
  const root = await Deno.makeTempDir();
  const file = join(root, "tiny.recipe");
  await Deno.writeTextFile(file, RECIPE);
  const out = join(root, "runs");
  const log = console.log;
  const error = console.error;
  const errors: string[] = [];
  console.log = (message: string) => errors.push(message);
  console.error = (message: string) => errors.push(message);
  let code: number;
  try {
    code = await command.run([file, "--out", out, "--log-every", "1", "--eval-batches", "1"]);
  } finally {
    console.log = log;
    console.error = error;
  }
  assert.equal(code, 0, errors.join("\n"));
  // Each branch found the run of the plan it starts from, made by that very plan (no warning).
  assert.doesNotMatch(errors.join("\n"), /another version|warning/i);
  for (const [name, steps] of [["tiny", 12], ["tiny.cool-6", 4], ["tiny.cool-12", 4]] as const) {
    assert.equal((await readCheckpointState(join(out, name, "checkpoints", "final"))).step, steps, name);
  }
  // A branch starts from trained weights: its first loss is far below a fresh model's (ln 256 = 5.5).
  const fresh = (await readMetrics(join(out, "tiny", "metrics.jsonl")))[0].loss;
  for (const branch of ["tiny.cool-6", "tiny.cool-12"]) {
    const first = (await readMetrics(join(out, branch, "metrics.jsonl")))[0].loss;
    assert.ok(first < fresh - 0.5, `${branch}: first loss ${first}, a fresh model's ${fresh}`);
  }
  await Deno.remove(root, { recursive: true });
});
