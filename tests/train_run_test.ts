/**
 * The training loop on the real WebGPU engine (llvmpipe in CI) with a tiny model: plan following,
 * metrics, checkpoints, bit-identical resume, continual pretraining from a parent, and divergence.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile } from "../mod.ts";
import type { Plan } from "../src/plan/schema.ts";
import { planHash } from "../src/plan/hash.ts";
import { scheduleTable } from "../src/schedule/table.ts";
import { createEngine } from "../src/train/gpt.ts";
import type { Engine, HostTensor } from "../src/train/engine.ts";
import { type EngineFactory, train, type TrainOptions } from "../src/train/run.ts";
import { readMetrics } from "../src/train/metrics.ts";
import { loadCheckpoint, readCheckpointState } from "../src/train/checkpoint/checkpoint.ts";
import { Progress } from "../src/train/progress.ts";
import { command } from "../src/cli/run.ts";
import { exportHf } from "../src/train/export_hf.ts";
import { decodeSafetensors } from "../src/train/checkpoint/safetensors.ts";

const quiet = new Progress("quiet");
const result = await compileFile("tests/testdata/train/tiny.recipe");
assert.ok(result.ok);
const tiny: Plan = result.plans[0];

function options(out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { out, createEngine, progress: quiet, saveEvery: 8, evalEvery: 10, logEvery: 5, ...extra };
}

/** Metrics without the wall-clock fields, which differ between runs. */
async function metricsOf(out: string) {
  return (await readMetrics(join(out, "metrics.jsonl"))).map((
    { tokensPerSecond: _t, elapsed: _e, ...rest },
  ) => rest);
}

Deno.test("train a tiny recipe end to end", async (t) => {
  const root = await Deno.makeTempDir();
  const out = join(root, "tiny");
  const summary = await train(tiny, options(out));

  await t.step("every update used the plan's LR, weight decay and batch; the loss falls", async () => {
    const table = scheduleTable(tiny);
    const records = await readMetrics(join(out, "metrics.jsonl"));
    assert.ok(records.length >= 8);
    for (const r of records) {
      assert.equal(r.lr, table.lr[r.step]);
      assert.equal(r.weightDecay, table.weightDecay[r.step]);
      assert.equal(r.batch, table.batch[r.step]);
      assert.equal(r.tokens, (r.step + 1) * 4 * 32);
      assert.ok(Number.isFinite(r.gradNorm) && r.tokensPerSecond > 0);
    }
    assert.ok(
      records.at(-1)!.loss < records[0].loss - 1,
      `loss ${records[0].loss} -> ${records.at(-1)!.loss}`,
    );
  });

  await t.step("held-out loss per source at evaluation steps and at the end", async () => {
    const records = await readMetrics(join(out, "metrics.jsonl"));
    const evaluated = records.filter((r) => r.heldOut).map((r) => r.step);
    assert.deepEqual(evaluated, [9, 19, 29, 39]);
    assert.deepEqual(Object.keys(summary.heldOut).sort(), ["fiction", "news"]);
    assert.ok(summary.heldOut.news < 4);
  });

  await t.step("named checkpoints, final and latest hold the weights after their step", async () => {
    const names = (await Array.fromAsync(Deno.readDir(join(out, "checkpoints")))).map((e) => e.name).sort();
    assert.deepEqual(names, ["final", "latest", "pre-decay"]);
    const preDecay = await readCheckpointState(join(out, "checkpoints", "pre-decay"));
    assert.equal(preDecay.step, tiny.checkpoints.find((c) => c.name === "pre-decay")!.step);
    assert.deepEqual(preDecay.sampler, { seed: 1, step: preDecay.step });
    assert.equal(preDecay.planHash, await planHash(tiny));
    const final = await loadCheckpoint(join(out, "checkpoints", "final"));
    assert.equal(final.state.step, 40);
    assert.equal(final.optimizer.step, 40);
    assert.equal(final.weights[0].name, "wte.weight");
  });

  await t.step("the run directory holds the plan, metrics and a report", async () => {
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(out, "plan.json"))), tiny);
    assert.match(await Deno.readTextFile(join(out, "report.md")), /Held-out loss/);
  });

  await t.step(
    "export writes a GPT-2 config and the final weights under GPT2LMHeadModel's names",
    async () => {
      const dir = join(root, "hf");
      await exportHf(join(out, "checkpoints", "final"), dir);
      const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
      assert.deepEqual([config.n_layer, config.n_embd, config.n_head, config.n_positions], [1, 32, 2, 32]);
      const exported = decodeSafetensors(await Deno.readFile(join(dir, "model.safetensors")));
      assert.equal(exported.metadata.format, "pt");
      const final = await loadCheckpoint(join(out, "checkpoints", "final"));
      assert.deepEqual(exported.tensors, final.weights.map((w) => ({ ...w, name: `transformer.${w.name}` })));
    },
  );

  await t.step("a second run into the same directory is refused unless forced", async () => {
    await assert.rejects(
      train(tiny, options(out)),
      /Run directory ".*" already holds a run: continue it with --resume/,
    );
  });

  await Deno.remove(root, { recursive: true });
});

