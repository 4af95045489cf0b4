import assert from "node:assert/strict";
import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { crossEntropy } from "../src/train/reference/ops.ts";

Deno.test("softmax cross-entropy with fused backward matches the float64 reference", async () => {
  const bench = await kernelBench();
  // 10 real rows of 12 padded ones; vocabulary 13 padded to 16.
  const sizes = { rows: 10, paddedRows: 12, vocab: 13, paddedVocab: 16 };
  const logits = asFloat32(randomValues(sizes.paddedRows * sizes.paddedVocab, 1, 3));
  const targets = Uint32Array.from({ length: sizes.paddedRows }, (_, i) => (i * 5) % sizes.vocab);
  const real = new Float64Array(sizes.rows * sizes.vocab);
  for (let r = 0; r < sizes.rows; r++) {
    for (let c = 0; c < sizes.vocab; c++) real[r * sizes.vocab + c] = logits[r * sizes.paddedVocab + c];
  }
  const expected = crossEntropy(real, targets, sizes.rows, sizes.vocab);
  const buffers = {
    logits: bench.upload(logits),
    targets: bench.upload(targets),
    losses: bench.zeros(sizes.paddedRows),
    result: bench.zeros(1),
  };
  bench.run([
    ops.crossEntropy(bench.kernels, { ...sizes, ...buffers }),
    ops.lossMean(bench.kernels, { ...sizes, ...buffers }),
  ]);
  const losses = await bench.read(buffers.losses, sizes.paddedRows);
  assertClose(losses.slice(0, sizes.rows), expected.losses, 1e-5, "losses");
  assert.deepEqual([...losses.slice(sizes.rows)], [0, 0]);
  const mean = expected.losses.reduce((a, b) => a + b, 0) / sizes.rows;
  assertClose(await bench.read(buffers.result, 1), [mean], 1e-6, "mean loss");
  const grads = await bench.read(buffers.logits, sizes.paddedRows * sizes.paddedVocab);
  const padded = new Float64Array(grads.length);
  for (let r = 0; r < sizes.rows; r++) {
    for (let c = 0; c < sizes.vocab; c++) {
      padded[r * sizes.paddedVocab + c] = expected.dlogits[r * sizes.vocab + c];
    }
  }
  assertClose(grads, padded, 1e-5, "dlogits (zero in padding)");
});
