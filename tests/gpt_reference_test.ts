import assert from "node:assert/strict";
import type { Model } from "../src/plan/schema.ts";
import { randomBatch, randomWeights } from "../src/train/gpu/testing.ts";
import { referenceGradients } from "../src/train/reference/gpt.ts";

const CONFIG: Model = { kind: "gpt", layers: 2, width: 8, heads: 2, context: 6, vocab: 11 };

Deno.test("reference model gradients match central finite differences", async (t) => {
  const weights = randomWeights(CONFIG, 1);
  const batch = randomBatch(2, 5, CONFIG.vocab, 2);
  const { loss, grads } = referenceGradients(CONFIG, weights, batch);
  assert.ok(Number.isFinite(loss) && loss > 0);
  const h = 1e-5;
  for (const [name, values] of weights) {
    await t.step(name, () => {
      const grad = grads.get(name)!;
      assert.equal(grad.length, values.length);
      // A few entries per tensor, spread over it.
      for (const i of [0, Math.floor(values.length / 3), values.length - 1]) {
        const saved = values[i];
        values[i] = saved + h;
        const up = referenceGradients(CONFIG, weights, batch).loss;
        values[i] = saved - h;
        const down = referenceGradients(CONFIG, weights, batch).loss;
        values[i] = saved;
        const numeric = (up - down) / (2 * h);
        const error = Math.abs(numeric - grad[i]);
        assert.ok(
          error <= 1e-7 + 1e-5 * Math.abs(numeric),
          `${name}[${i}]: ${grad[i]} vs finite difference ${numeric}`,
        );
      }
    });
  }
});