Deno.test("resume after a kill is bit-identical to an uninterrupted run", async (t) => {
  const root = await Deno.makeTempDir();
  const whole = join(root, "whole");
  const killed = join(root, "killed");
  await train(tiny, options(whole));
  await train(tiny, options(killed, { stopAfter: 19 }));

  await t.step("the killed run left a latest checkpoint before the kill", async () => {
    assert.equal((await readCheckpointState(join(killed, "checkpoints", "latest"))).step, 16);
  });

  await t.step("the resumed run ends with the same weights, optimizer state and metrics", async () => {
    const summary = await train(tiny, options(killed, { resume: true }));
    assert.equal(summary.steps, 40);
    for (const file of ["model.safetensors", "optimizer.safetensors"]) {
      const a = await Deno.readFile(join(whole, "checkpoints", "final", file));
      const b = await Deno.readFile(join(killed, "checkpoints", "final", file));
      assert.ok(a.length === b.length && a.every((x, i) => x === b[i]), `${file} differs`);
    }
    assert.deepEqual(await metricsOf(killed), await metricsOf(whole));
  });

  await t.step("resuming with another plan is refused", async () => {
    const other = { ...tiny, name: "other" };
    await assert.rejects(train(other, options(killed, { resume: true })), /followed another plan/);
  });

  await Deno.remove(root, { recursive: true });
});

Deno.test("continual pretraining starts from the parent's checkpoint", async (t) => {
  const root = await Deno.makeTempDir();
  const parentOut = join(root, "tiny");
  await train(tiny, options(parentOut));
  const hash = await planHash(tiny);
  const child: Plan = {
    ...tiny,
    name: "tiny-child",
    init: {
      recipe: "tiny",
      checkpoint: "final",
      step: 40,
      planHash: hash,
      lr: 0.001,
      origin: tiny.phases[0].origin,
    },
  };
  const parentDir = join(parentOut, "checkpoints", "final");

  await t.step("the child's first loss is the parent's trained loss, not a fresh model's", async () => {
    const summary = await train(child, options(join(root, "child"), { init: { dir: parentDir } }));
    assert.deepEqual(summary.warnings, []);
    const first = (await readMetrics(join(root, "child", "metrics.jsonl")))[0];
    assert.ok(first.loss < 4, `first loss ${first.loss}`);
  });

  await t.step("a parent made by another plan is a warning, or an error with strict", async () => {
    const stale = { ...child, init: { ...child.init!, planHash: "0".repeat(64) } };
    const summary = await train(stale, options(join(root, "stale"), { init: { dir: parentDir } }));
    assert.match(summary.warnings[0], /was made by another version of "tiny"/);
    await assert.rejects(
      train(stale, options(join(root, "strict"), { init: { dir: parentDir, strict: true } })),
      /another version of "tiny"/,
    );
  });

  await t.step("a missing parent run says which command to run first", async () => {
    await assert.rejects(
      train(child, options(join(root, "orphan"), { init: { dir: join(root, "nowhere") } })),
      /holds no checkpoint: run the parent first \(deno task run tests\/testdata\/train\/tiny.recipe\)/,
    );
  });

  await Deno.remove(root, { recursive: true });
});

