import assert from "node:assert/strict";
import type { Group, Model } from "../src/plan/schema.ts";
import type { UpdateSettings } from "../src/train/engine.ts";
import { GptEngine } from "../src/train/gpt.ts";
import { assertClose, randomBatch, randomWeights, toHostTensors } from "../src/train/gpu/testing.ts";
import { adamwUpdate, type Moments } from "../src/train/reference/adamw.ts";
import { referenceGradients } from "../src/train/reference/gpt.ts";
import { paramLayout } from "../src/train/gpu/params.ts";
import { slotUpdate, tensorSettings } from "../src/train/gpu/param_groups.ts";

// Vocabulary 11 (padded to 12 rows on the GPU) and 3 x 5 = 15 rows (padded to 16) exercise the padding;
// a context of 6 > 5 positions leaves a row of wpe unused (zero gradient).
const CONFIG: Model = { kind: "gpt", layers: 2, width: 8, heads: 2, context: 6, vocab: 11 };
const SETTINGS: UpdateSettings = {
  lr: 0.01,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  clip: 0.5,
};

for (const matmul of ["block", "tiled"] as const) {
  Deno.test(`GPU engine (${matmul} matmul) matches the float64 reference model`, async (t) => {
    const engine = await GptEngine.create(CONFIG, { seed: 0, matmul });
    try {
      const weights = randomWeights(CONFIG, 3);
      await engine.writeWeights(toHostTensors(CONFIG, weights));
      const batch = randomBatch(3, 5, CONFIG.vocab, 4);
      const expected = referenceGradients(CONFIG, weights, batch);

      await t.step("evaluate gives the reference loss", async () => {
        assertClose([await engine.evaluate(batch)], [expected.loss], 1e-5, "loss");
      });

      const result = await engine.step(batch, SETTINGS, true);
      await t.step("step reports the loss and the pre-clip gradient norm", () => {
        assert.ok(result);
        assertClose([result.loss], [expected.loss], 1e-5, "loss");
        const norm = Math.sqrt(
          [...expected.grads.values()].reduce((s, g) => s + g.reduce((a, b) => a + b * b, 0), 0),
        );
        assertClose([result.gradNorm], [norm], 1e-5, "gradient norm");
      });

      const gpuGrads = new Map(
        (await engine.readGradients()).map((g) => [g.name, Float64Array.from(g.data)]),
      );
      await t.step("every gradient matches", () => {
        for (const [name, grad] of gpuGrads) assertClose(grad, expected.grads.get(name)!, 1e-4, name);
      });

      // Applied to the GPU's own gradients: the first Adam update is about lr * sign(g), and some gradients
      // (the key bias's) are zero but for rounding, so their sign is noise.
      await t.step("the update is clipped AdamW (decay on 2-D weights only)", async () => {
        const moments = new Map<string, Moments>();
        const noDecay = { ...SETTINGS, weightDecay: 0 };
        adamwUpdate(
          weights,
          gpuGrads,
          moments,
          SETTINGS.clip,
          1,
          (name) => name.endsWith("weight") && !/ln_/.test(name) ? SETTINGS : noDecay,
        );
        for (const tensor of await engine.readWeights()) {
          assertClose(tensor.data, weights.get(tensor.name)!, 1e-5, tensor.name);
        }
        const state = await engine.readOptimizerState();
        assert.equal(state.step, 1);
        for (const tensor of state.tensors) {
          const [name, kind] = tensor.name.split(/\.(?=exp_avg)/);
          const m = moments.get(name)!;
          assertClose(tensor.data, kind === "exp_avg" ? m.m : m.v, 1e-4, tensor.name);
        }
      });
    } finally {
      engine.destroy();
    }
  });
}

Deno.test("per-group AdamW on the GPU matches the float64 reference", async () => {
  const origin = { file: "r.recipe", line: 1, column: 1 };
  const group = { patterns: [], weightDecayScale: null, betas: null, eps: null, origin };
  const groups: Group[] = [
    { ...group, name: "late", role: "params", patterns: ["h.1.*"], lrScale: 0.25 },
    { ...group, name: "emb", role: "embeddings", lrScale: 2, weightDecayScale: 0.5, betas: [0.8, 0.9] },
    { ...group, name: "vec", role: "vectors", lrScale: 1, weightDecayScale: 1, eps: 1e-6 },
  ];
  const engine = await GptEngine.create(CONFIG, { seed: 0, groups });
  try {
    const weights = randomWeights(CONFIG, 3);
    await engine.writeWeights(toHostTensors(CONFIG, weights));
    const slots = new Map(paramLayout(CONFIG).slots.map((slot) => [slot.name, slotUpdate(slot, groups)]));
    const moments = new Map<string, Moments>();
    for (const step of [1, 2]) {
      await engine.step(randomBatch(3, 5, CONFIG.vocab, 4 + step), SETTINGS, false);
      const grads = new Map((await engine.readGradients()).map((g) => [g.name, Float64Array.from(g.data)]));
      adamwUpdate(
        weights,
        grads,
        moments,
        SETTINGS.clip,
        step,
        (name) => tensorSettings(SETTINGS, slots.get(name)!),
      );
    }
    for (const tensor of await engine.readWeights()) {
      assertClose(tensor.data, weights.get(tensor.name)!, 1e-5, tensor.name);
    }
    const vectorBias = weights.get("h.0.ln_1.bias")!;
    assert.ok(vectorBias.some((x) => x !== 0), "a decayed vector moved");
  } finally {
    engine.destroy();
  }
});

Deno.test("a group that keeps the optimizer's settings changes no bit of the update", async () => {
  const origin = { file: "r.recipe", line: 1, column: 1 };
  const same: Group = {
    name: "same",
    role: "params",
    patterns: ["h.0.*"],
    lrScale: 1,
    weightDecayScale: null,
    betas: null,
    eps: null,
    origin,
  };
  const weights = async (groups: Group[]) => {
    const engine = await GptEngine.create(CONFIG, { seed: 0, groups });
    try {
      for (const step of [1, 2]) await engine.step(randomBatch(3, 5, CONFIG.vocab, step), SETTINGS, false);
      return (await engine.readWeights()).map((t) => [...t.data]);
    } finally {
      engine.destroy();
    }
  };
  assert.deepEqual(await weights([same]), await weights([]));
});
