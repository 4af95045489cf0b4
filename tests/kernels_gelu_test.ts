import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { gelu, geluBackward } from "../src/train/reference/ops.ts";

// Wide inputs, including the saturated tails.
const COUNT = 4 * 301;
const X = asFloat32(randomValues(COUNT, 1, 4));
X[0] = 30;
X[1] = -30;

for (const variant of ["block", "tiled"] as const) {
  Deno.test(`gelu fused into the ${variant} matmul matches the float64 reference`, async () => {
    const bench = await kernelBench(variant);
    // The first 300 rows of x as [300, 4] (a multiple of 4 rows) times the 4 x 4 identity: out = x
    // exactly, activated = gelu(x).
    const x = X.slice(0, 4 * 300);
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const [out, activated] = [bench.zeros(x.length), bench.zeros(x.length)];
    const [a, b] = [bench.upload(x), bench.upload(identity)];
    bench.run(ops.matmul(bench.kernels, "nn", { a, b, out, activated, m: 300, n: 4, k: 4 }));
    assertClose(await bench.read(out, x.length), x, 0, "x");
    assertClose(await bench.read(activated, x.length), gelu(x), 1e-6, "gelu");
  });
}

Deno.test("gelu backward matches the float64 reference", async () => {
  const bench = await kernelBench();
  const dy = asFloat32(randomValues(COUNT, 2));
  const grad = bench.upload(dy);
  bench.run(ops.geluBackward(bench.kernels, { x: bench.upload(X), grad, count: COUNT }));
  assertClose(await bench.read(grad, COUNT), geluBackward(X, dy), 1e-6, "dx");
});
