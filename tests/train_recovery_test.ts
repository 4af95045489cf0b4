/**
 * Runs under faults: kills (torn metrics, interrupted checkpoint swaps, a kill -9 during the first
 * checkpoint write), damaged checkpoints (checksums, fallback to an intact one), malformed run files and
 * hand-edited plans (one-line errors, never a stack trace), and divergence (always a checkpoint to go
 * back to).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile } from "../mod.ts";
import type { Plan } from "../src/plan/schema.ts";
import { MetricsWriter, readMetrics } from "../src/train/metrics.ts";
import { latestCheckpoint } from "../src/train/resume.ts";
import {
  type CheckpointState,
  loadCheckpoint,
  readCheckpointState,
  readEngineState,
  saveCheckpoint,
} from "../src/train/checkpoint/checkpoint.ts";
import type { Engine, HostTensor } from "../src/train/engine.ts";
import { createEngine } from "../src/train/gpt.ts";
import { train, type TrainOptions } from "../src/train/run.ts";
import { Progress } from "../src/train/progress.ts";
import { summaryText } from "../src/train/report.ts";
import { main } from "../src/cli/main.ts";

const quiet = new Progress("quiet");
const compiled = await compileFile("tests/testdata/train/tiny.recipe");
assert.ok(compiled.ok);
const tiny: Plan = compiled.plans[0];

function options(out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { out, createEngine, progress: quiet, saveEvery: 8, evalEvery: 10, logEvery: 5, ...extra };
}

/** An engine without a GPU that holds two same-shaped tensors. */
function hostEngine(): Engine {
  let weights: HostTensor[] = [
    { name: "a", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
    { name: "b", shape: [2, 2], data: new Float32Array([5, 6, 7, 8]) },
  ];
  return {
    config: tiny.model!,
    adapter: "host",
    step: () => Promise.resolve(null),
    evaluate: () => Promise.resolve(4),
    readWeights: () => Promise.resolve(weights),
    writeWeights: (tensors) => Promise.resolve(void (weights = tensors)),
    readOptimizerState: () =>
      Promise.resolve({ step: 3, tensors: weights.map((w) => ({ ...w, name: `${w.name}.m` })) }),
    writeOptimizerState: () => Promise.resolve(),
    readEma: () => Promise.resolve(null),
    writeEma: () => Promise.resolve(),
    destroy: () => {},
  };
}

/** A real (checksummed) checkpoint of the host engine at `step`. */
async function fakeCheckpoint(dir: string, step: number, hash = "h") {
  const state: CheckpointState = {
    format: "recipe-checkpoint",
    version: 2,
    step,
    plan: "p",
    planHash: hash,
    recipePlanHash: hash,
    model: tiny.model!,
    sampler: { seed: 1, step },
    tokens: 0,
    names: ["latest"],
  };
  assert.ok(await saveCheckpoint(dir, await readEngineState(hostEngine()), state));
}

/** Captures what `main` prints on stderr; returns the exit code and the text. */
async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const [error, log] = [console.error, console.log];
  console.error = (...parts: unknown[]) => lines.push(parts.join(" "));
  console.log = () => {};
  try {
    const code = await main(args);
    return { code, stderr: lines.join("\n") };
  } finally {
    [console.error, console.log] = [error, log];
  }
}

/** One line, "error: ..." and no stack trace. */
function assertOneLine(stderr: string, pattern: RegExp) {
  assert.match(stderr, pattern);
  assert.match(stderr, /^error: [^\n]+$/, stderr);
}

async function sameFiles(a: string, b: string) {
  for (const file of ["model.safetensors", "optimizer.safetensors"]) {
    const [x, y] = [await Deno.readFile(join(a, file)), await Deno.readFile(join(b, file))];
    assert.ok(x.length === y.length && x.every((v, i) => v === y[i]), `${file} differs`);
  }
}

