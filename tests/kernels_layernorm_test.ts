import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { layerNorm, layerNormBackward } from "../src/train/reference/ops.ts";

Deno.test("layernorm kernels match the float64 reference", async (t) => {
  const bench = await kernelBench();
  const [rows, width] = [21, 40];
  const x = asFloat32(randomValues(rows * width, 1, 3).map((v, i) => v + (i % 7)));
  const weight = asFloat32(randomValues(width, 2).map((v) => 1 + 0.5 * v));
  const bias = asFloat32(randomValues(width, 3));
  const dy = asFloat32(randomValues(rows * width, 4));
  const residualGrad = asFloat32(randomValues(rows * width, 5));
  const buffers = {
    x: bench.upload(x),
    weight: bench.upload(weight),
    bias: bench.upload(bias),
    y: bench.zeros(rows * width),
    stats: bench.zeros(2 * rows),
    dy: bench.upload(dy),
    dx: bench.upload(residualGrad),
    dweight: bench.zeros(width),
    dbias: bench.zeros(width),
  };
  const expected = layerNorm(x, weight, bias, rows, width);
  await t.step("forward", async () => {
    bench.run(ops.layerNormForward(bench.kernels, { ...buffers, rows, width }));
    assertClose(await bench.read(buffers.y, rows * width), expected.y, 1e-5, "y");
    const stats = await bench.read(buffers.stats, 2 * rows);
    assertClose(stats.filter((_, i) => i % 2 === 0), expected.mean, 1e-5, "mean");
    assertClose(stats.filter((_, i) => i % 2 === 1), expected.rstd, 1e-5, "rstd");
  });
  await t.step("backward accumulates dx and writes dweight, dbias", async () => {
    bench.run([
      ops.layerNormBackwardInput(bench.kernels, { ...buffers, rows, width }),
      ops.layerNormBackwardParams(bench.kernels, { ...buffers, rows, width }),
    ]);
    const back = layerNormBackward(x, weight, dy, rows, width);
    const dx = back.dx.map((v, i) => v + residualGrad[i]);
    assertClose(await bench.read(buffers.dx, rows * width), dx, 1e-5, "dx");
    assertClose(await bench.read(buffers.dweight, width), back.dweight, 1e-5, "dweight");
    assertClose(await bench.read(buffers.dbias, width), back.dbias, 1e-5, "dbias");
  });
});
