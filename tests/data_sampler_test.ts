/** The seeded sampler: batches are a pure function of (seed, step) and follow the mixture. */
import assert from "node:assert/strict";
import { assignRows, heldOutBatches, Sampler } from "../src/train/data/sampler.ts";
import { CounterRng } from "../src/train/data/counter_rng.ts";
import type { SourceData } from "../src/train/data/source_data.ts";

function source(name: string, fill: number, length = 1000): SourceData {
  const bytes = new Uint8Array(length).map((_, i) => (fill + i) % 256);
  return {
    name,
    train: bytes.subarray(0, length - 100),
    heldOut: bytes.subarray(length - 100),
    documents: 1,
  };
}

const sources = [source("a", 0), source("b", 100), source("c", 200, 5000)];

Deno.test("counter rng", async (t) => {
  await t.step("the stream of a (seed, counter) pair is reproducible", () => {
    const a = new CounterRng(7, 123);
    const b = new CounterRng(7, 123);
    for (let i = 0; i < 10; i++) assert.equal(a.next(), b.next());
  });
  await t.step("different counters and seeds give different streams", () => {
    const first = (seed: number, counter: number) => new CounterRng(seed, counter).next();
    assert.notEqual(first(1, 0), first(1, 1));
    assert.notEqual(first(1, 0), first(2, 0));
  });
  await t.step("numbers are in [0, 1) and roughly uniform", () => {
    const rng = new CounterRng(3, 9);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
  });
});

Deno.test("sampler", async (t) => {
  const sampler = new Sampler(sources, 16, 1);
  const mix = { a: 0.5, b: 0.3, c: 0.2 };

  await t.step("a step's batch depends only on (seed, step), not on earlier draws", () => {
    const fresh = new Sampler(sources, 16, 1);
    for (let k = 0; k < 5; k++) sampler.batch(k, mix, 8);
    assert.deepEqual(sampler.batch(42, mix, 8), fresh.batch(42, mix, 8));
  });

  await t.step("different steps and seeds give different batches", () => {
    assert.notDeepEqual(sampler.batch(1, mix, 8).tokens, sampler.batch(2, mix, 8).tokens);
    assert.notDeepEqual(sampler.batch(1, mix, 8).tokens, new Sampler(sources, 16, 2).batch(1, mix, 8).tokens);
  });

  await t.step("batches have the batch size and context + 1 tokens per row from the training split", () => {
    const batch = sampler.batch(5, mix, 6);
    assert.equal(batch.batch, 6);
    assert.equal(batch.context, 16);
    assert.equal(batch.tokens.length, 6 * 17);
    const { sources: names, offsets } = sampler.rows(5, mix, 6);
    names.forEach((name, r) => {
      const data = sources.find((s) => s.name === name)!;
      assert.ok(offsets[r] + 17 <= data.train.length);
      assert.deepEqual(
        batch.tokens.subarray(r * 17, r * 17 + 17),
        Uint32Array.from(data.train.subarray(offsets[r], offsets[r] + 17)),
      );
    });
  });

  await t.step("each batch gives every source its share of rows, rounded down or up", () => {
    for (let k = 0; k < 200; k++) {
      const { sources: names } = sampler.rows(k, mix, 32);
      for (const [name, weight] of Object.entries(mix)) {
        const count = names.filter((n) => n === name).length;
        assert.ok(Math.abs(count - weight * 32) < 1, `step ${k}: ${name} has ${count} rows`);
      }
    }
  });

  await t.step("small weights are drawn in proportion over many steps", () => {
    const small = { a: 0.95, b: 0.05 };
    let b = 0;
    for (let k = 0; k < 2000; k++) b += sampler.rows(k, small, 8).sources.filter((n) => n === "b").length;
    assert.ok(Math.abs(b / (2000 * 8) - 0.05) < 0.005, `share of b: ${b / 16000}`);
  });

  await t.step("a source missing from the loaded ones is an error naming it", () => {
    assert.throws(() => sampler.batch(0, { z: 1 }, 2), /source "z"/);
  });

  await t.step("a source shorter than one window is refused", () => {
    assert.throws(
      () => new Sampler([source("tiny", 0, 110)], 16, 1),
      /Source "tiny" holds '10' training bytes/,
    );
  });
});

Deno.test("assignRows", async (t) => {
  await t.step("follows the cumulative mixture in name order", () => {
    assert.deepEqual(assignRows({ b: 0.5, a: 0.5 }, 4, 0), ["a", "a", "b", "b"]);
    assert.deepEqual(assignRows({ a: 1 }, 3, 0.9), ["a", "a", "a"]);
  });
});

Deno.test("heldOutBatches", async (t) => {
  await t.step("windows come from the held-out split and are the same every time", () => {
    const batches = heldOutBatches(sources[0], 16, 3, 2);
    assert.equal(batches.length, 2);
    assert.deepEqual(batches, heldOutBatches(sources[0], 16, 3, 2));
    const heldOut = Array.from(sources[0].heldOut).join(",");
    for (const batch of batches) {
      for (let r = 0; r < 3; r++) {
        assert.ok(heldOut.includes(Array.from(batch.tokens.subarray(r * 17, r * 17 + 17)).join(",")));
      }
    }
  });
});