async function flipBytes(path: string, at: number[]) {
  const bytes = await Deno.readFile(path);
  for (const i of at) bytes[bytes.length - 1 - i] ^= 0xff;
  await Deno.writeFile(path, bytes);
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

Deno.test("lines of metrics.jsonl that are not records (null, numbers, arrays) are skipped", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "metrics.jsonl");
  await Deno.writeTextFile(path, '{"step":0,"loss":5}\nnull\n3\n[1]\n{"loss":1}\n{"step":1,"loss":4}\n');
  assert.deepEqual((await readMetrics(path)).map((r) => r.step), [0, 1]);
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

Deno.test("checkpoints carry checksums: every change to a file is an error naming it", async (t) => {
  const root = await Deno.makeTempDir();
  const fresh = async (name: string) => {
    const dir = join(root, name);
    await fakeCheckpoint(dir, 7);
    return dir;
  };
  await t.step("an intact checkpoint loads, and state.json lists its tensors and checksums", async () => {
    const dir = await fresh("ok");
    const loaded = await loadCheckpoint(dir);
    assert.deepEqual(loaded.weights.map((w) => w.name), ["a", "b"]);
    const files = loaded.state.files!;
    assert.match(files["model.safetensors"].sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(files["model.safetensors"].tensors, [{ name: "a", shape: [2, 2] }, {
      name: "b",
      shape: [2, 2],
    }]);
  });
  await t.step("two same-shaped tensor names swapped in the safetensors header", async () => {
    const dir = await fresh("swapped");
    const path = join(dir, "model.safetensors");
    const bytes = await Deno.readFile(path);
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
    const swapped = header.replace('"a":', '"@@":').replace('"b":', '"a":').replace('"@@":', '"b":');
    assert.ok(swapped !== header && swapped.length === header.length);
    bytes.set(new TextEncoder().encode(swapped), 8);
    await Deno.writeFile(path, bytes);
    await assert.rejects(loadCheckpoint(dir), new RegExp(`"${path}" does not match the SHA-256`));
  });
  await t.step("three flipped data bytes", async () => {
    const dir = await fresh("flipped");
    await flipBytes(join(dir, "optimizer.safetensors"), [0, 5, 9]);
    await assert.rejects(loadCheckpoint(dir), /optimizer.safetensors" does not match the SHA-256/);
  });
  await t.step("a truncated file", async () => {
    const dir = await fresh("truncated");
    const path = join(dir, "model.safetensors");
    await Deno.writeFile(path, (await Deno.readFile(path)).subarray(0, 40));
    await assert.rejects(loadCheckpoint(dir), /model.safetensors" holds '40' bytes, state.json recorded/);
  });
  await t.step("an edited step or seed in state.json", async () => {
    for (const edit of [(s: CheckpointState) => (s.step = 3), (s: CheckpointState) => (s.sampler.seed = 9)]) {
      const dir = await fresh("edited");
      const path = join(dir, "state.json");
      const state = JSON.parse(await Deno.readTextFile(path));
      edit(state);
      await Deno.writeTextFile(path, JSON.stringify(state, null, 2));
      await assert.rejects(readCheckpointState(dir), /state.json" was changed after it was written/);
    }
  });
  await t.step("a state.json that is null or not JSON", async () => {
    const dir = await fresh("null");
    await Deno.writeTextFile(join(dir, "state.json"), "null");
    await assert.rejects(readCheckpointState(dir), /state.json" is not a Recipe checkpoint sidecar/);
    await Deno.writeTextFile(join(dir, "state.json"), "{");
    await assert.rejects(readCheckpointState(dir), /state.json" is not JSON/);
  });
  await Deno.remove(root, { recursive: true });
});

Deno.test("resume falls back to an intact checkpoint of the same or an earlier step, bit-identically", async (t) => {
  const root = await Deno.makeTempDir();
  const whole = join(root, "whole");
  await train(tiny, options(whole));
  const preDecay = tiny.checkpoints.find((c) => c.name === "pre-decay")!.step;
  assert.equal(preDecay, 24);

  await t.step("same step: a damaged latest (24) falls back to pre-decay (24)", async () => {
    const killed = join(root, "same");
    await train(tiny, options(killed, { stopAfter: 26 }));
    const latest = join(killed, "checkpoints", "latest");
    assert.equal((await readCheckpointState(latest)).step, 24);
    await flipBytes(join(latest, "model.safetensors"), [1, 2, 3]);
    const summary = await train(tiny, options(killed, { resume: true }));
    assert.equal(summary.steps, 40);
    assert.match(
      summary.warnings.join("\n"),
      /latest\/model.safetensors" does not match the SHA-256.*resuming from ".*pre-decay" \(step 24\)/,
    );
    await sameFiles(join(whole, "checkpoints", "final"), join(killed, "checkpoints", "final"));
  });

  await t.step("earlier step: an edited latest (32) falls back to pre-decay (24)", async () => {
    const killed = join(root, "earlier");
    await train(tiny, options(killed, { stopAfter: 35 }));
    const path = join(killed, "checkpoints", "latest", "state.json");
    const state = JSON.parse(await Deno.readTextFile(path));
    assert.equal(state.step, 32);
    state.sampler.seed = 2;
    await Deno.writeTextFile(path, JSON.stringify(state));
    const summary = await train(tiny, options(killed, { resume: true }));
    assert.match(
      summary.warnings.join("\n"),
      /was changed after it was written \(its checksum does not match\): resuming from ".*pre-decay" \(step 24\)/,
    );
    await sameFiles(join(whole, "checkpoints", "final"), join(killed, "checkpoints", "final"));
    const steps = (await readMetrics(join(killed, "metrics.jsonl"))).map((r) => r.step);
    assert.deepEqual(steps, (await readMetrics(join(whole, "metrics.jsonl"))).map((r) => r.step));
  });

  await t.step("no intact checkpoint at all is an error naming the damage", async () => {
    const killed = join(root, "none");
    await train(tiny, options(killed, { stopAfter: 5 }));
    await flipBytes(join(killed, "checkpoints", "latest", "model.safetensors"), [0]);
    await assert.rejects(
      train(tiny, options(killed, { resume: true })),
      /No intact checkpoint to resume from in ".*": .*latest\/model.safetensors" does not match/,
    );
  });
  await Deno.remove(root, { recursive: true });
});

Deno.test("a kill during the first checkpoint write leaves a run that resumes or restarts without --force", async (t) => {
  const root = await Deno.makeTempDir();
  const whole = join(root, "whole");
  await train(tiny, options(whole));
  /** What a kill inside the first save leaves: plan.json, empty metrics, a half-written hidden copy. */
  const killedEarly = async (out: string) => {
    await Deno.mkdir(join(out, "checkpoints", ".latest.tmp-1-abcd"), { recursive: true });
    await Deno.writeTextFile(join(out, "plan.json"), JSON.stringify(tiny));
    await Deno.writeTextFile(join(out, "metrics.jsonl"), "");
    await Deno.writeFile(
      join(out, "checkpoints", ".latest.tmp-1-abcd", "model.safetensors"),
      new Uint8Array(9),
    );
  };
  await t.step("--resume starts it afresh with a warning, and ends bit-identical", async () => {
    const out = join(root, "resume");
    await killedEarly(out);
    const summary = await train(tiny, options(out, { resume: true }));
    assert.match(summary.warnings.join("\n"), /holds no complete checkpoint .* starting it afresh/);
    await sameFiles(join(whole, "checkpoints", "final"), join(out, "checkpoints", "final"));
  });
  await t.step("a fresh start needs no --force", async () => {
    const out = join(root, "fresh");
    await killedEarly(out);
    await train(tiny, options(out));
    await sameFiles(join(whole, "checkpoints", "final"), join(out, "checkpoints", "final"));
  });
  await t.step("a step-0 checkpoint is written before the first update", async () => {
    const out = join(root, "zero");
    await train(tiny, options(out, { stopAfter: 1 }));
    assert.equal((await readCheckpointState(join(out, "checkpoints", "latest"))).step, 0);
  });
  await t.step(
    "kill -9 of the CLI around its first checkpoint write, then --resume, is bit-identical",
    async () => {
      const script = new URL("../src/cli/main.ts", import.meta.url).pathname;
      const recipe = new URL("./testdata/train/tiny.recipe", import.meta.url).pathname;
      // Kill as soon as checkpoints/ appears, and a little later: both land in or near the first save.
      for (const delay of [0, 40]) {
        const out = join(root, `kill-${delay}`);
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", script, "run", recipe, "--out", out, "--save-every", "8", "--eval-every", "10"],
          stdout: "null",
          stderr: "null",
        }).spawn();
        const began = Date.now();
        while (!await Deno.stat(join(out, "checkpoints")).then(() => true, () => false)) {
          if (Date.now() - began > 60_000) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        if (delay) await new Promise((r) => setTimeout(r, delay));
        child.kill("SIGKILL");
        await child.status;
        const { code, stderr } = await cli(
          "run",
          "--resume",
          out,
          "--log-every",
          "5",
          "--save-every",
          "8",
          "--eval-every",
          "10",
        );
        assert.equal(code, 0, stderr);
        await sameFiles(join(whole, "checkpoints", "final"), join(out, "checkpoints", "final"));
      }
    },
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("malformed run files are one-line errors naming them", async (t) => {
  const root = await Deno.makeTempDir();
  const out = join(root, "run");
  await train(tiny, options(out, { stopAfter: 9 }));
  await t.step("a null line in metrics.jsonl does not stop --resume", async () => {
    const path = join(out, "metrics.jsonl");
    await Deno.writeTextFile(path, "null\n" + await Deno.readTextFile(path));
    const { code, stderr } = await cli("run", "--resume", out, "--save-every", "8");
    assert.equal(code, 0, stderr);
  });
  await t.step("metrics.jsonl as a directory", async () => {
    const path = join(out, "metrics.jsonl");
    await Deno.remove(path);
    await Deno.mkdir(path);
    const { code, stderr } = await cli("run", "--resume", out);
    assert.equal(code, 1);
    assertOneLine(stderr, /Run file ".*metrics.jsonl" is a directory, not a file/);
    await Deno.remove(path);
  });
  await t.step("an edited state.json with nothing else to fall back to", async () => {
    const path = join(out, "checkpoints", "latest", "state.json");
    const state = JSON.parse(await Deno.readTextFile(path));
    state.step = 1;
    await Deno.writeTextFile(path, JSON.stringify(state));
    for (const name of ["final", "pre-decay"]) {
      await Deno.remove(join(out, "checkpoints", name), { recursive: true });
    }
    const { code, stderr } = await cli("run", "--resume", out);
    assert.equal(code, 1);
    assertOneLine(stderr, /latest\/state.json" was changed after it was written/);
  });
  await t.step("--out pointing at a file", async () => {
    const file = join(root, "a-file");
    await Deno.writeTextFile(file, "x");
    const { code, stderr } = await cli("run", "tests/testdata/train/tiny.recipe", "--out", file);
    assert.equal(code, 1);
    assertOneLine(stderr, /Run directory ".*a-file" is a file: choose another --out/);
    const nested = await cli("run", "tests/testdata/train/tiny.recipe", "--out", join(file, "sub"));
    assertOneLine(nested.stderr, /Run directory ".*a-file\/sub" is not a directory \(or lies under a file\)/);
  });
  await Deno.remove(root, { recursive: true });
});

Deno.test("a hand-edited plan is validated before anything is allocated", async (t) => {
  const root = await Deno.makeTempDir();
  const runPlan = async (plan: unknown) => {
    const path = join(root, "edited.plan.json");
    await Deno.writeTextFile(path, JSON.stringify(plan));
    return await cli("run", path, "--out", join(root, "run"));
  };
  const constant = (value: number) => ({ shape: "constant", value });
  await t.step("a batch of 1e9", async () => {
    const plan = { ...tiny, phases: tiny.phases.map((p) => ({ ...p, batch: constant(1e9) })) };
    const { code, stderr } = await runPlan(plan);
    assert.equal(code, 1);
    assertOneLine(stderr, /Plan "tiny" cannot be trained: phases\[0\].batch is 1000000000 at update 0/);
  });
  await t.step("a batch within the plan's bounds but beyond the trainer's", async () => {
    const plan = { ...tiny, phases: tiny.phases.map((p) => ({ ...p, batch: constant(200_000) })) };
    const { code, stderr } = await runPlan(plan);
    assert.equal(code, 1);
    assertOneLine(stderr, /phase "warmup" has a batch of '200000' x '32' = '6400000' tokens per update/);
  });
  await t.step("overlapping phases", async () => {
    const phases = tiny.phases.map((p, i) => i === 1 ? { ...p, start: p.start - 2 } : p);
    const { code, stderr } = await runPlan({ ...tiny, phases });
    assert.equal(code, 1);
    assertOneLine(stderr, /cannot be trained: phases\[1\] starts at 2 but phases\[0\] ends at 4/);
  });
  await t.step("a gap between phases", async () => {
    const phases = tiny.phases.map((p, i) => i === 1 ? { ...p, start: p.start + 2 } : p);
    const { code, stderr } = await runPlan({ ...tiny, phases });
    assert.equal(code, 1);
    assertOneLine(stderr, /cannot be trained: phases\[1\] starts at 6 but phases\[0\] ends at 4/);
  });
  await t.step("an absurd model", async () => {
    const { stderr } = await runPlan({ ...tiny, model: { ...tiny.model, layers: 1e7 } });
    assertOneLine(stderr, /its model's 'layers' '10000000' is not an integer from 1 to '1024'/);
  });
  assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["edited.plan.json"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("divergence always leaves a checkpoint to go back to, and the message names it", async () => {
  const root = await Deno.makeTempDir();
  const out = join(root, "diverge");
  const plan: Plan = {
    ...tiny,
    optimizer: { ...tiny.optimizer, lr: 1e30, clip: null },
    phases: tiny.phases.map((p) => ({ ...p, lr: { shape: "constant", value: 1e30 } })),
  };
  const summary = await train(plan, options(out, { logEvery: 1 }));
  assert.ok(summary.diverged, "the run diverged");
  assert.ok(summary.diverged.step < 8, `diverged at ${summary.diverged.step}`);
  const latest = join(out, "checkpoints", "latest");
  assert.equal(summary.diverged.checkpoint, latest);
  assert.equal((await loadCheckpoint(latest)).state.step, 0);
  assert.match(summaryText(summary), /the last good checkpoint is ".*latest" \(after 0 updates\)/);
  await Deno.remove(root, { recursive: true });
});
