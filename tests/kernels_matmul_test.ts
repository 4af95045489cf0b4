import assert from "node:assert/strict";
import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { matmul } from "../src/train/reference/ops.ts";
import { chooseMatmul } from "../src/train/gpu/kernels.ts";

// Shapes straddle the tiled kernel's 128-wide tiles and the block kernel's 32x16 blocks and 128-wide
// workgroups; an inner dimension of 604 makes the block kernel split it into 3 chunks and reduce.
const SHAPES = [[4, 4, 4], [12, 20, 8], [68, 132, 36], [132, 260, 20], [20, 12, 604]] as const;

// Epilogues: none, the bias, and the bias then a residual (a fused residual connection).
const EPILOGUES = ["", " + bias", " + bias + residual"] as const;

for (const variant of ["block", "tiled"] as const) {
  Deno.test(`matmul (${variant}) matches the float64 reference`, async (t) => {
    const bench = await kernelBench(variant);
    for (const kind of ["nn", "nt", "tn"] as const) {
      for (const [m, n, k] of SHAPES) {
        for (const epilogue of EPILOGUES) {
          await t.step(`${kind} ${m}x${n}x${k}${epilogue}`, async () => {
            const a = asFloat32(randomValues(m * k, 1));
            const b = asFloat32(randomValues(k * n, 2));
            const bias = epilogue ? asFloat32(randomValues(n, 3)) : undefined;
            const residual = epilogue.endsWith("residual") ? asFloat32(randomValues(m * n, 4)) : undefined;
            const out = bench.zeros(m * n);
            bench.run(ops.matmul(bench.kernels, kind, {
              a: bench.upload(a),
              b: bench.upload(b),
              bias: bias && bench.upload(bias),
              residual: residual && bench.upload(residual),
              out,
              m,
              n,
              k,
            }));
            const expected = matmul(kind, a, b, m, n, k, bias);
            if (residual) expected.forEach((v, i) => expected[i] = v + residual[i]);
            assertClose(await bench.read(out, m * n), expected, 1e-5, "product");
          });
        }
      }
    }
  });
}

Deno.test("matmul variant follows the adapter", () => {
  assert.equal(chooseMatmul(true), "block");
  assert.equal(chooseMatmul(false), "tiled");
});

Deno.test("bias backward sums the rows of each column", async () => {
  const bench = await kernelBench();
  const [rows, cols] = [37, 24];
  const dy = asFloat32(randomValues(rows * cols, 4));
  const db = bench.zeros(cols);
  bench.run(ops.biasBackward(bench.kernels, { dy: bench.upload(dy), db, rows, cols }));
  const expected = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected[c] += dy[r * cols + c];
  assertClose(await bench.read(db, cols), expected, 1e-5, "bias gradient");
});
