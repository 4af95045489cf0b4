import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { attention, attentionBackward } from "../src/train/reference/ops.ts";

Deno.test("causal attention kernels match the float64 reference", async (t) => {
  const bench = await kernelBench();
  const shape = { batch: 2, seq: 7, heads: 3, width: 24 };
  const rows = shape.batch * shape.seq;
  const qkv = asFloat32(randomValues(rows * 3 * shape.width, 1));
  const dy = asFloat32(randomValues(rows * shape.width, 2));
  const scores = shape.batch * shape.heads * shape.seq * shape.seq;
  const buffers = {
    qkv: bench.upload(qkv),
    probs: bench.zeros(scores),
    y: bench.zeros(rows * shape.width),
    dy: bench.upload(dy),
    dscores: bench.zeros(scores),
    dqkv: bench.zeros(rows * 3 * shape.width),
  };
  try {
    const expected = attention(qkv, shape);
    await t.step("forward", async () => {
      bench.run(ops.attentionForward(bench.kernels, { ...shape, ...buffers }));
      assertClose(await bench.read(buffers.y, rows * shape.width), expected.y, 1e-5, "y");
      // Only the causal part (t2 <= t) of each row is written.
      const probs = await bench.read(buffers.probs, scores);
      const causal = (_: number, i: number) => i % shape.seq <= Math.floor(i / shape.seq) % shape.seq;
      assertClose(probs.filter(causal), expected.probs.filter(causal), 1e-5, "probs");
    });
    await t.step("backward", async () => {
      bench.run(ops.attentionBackward(bench.kernels, { ...shape, ...buffers }));
      const dqkv = attentionBackward(qkv, dy, shape);
      assertClose(await bench.read(buffers.dqkv, rows * 3 * shape.width), dqkv, 1e-5, "dqkv");
    });
  } finally {
    bench.destroy();
  }
});
