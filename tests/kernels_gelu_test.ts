import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { gelu, geluBackward } from "../src/train/reference/ops.ts";

Deno.test("gelu kernels match the float64 reference", async (t) => {
  const bench = await kernelBench();
  // Wide inputs, including the saturated tails.
  const count = 4 * 301;
  const x = asFloat32(randomValues(count, 1, 4));
  x[0] = 30;
  x[1] = -30;
  const dy = asFloat32(randomValues(count, 2));
  await t.step("forward", async () => {
    const y = bench.zeros(count);
    bench.run(ops.geluForward(bench.kernels, { x: bench.upload(x), y, count }));
    assertClose(await bench.read(y, count), gelu(x), 1e-6, "gelu");
  });
  await t.step("backward, in place", async () => {
    const grad = bench.upload(dy);
    bench.run(ops.geluBackward(bench.kernels, { x: bench.upload(x), grad, count }));
    assertClose(await bench.read(grad, count), geluBackward(x, dy), 1e-6, "dx");
  });
});
