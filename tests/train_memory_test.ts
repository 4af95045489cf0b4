/**
 * Memory of batch shapes: a batch ramp keeps only the current training and evaluation shapes allocated,
 * destroys the buffers of the shapes it leaves at once, and computes the same results after a shape's
 * buffers were destroyed and allocated again.
 */
import assert from "node:assert/strict";
import type { Model } from "../src/plan/schema.ts";
import type { UpdateSettings } from "../src/train/engine.ts";
import { GptEngine } from "../src/train/gpt.ts";
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
