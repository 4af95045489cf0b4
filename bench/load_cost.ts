/**
 * `deno task bench:loads`: what one load from memory costs a compute shader on the current adapter,
 * against a multiply-add, in CPU-nanoseconds per invocation (the process's user + system time divided by
 * the invocations x loop iterations run). On a CPU adapter (Mesa's llvmpipe) this is what bounds the
 * matrix products: every invocation-level load is one lane of a vector, and the figures say how many
 * multiply-adds one loaded float must feed before the arithmetic, not the loads, sets the pace.
 *
 * Each kernel runs a loop of `--iterations` (2048) steps in every invocation of `--workgroups` (512)
 * workgroups of 8, 20 dispatches per submission, and reports the median of `--repeats` (3) submissions
 * minus the empty loop's cost. Addresses differ per invocation ("per lane") or are the same for a
 * workgroup ("same address"); storage buffers, a uniform buffer and a sampled texture are compared.
 * On a GPU the figures are dominated by dispatch overhead and mean little.
 * @module
 */
import { storageBuffer } from "../src/train/gpu/buffers.ts";
import { requestGpu } from "../src/train/gpu/device.ts";
import { cpuSeconds, median, numberFlag } from "./measures.ts";

/** One measured loop body: its WGSL and what one iteration does per invocation. */
interface Body {
  name: string;
  wgsl: string;
  /** Floats loaded, or multiply-adds done, per invocation per iteration. */
  floats: number;
}

const WORDS = 1 << 16; // vec4s in the storage buffer (1 MiB), a power of two
const BODIES: Body[] = [
  { name: "empty loop (subtracted from the others)", wgsl: "acc += vec4<f32>(f32(k));", floats: 0 },
  {
    name: "16 multiply-adds (4 vec4 fma, independent)",
    wgsl: [0, 1, 2, 3].map((i) => `acc${i} = fma(acc${i}, vec4<f32>(1.0001), vec4<f32>(1e-7));`).join(" "),
    floats: 16,
  },
  { name: "storage vec4, per lane", wgsl: `acc += src[(lane * 64u + k * 7u) & ${WORDS - 1}u];`, floats: 4 },
  {
    name: "storage f32, per lane",
    wgsl: `acc.x += scalars[((lane * 64u + k * 7u) & ${WORDS - 1}u) * 4u];`,
    floats: 1,
  },
  {
    name: "storage vec4, same address",
    wgsl: `acc += src[(group * 64u + k * 7u) & ${WORDS - 1}u];`,
    floats: 4,
  },
  { name: "uniform-buffer vec4, per lane", wgsl: "acc += small[(lane * 64u + k * 7u) & 4095u];", floats: 4 },
  {
    name: "uniform-buffer vec4, same address",
    wgsl: "acc += small[(group * 64u + k * 7u) & 4095u];",
    floats: 4,
  },
  {
    name: "sampled texture (rgba32float) texel, per lane",
    wgsl: "acc += textureLoad(texels, vec2<u32>((lane * 64u + k * 7u) & 255u, k & 255u), 0);",
    floats: 4,
  },
];

const shader = (body: string, iterations: number) => `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> scalars: array<f32>;
@group(0) @binding(2) var<uniform> small: array<vec4<f32>, 4096>;
@group(0) @binding(3) var texels: texture_2d<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>;
@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>) {
  let lane = g.x;
  let group = w.x;
  var acc = vec4<f32>(0.0);
  var acc0 = acc; var acc1 = acc; var acc2 = acc; var acc3 = acc;
  for (var k = 0u; k < ${iterations}u; k++) { ${body} }
  out[lane] = acc + acc0 + acc1 + acc2 + acc3;
}`;

const iterations = numberFlag(Deno.args, "--iterations", 2048);
const workgroups = numberFlag(Deno.args, "--workgroups", 512);
const repeats = numberFlag(Deno.args, "--repeats", 3);
const DISPATCHES = 20;

const { device, description } = await requestGpu();
const zeros = (bytes: number, usage: number) => device.createBuffer({ size: bytes, usage });
const layout = device.createBindGroupLayout({
  entries: [
    { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "read-only-storage" } },
    { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: "read-only-storage" } },
    { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform" } },
    { binding: 3, visibility: GPUShaderStage.COMPUTE, texture: { sampleType: "unfilterable-float" } },
    { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: "storage" } },
  ],
});
const source = zeros(WORDS * 16, GPUBufferUsage.STORAGE);
const texture = device.createTexture({
  size: [256, 256],
  format: "rgba32float",
  usage: GPUTextureUsage.TEXTURE_BINDING,
});
const bindGroup = device.createBindGroup({
  layout,
  entries: [
    { binding: 0, resource: { buffer: source } },
    { binding: 1, resource: { buffer: source } },
    { binding: 2, resource: { buffer: zeros(65536, GPUBufferUsage.UNIFORM) } },
    { binding: 3, resource: texture.createView() },
    { binding: 4, resource: { buffer: storageBuffer(device, workgroups * 8 * 16, "out") } },
  ],
});

/** Median CPU-seconds of one submission of DISPATCHES dispatches of the body, after a warm-up. */
async function submissionSeconds(body: Body): Promise<number> {
  const module = device.createShaderModule({ code: shader(body.wgsl, iterations) });
  const pipeline = device.createComputePipeline({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: "main" },
  });
  const submit = async () => {
    const encoder = device.createCommandEncoder();
    for (let i = 0; i < DISPATCHES; i++) {
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(workgroups);
      pass.end();
    }
    const start = cpuSeconds();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return cpuSeconds() - start;
  };
  await submit();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await submit());
  return median(times);
}

const invocationSteps = DISPATCHES * workgroups * 8 * iterations;
console.log(
  `Adapter: ${description}; ${iterations} iterations x ${workgroups} workgroups of 8, median of ${repeats}\n`,
);
console.log("| Loop body (per invocation) | CPU-ns per iteration | CPU-ns per float |");
console.log("| --- | --- | --- |");
let empty = 0;
for (const body of BODIES) {
  const ns = (await submissionSeconds(body)) * 1e9 / invocationSteps;
  if (body.floats === 0) empty = ns;
  const net = Math.max(0, ns - empty);
  const perFloat = body.floats ? (net / body.floats).toFixed(3) : "-";
  console.log(`| ${body.name} | ${(body.floats ? net : ns).toFixed(3)} | ${perFloat} |`);
}
