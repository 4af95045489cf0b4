import assert from "node:assert/strict";
import { join } from "node:path";
import { MetricsWriter, readMetrics } from "../src/train/metrics.ts";
import { latestCheckpoint } from "../src/train/resume.ts";

/** A checkpoint directory with the three files a complete one has (contents beyond state.json unused). */
async function fakeCheckpoint(dir: string, step: number, hash = "h") {
  await Deno.mkdir(dir, { recursive: true });
  const state = {
    format: "recipe-checkpoint",
    version: 1,
    step,
    plan: "p",
    planHash: hash,
    names: ["latest"],
  };
  await Deno.writeTextFile(join(dir, "state.json"), JSON.stringify(state));
  await Deno.writeTextFile(join(dir, "model.safetensors"), "");
  await Deno.writeTextFile(join(dir, "optimizer.safetensors"), "");
}

Deno.test("a kill that tears the last line of metrics.jsonl does not stop a resume", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "metrics.jsonl");
  await Deno.writeTextFile(path, '{"step":0,"loss":5}\n{"step":1,"loss":4}\n{"step":2,"lo');
  assert.deepEqual((await readMetrics(path)).map((r) => r.step), [0, 1]);
  const writer = await MetricsWriter.open(path, 1);
  writer.close();
  assert.equal(await Deno.readTextFile(path), '{"step":0,"loss":5}\n');
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a kill between the two renames of a checkpoint swap still leaves something to resume from", async () => {
  const dir = await Deno.makeTempDir();
  // "latest" was renamed aside (step 20) and the new one (step 30) not yet renamed in.
  await fakeCheckpoint(join(dir, ".latest.tmp-1-aaaa"), 20);
  await fakeCheckpoint(join(dir, ".latest.tmp-1-bbbb"), 30);
  await fakeCheckpoint(join(dir, "pre-decay"), 10);
  // A copy interrupted while its files were written is not a checkpoint.
  await Deno.mkdir(join(dir, ".latest.tmp-1-cccc"));
  await Deno.writeTextFile(join(dir, ".latest.tmp-1-cccc", "state.json"), "{}");
  assert.equal(await latestCheckpoint(dir, "h"), join(dir, ".latest.tmp-1-bbbb"));
  await Deno.remove(dir, { recursive: true });
});
