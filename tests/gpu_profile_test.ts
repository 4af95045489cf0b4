import assert from "node:assert/strict";
import type { Model } from "../src/plan/schema.ts";
import type { HostTensor, UpdateSettings } from "../src/train/engine.ts";
import { createEngine, type GptEngine } from "../src/train/gpt.ts";
import { byFamily } from "../src/train/gpu/profile.ts";
import { randomBatch } from "../src/train/gpu/testing.ts";

const CONFIG: Model = { kind: "gpt", layers: 1, width: 16, heads: 2, context: 8, vocab: 32 };
const SETTINGS: UpdateSettings = { lr: 0.01, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip: 1 };

const bits = (tensors: HostTensor[]) => tensors.map((t) => [...new Uint32Array(t.data.buffer)]);

Deno.test("a profiled step times every dispatch and applies the same update as a step", async () => {
  const profiled = await createEngine(CONFIG, { seed: 3 }) as GptEngine;
  const plain = await createEngine(CONFIG, { seed: 3 });
  try {
    const batch = randomBatch(2, 8, CONFIG.vocab, 1);
    const profile = await profiled.profileStep(batch, SETTINGS);
    const times = profile.dispatches;
    assert.ok(profile.prepareMs >= 0 && profile.encodeMs >= 0);
    await plain.step(batch, SETTINGS, false);
    assert.ok(times.length > 20);
    assert.ok(times.every((t) => t.ms >= 0 && /^[a-z_]+\.[a-z_]+$/.test(t.label)), JSON.stringify(times));
    const families = byFamily(times);
    assert.equal(families.reduce((n, f) => n + f.dispatches, 0), times.length);
    assert.ok(families.some((f) => f.label === "adamw.update"));
    assert.deepEqual(bits(await profiled.readWeights()), bits(await plain.readWeights()));
  } finally {
    profiled.destroy();
    plain.destroy();
  }
});
