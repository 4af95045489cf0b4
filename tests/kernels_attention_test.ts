import assert from "node:assert/strict";
import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { attention, attentionBackward } from "../src/train/reference/ops.ts";

// One 8x8 block per head; partial edge blocks (19 positions, head size 12); several workgroups (70).
// Score rows are padded to a multiple of 4 floats (7 -> 8, 19 -> 20, 70 -> 72); the padding starts as
// random values, which the kernels must neither use nor leave non-zero.
const SHAPES = [
  { batch: 2, seq: 7, heads: 3, width: 24 },
  { batch: 2, seq: 19, heads: 2, width: 24 },
  { batch: 1, seq: 70, heads: 2, width: 16 },
];

Deno.test("causal attention kernels match the float64 reference", async (t) => {
  const bench = await kernelBench();
  for (const shape of SHAPES) {
    const rows = shape.batch * shape.seq;
    const qkv = asFloat32(randomValues(rows * 3 * shape.width, 1));
    const dy = asFloat32(randomValues(rows * shape.width, 2));
    const stride = ops.scoreStride(shape.seq);
    const scores = shape.batch * shape.heads * shape.seq * stride;
    const buffers = {
      qkv: bench.upload(qkv),
      probs: bench.upload(randomValues(scores, 3)),
      y: bench.zeros(rows * shape.width),
      dy: bench.upload(dy),
      dscores: bench.upload(randomValues(scores, 4)),
      dqkv: bench.upload(randomValues(rows * 3 * shape.width, 5)),
    };
    const expected = attention(qkv, shape);
    const name = `${shape.seq} positions, ${shape.heads} heads of ${shape.width / shape.heads}`;
    await t.step(`forward, ${name}`, async () => {
      bench.run(ops.attentionForward(bench.kernels, { ...shape, ...buffers }));
      assertClose(await bench.read(buffers.y, rows * shape.width), expected.y, 1e-5, "y");
      const probs = await bench.read(buffers.probs, scores);
      const scoreRows = Array.from(
        { length: scores / stride },
        (_, r) => [...probs.slice(r * stride, (r + 1) * stride)],
      );
      const causal = scoreRows.flatMap((row) => row.slice(0, shape.seq));
      assertClose(Float32Array.from(causal), expected.probs, 1e-5, "probs (zero above the diagonal)");
      const padding = scoreRows.flatMap((row) => row.slice(shape.seq));
      assert.deepEqual(padding, Array(padding.length).fill(0), "the rows' padding is zero");
    });
    await t.step(`backward, ${name}`, async () => {
      bench.run(ops.attentionBackward(bench.kernels, { ...shape, ...buffers }));
      const dqkv = attentionBackward(qkv, dy, shape);
      assertClose(await bench.read(buffers.dqkv, rows * 3 * shape.width), dqkv, 1e-5, "dqkv");
    });
  }
});
