/**
 * Memory of batch shapes: a batch ramp keeps only the current training and evaluation shapes' graphs,
 * builds them on one activation set per context length that grows in powers of two (destroying the set it
 * outgrows at once), and computes the same results on a larger set's buffers as on buffers of its own.
 */
import assert from "node:assert/strict";
import type { Model } from "../src/plan/schema.ts";
import type { UpdateSettings } from "../src/train/engine.ts";
import { batchCapacity, GptEngine } from "../src/train/gpt.ts";
import { randomBatch } from "../src/train/gpu/testing.ts";

const CONFIG: Model = { kind: "gpt", layers: 1, width: 16, heads: 2, context: 8, vocab: 32 };
const SETTINGS: UpdateSettings = { lr: 0.01, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip: 1 };

Deno.test("a batch ramp keeps two batch shapes allocated and recomputes dropped ones exactly", async () => {
  const engine = await GptEngine.create(CONFIG, { seed: 3 });
  const fresh = await GptEngine.create(CONFIG, { seed: 4 });
  try {
    const probe = randomBatch(1, 8, CONFIG.vocab, 99);
    const before = await engine.evaluate(probe);
    for (let b = 1; b <= 8; b++) {
      await engine.step(randomBatch(b, 8, CONFIG.vocab, b), SETTINGS, b % 3 === 0);
      await engine.evaluate(probe);
      assert.ok(engine.batchShapes.length <= 2, engine.batchShapes.join(", "));
    }
    assert.deepEqual(engine.batchShapes, ["8x8", "1x8"]);
    // Shape 2x8 was dropped (its buffers destroyed) and is allocated again: same loss as a fresh engine's.
    const batch = randomBatch(2, 8, CONFIG.vocab, 7);
    await fresh.writeWeights(await engine.readWeights());
    assert.equal(await engine.evaluate(batch), await fresh.evaluate(batch));
    assert.notEqual(await engine.evaluate(probe), before);
  } finally {
    engine.destroy();
    fresh.destroy();
  }
});

Deno.test("the shapes of a batch ramp share one activation set per context, grown in powers of two", async () => {
  assert.deepEqual([1, 2, 3, 4, 5, 8, 9, 64, 65].map(batchCapacity), [1, 2, 4, 4, 8, 8, 16, 64, 128]);
  const engine = await GptEngine.create(CONFIG, { seed: 3 });
  const fresh = await GptEngine.create(CONFIG, { seed: 3 });
  try {
    // The engine starts on an 8 x 8 set (filled by an evaluation); the fresh engine's sets grow with the ramp.
    const probe = randomBatch(1, 8, CONFIG.vocab, 99);
    await engine.evaluate(randomBatch(8, 8, CONFIG.vocab, 42));
    for (let b = 1; b <= 6; b++) {
      await engine.step(randomBatch(b, 8, CONFIG.vocab, b), SETTINGS, false);
      await fresh.step(randomBatch(b, 8, CONFIG.vocab, b), SETTINGS, false);
      await fresh.evaluate(probe);
      assert.deepEqual(engine.activationSets, ["8x8"]);
      assert.deepEqual(fresh.activationSets, [`${batchCapacity(b)}x8`]);
    }
    await fresh.evaluate(randomBatch(2, 4, CONFIG.vocab, 5));
    assert.deepEqual(fresh.activationSets, ["8x8", "2x4"]);
    // Shapes on a larger set, whose tails hold an earlier shape's values, compute what their own set does.
    assert.equal(await engine.evaluate(probe), await fresh.evaluate(probe));
    assert.deepEqual(await engine.readWeights(), await fresh.readWeights());
    assert.deepEqual(await engine.readGradients(), await fresh.readGradients());
  } finally {
    engine.destroy();
    fresh.destroy();
  }
});
