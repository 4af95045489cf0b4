import assert from "node:assert/strict";
import * as ops from "../src/train/gpu/ops.ts";
import { kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { add } from "../src/train/reference/ops.ts";

Deno.test("residual add is exact", async () => {
  const bench = await kernelBench();
  const count = 4 * 97;
  const a = Float32Array.from(randomValues(count, 1));
  const b = Float32Array.from(randomValues(count, 2));
  const y = bench.zeros(count);
  bench.run(ops.residualAdd(bench.kernels, { a: bench.upload(a), b: bench.upload(b), y, count }));
  assert.deepEqual(await bench.read(y, count), Float32Array.from(add(a, b)));
});
