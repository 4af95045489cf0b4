import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { adamwUpdate, globalNorm, type Moments } from "../src/train/reference/adamw.ts";

Deno.test("gradient norm and AdamW kernels match the float64 reference", async (t) => {
  const bench = await kernelBench();
  // 2000 floats: the first 1200 decayed; the norm's chunks do not divide the count evenly.
  const [count, decayEnd] = [2000, 1200];
  const params = asFloat32(randomValues(count, 1));
  const grads = asFloat32(randomValues(count, 2, 0.1));
  const buffers = {
    params: bench.upload(params),
    grads: bench.upload(grads),
    m: bench.upload(asFloat32(randomValues(count, 3, 0.01))),
    v: bench.upload(asFloat32(randomValues(count, 4, 0.01)).map((x) => x * x)),
    partials: bench.zeros(ops.NORM_PARTS),
    norm: bench.zeros(1),
  };
  const settings = bench.device.createBuffer({
    size: ops.ADAMW_SETTINGS_FIELDS * 4,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  await t.step("gradient norm", async () => {
    bench.run(ops.gradNorm(bench.kernels, { ...buffers, count }));
    assertClose(await bench.read(buffers.norm, 1), [globalNorm([grads])], 1e-6, "norm");
  });
  for (const clip of [0.5, 100, null]) {
    await t.step(`update with clip ${clip}`, async () => {
      const m = await bench.read(buffers.m, count);
      const v = await bench.read(buffers.v, count);
      const p = await bench.read(buffers.params, count);
      const step = 3;
      const update = { lr: 0.01, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip };
      bench.device.queue.writeBuffer(settings, 0, ops.adamwSettings({ ...update, step, count, decayEnd }));
      bench.run(ops.adamw(bench.kernels, { ...buffers, settings, count }));
      // Reference: the decayed prefix and the rest as two tensors sharing one global norm.
      const named = new Map([["decayed", Float64Array.from(p.slice(0, decayEnd))], [
        "other",
        Float64Array.from(p.slice(decayEnd)),
      ]]);
      const namedGrads = new Map([["decayed", grads.slice(0, decayEnd)], ["other", grads.slice(decayEnd)]]);
      const moments = new Map<string, Moments>([
        ["decayed", {
          m: Float64Array.from(m.slice(0, decayEnd)),
          v: Float64Array.from(v.slice(0, decayEnd)),
        }],
        ["other", { m: Float64Array.from(m.slice(decayEnd)), v: Float64Array.from(v.slice(decayEnd)) }],
      ]);
      const noDecay = { ...update, weightDecay: 0 };
      adamwUpdate(named, namedGrads, moments, clip, step, (name) => name === "decayed" ? update : noDecay);
      const joined = (a: Float64Array, b: Float64Array) => Float64Array.of(...a, ...b);
      assertClose(
        await bench.read(buffers.params, count),
        joined(named.get("decayed")!, named.get("other")!),
        1e-6,
        "params",
      );
      assertClose(
        await bench.read(buffers.m, count),
        joined(moments.get("decayed")!.m, moments.get("other")!.m),
        1e-6,
        "m",
      );
      assertClose(
        await bench.read(buffers.v, count),
        joined(moments.get("decayed")!.v, moments.get("other")!.v),
        1e-6,
        "v",
      );
    });
  }
});