/** A fake engine whose loss becomes NaN from update `nanAt` on (its weights too). */
function nanEngine(nanAt: number): EngineFactory {
  return (config) => {
    let updates = 0;
    let weights: HostTensor[] = [{ name: "w", shape: [2], data: new Float32Array([1, 2]) }];
    const engine: Engine = {
      config,
      adapter: "fake",
      step: (_batch, _settings, read) => {
        updates++;
        const loss = updates > nanAt ? NaN : 5 - updates * 0.01;
        if (updates > nanAt) weights = [{ name: "w", shape: [2], data: new Float32Array([NaN, NaN]) }];
        return Promise.resolve(read ? { loss, gradNorm: 1 } : null);
      },
      evaluate: () => Promise.resolve(4),
      readWeights: () => Promise.resolve(weights),
      writeWeights: (tensors) => Promise.resolve(void (weights = tensors)),
      readOptimizerState: () => Promise.resolve({ step: updates, tensors: [] }),
      writeOptimizerState: (state) => Promise.resolve(void (updates = state.step)),
      readEma: () => Promise.resolve(null),
      writeEma: () => Promise.resolve(),
      destroy: () => {},
    };
    return Promise.resolve(engine);
  };
}

Deno.test("a NaN loss stops the run at its step and keeps the last good checkpoint", async () => {
  const root = await Deno.makeTempDir();
  const out = join(root, "nan");
  const summary = await train(tiny, options(out, { createEngine: nanEngine(12), logEvery: 1 }));
  assert.equal(summary.diverged?.step, 12);
  assert.equal(summary.diverged?.checkpoint, join(out, "checkpoints", "latest"));
  assert.equal((await readCheckpointState(join(out, "checkpoints", "latest"))).step, 8);
  await assert.rejects(readCheckpointState(join(out, "checkpoints", "final")), /No checkpoint/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("run command", async (t) => {
  const root = await Deno.makeTempDir();
  await t.step(
    "a plan JSON file with a dataset source fails before training, naming the source",
    async () => {
      const plan = {
        ...tiny,
        sources: tiny.sources.map((s, i) => i === 0 ? { ...s, kind: "dataset", uri: "hf://x" } : s),
      };
      const path = join(root, "x.plan.json");
      await Deno.writeTextFile(path, JSON.stringify(plan));
      const errors: string[] = [];
      const original = console.error;
      console.error = (message: string) => errors.push(message);
      try {
        assert.equal(await command.run([path, "--out", join(root, "run")]), 1);
      } finally {
        console.error = original;
      }
      assert.match(
        errors.join("\n"),
        /Source "news" is a dataset \("hf:\/\/x"\), which only external trainers read/,
      );
    },
  );
  await t.step("bad options are usage errors", async () => {
    await assert.rejects(command.run(["x.recipe", "--proxy", "lots"]), /Token count "lots"/);
    await assert.rejects(
      command.run(["x.recipe", "--log-every", "0"]),
      /--log-every expects a positive integer/,
    );
    await assert.rejects(command.run([]), /Expected a recipe file/);
  });
  await Deno.remove(root, { recursive: true });
});

Deno.test("a fresh run with --force replaces only what a run writes", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(join(root, "notes.txt"), "keep me");
  await Deno.mkdir(join(root, "checkpoints", "old"), { recursive: true });
  await train(tiny, options(root, { force: true, stopAfter: 4 }));
  assert.equal(await Deno.readTextFile(join(root, "notes.txt")), "keep me");
  const names = (await Array.fromAsync(Deno.readDir(join(root, "checkpoints")))).map((e) => e.name);
  assert.ok(!names.includes("old"));
  await Deno.remove(root, { recursive: true });
});

Deno.test("a resumed run keeps its seed; a parent with another model is refused", async (t) => {
  const root = await Deno.makeTempDir();
  await t.step("resume ignores the seed option and draws the interrupted run's batches", async () => {
    const [whole, killed] = [join(root, "whole"), join(root, "killed")];
    await train(tiny, options(whole, { seed: 5 }));
    await train(tiny, options(killed, { seed: 5, stopAfter: 10 }));
    await train(tiny, options(killed, { resume: true }));
    assert.deepEqual(await metricsOf(killed), await metricsOf(whole));
  });
  await t.step("the parent's model must be the child's", async () => {
    const child: Plan = {
      ...tiny,
      name: "wide-child",
      model: { ...tiny.model!, width: 64 },
      init: {
        recipe: "tiny",
        checkpoint: "final",
        step: 40,
        planHash: "",
        lr: 0,
        origin: tiny.phases[0].origin,
      },
    };
    await assert.rejects(
      train(
        child,
        options(join(root, "wide"), { init: { dir: join(root, "whole", "checkpoints", "final") } }),
      ),
      /holds a model .* but "wide-child" trains .*: give the recipe the parent's model/,
    );
  });
  await Deno.remove(root, { recursive: true });
});
