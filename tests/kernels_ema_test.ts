/** The EMA kernel (kernels/ema.wgsl) against the float64 reference, over several updates and decays. */
import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { emaUpdate } from "../src/train/reference/ema.ts";

Deno.test("the EMA kernel matches the float64 reference; a decay of 0 copies the weights exactly", async () => {
  const bench = await kernelBench();
  const count = 2000;
  const ema = bench.zeros(count);
  const settings = bench.device.createBuffer({
    size: ops.EMA_SETTINGS_FIELDS * 4,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const reference = new Float64Array(count);
  for (const [i, decay] of [0, 0.9, 0.999, 0.5, 0.99].entries()) {
    const params = asFloat32(randomValues(count, i + 1));
    bench.device.queue.writeBuffer(settings, 0, ops.emaSettings({ decay, count }));
    bench.run(ops.ema(bench.kernels, { settings, params: bench.upload(params), ema, count }));
    emaUpdate(reference, params, decay);
    const actual = await bench.read(ema, count);
    assertClose(actual, reference, 1e-6, `ema after decay ${decay}`);
    if (decay === 0) {
      if (!actual.every((x, j) => x === Math.fround(params[j]))) throw new Error("decay 0 must copy");
    }
  }
});
