import assert from "node:assert/strict";
import type { Model } from "../src/plan/schema.ts";
import type { Engine, HostTensor, UpdateSettings } from "../src/train/engine.ts";
import { createEngine } from "../src/train/gpt.ts";
import { randomBatch } from "../src/train/gpu/testing.ts";

const CONFIG: Model = { kind: "gpt", layers: 2, width: 16, heads: 2, context: 8, vocab: 32 };
const SETTINGS: UpdateSettings = { lr: 0.01, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip: 1 };
const BATCHES = [
  randomBatch(4, 8, CONFIG.vocab, 1),
  randomBatch(2, 8, CONFIG.vocab, 2),
  randomBatch(4, 7, CONFIG.vocab, 3),
];

/** The raw bits of every tensor, for bit-exact comparisons. */
function bits(tensors: HostTensor[]): Map<string, number[]> {
  return new Map(
    tensors.map((t) => [t.name, [...new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)]]),
  );
}

async function train(engine: Engine, batches = BATCHES): Promise<void> {
  for (const batch of batches) await engine.step(batch, SETTINGS, false);
}

Deno.test("GPU engine", async (t) => {
  const engine = await createEngine(CONFIG, { seed: 7 });
  const twin = await createEngine(CONFIG, { seed: 7 });
  const other = await createEngine(CONFIG, { seed: 8 });
  try {
    await t.step("initial weights are GPT-2's, named and shaped for GPT2LMHeadModel", async () => {
      const weights = new Map((await engine.readWeights()).map((w) => [w.name, w]));
      assert.deepEqual(weights.get("wte.weight")?.shape, [32, 16]);
      assert.deepEqual(weights.get("h.1.attn.c_attn.weight")?.shape, [16, 48]);
      assert.deepEqual(weights.get("h.1.mlp.c_proj.weight")?.shape, [64, 16]);
      const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
      assert.ok(Math.abs(std(weights.get("h.0.mlp.c_fc.weight")!.data) - 0.02) < 0.002);
      assert.ok(Math.abs(std(weights.get("h.0.mlp.c_proj.weight")!.data) - 0.01) < 0.001);
      assert.ok(weights.get("h.0.ln_1.weight")!.data.every((v) => v === 1));
      assert.ok(weights.get("h.0.attn.c_attn.bias")!.data.every((v) => v === 0));
    });

    await t.step("the same seed and batches give bit-identical weights; another seed does not", async () => {
      await train(engine);
      await train(twin);
      await train(other);
      assert.deepEqual(bits(await engine.readWeights()), bits(await twin.readWeights()));
      assert.notDeepEqual(bits(await engine.readWeights()), bits(await other.readWeights()));
    });

    await t.step("evaluate leaves the weights alone", async () => {
      const before = bits(await engine.readWeights());
      await engine.evaluate(BATCHES[0]);
      assert.deepEqual(bits(await engine.readWeights()), before);
    });

    await t.step("weights and optimizer state round-trip exactly", async () => {
      await other.writeWeights(await engine.readWeights());
      await other.writeOptimizerState(await engine.readOptimizerState());
      assert.equal((await other.readOptimizerState()).step, 3);
      await train(engine, BATCHES.slice(0, 1));
      await train(other, BATCHES.slice(0, 1));
      assert.deepEqual(bits(await other.readWeights()), bits(await engine.readWeights()));
    });

    await t.step("loss falls when fitting one batch", async () => {
      const first = await engine.step(BATCHES[0], SETTINGS, true);
      for (let i = 0; i < 30; i++) await engine.step(BATCHES[0], SETTINGS, false);
      const last = await engine.step(BATCHES[0], SETTINGS, true);
      assert.ok(first && last && last.loss < 0.5 * first.loss, `loss ${first?.loss} -> ${last?.loss}`);
    });

    await t.step("bad batches are rejected with the value quoted", async () => {
      const batch = randomBatch(2, 8, CONFIG.vocab, 5);
      await assert.rejects(
        engine.step({ ...batch, batch: 3 }, SETTINGS, false),
        /holds '18' tokens, expected '27'/,
      );
      await assert.rejects(engine.evaluate({ ...batch, context: 9, batch: 1 }), /context '9'/);
      batch.tokens[3] = 32;
      await assert.rejects(engine.evaluate(batch), /Token id '32'/);
      await assert.rejects(
        engine.writeWeights([{ name: "wte.weight", shape: [2, 2], data: new Float32Array(4) }]),
        /shape/,
      );
    });
  } finally {
    engine.destroy();
    twin.destroy();
    other.destroy();
  }
});

Deno.test("models the kernels or the adapter cannot hold are rejected before training", async (t) => {
  await t.step("head size", async () => {
    await assert.rejects(createEngine({ ...CONFIG, width: 24, heads: 4 }, { seed: 1 }), /head size '6'/);
    await assert.rejects(
      createEngine({ ...CONFIG, width: 16, heads: 3 }, { seed: 1 }),
      /width '16' is not a multiple/,
    );
  });
  await t.step("a destroyed engine rejects work", async () => {
    const engine = await createEngine(CONFIG, { seed: 1 });
    engine.destroy();
    await assert.rejects(engine.evaluate(BATCHES[0]), /engine was destroyed/);
  });
  await t.step("buffer limits", async () => {
    const huge = { ...CONFIG, layers: 1, width: 8192, heads: 64 };
    await assert.rejects(
      createEngine(huge, { seed: 1 }),
      /Model with '\d+' parameters .* maxStorageBufferBindingSize/,
    );
  });
});
