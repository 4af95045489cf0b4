/**
 * `deno task bench:gpu`: the WebGPU engine on the current adapter, against PyTorch (FP32) on the same
 * machine when a Python with torch is found (bench/torch_reference.ts): on the CPU with `--threads` threads
 * (2) on a fallback (CPU) adapter, on CUDA (when torch has it) on a GPU adapter. In one run:
 *
 * - matmul n x n x n GFLOP/s: 1024 to 8192 on a GPU; 512, 1024 and 2048 on a fallback adapter (llvmpipe
 *   takes about a second per 2048^3 product, and 4096 and 8192 would take minutes);
 * - training tokens/s (forward, backward, clipping, AdamW) of the reference models: on a GPU 4 x 256
 *   (context 256, batch 16), 6 x 384 (context 256, batch 32) and 12 x 768 (12 heads, context 1024,
 *   batch 8); on a fallback adapter 2 x 64 (context 64) and 4 x 128 (context 128), batch 16;
 * - where a step's time goes: GPU ms per kernel family, dispatches, host work (bench/step_breakdown.ts).
 *
 * Every figure is the median of `--repeats` measurements (default 3), with the ratio ours / PyTorch per
 * row. `--tfjs` adds the older comparison with TensorFlow.js's WebGPU backend on the same adapter
 * (bench/tfjs_gpt.ts; minutes on llvmpipe). Flags: --repeats N, --steps N (training steps per timing),
 * --threads N (PyTorch's), --python PATH (a Python with torch), --matmul block|tiled (force a variant),
 * --skip-torch, --skip-breakdown, --tfjs.
 * @module
 */
import type { Model } from "../src/plan/schema.ts";
import { createEngine, type GptEngine } from "../src/train/gpt.ts";
import { storageBuffer, uploadBuffer } from "../src/train/gpu/buffers.ts";
import { requestGpu } from "../src/train/gpu/device.ts";
import { chooseMatmul, Kernels, type MatmulVariant } from "../src/train/gpu/kernels.ts";
import * as ops from "../src/train/gpu/ops.ts";
import { timingMethod } from "../src/train/gpu/profile.ts";
import { randomBatch, randomValues } from "../src/train/gpu/testing.ts";
import { breakdownRows, stepBreakdown } from "./step_breakdown.ts";
import { cpuSeconds, flagText, median, numberFlag } from "./measures.ts";
import { modelKey, torchFigures } from "./torch_reference.ts";

const SETTINGS = { lr: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip: 1 };
const gpt = (layers: number, width: number, heads: number, context: number): Model => ({
  kind: "gpt",
  layers,
  width,
  heads,
  context,
  vocab: 256,
});

const args = Deno.args;
const flag = (name: string) => args.includes(name);
const text = (name: string) => flagText(args, name);
const option = (name: string, fallback: number) => numberFlag(args, name, fallback);

const gpu = await requestGpu();
const fallback = gpu.isFallback;
const variant = (text("--matmul") ?? chooseMatmul(fallback)) as MatmulVariant;
const repeats = option("--repeats", 3);
const threads = option("--threads", 2);
const SIZES = fallback ? [512, 1024, 2048] : [1024, 2048, 4096, 8192];
const MODELS: [Model, number][] = fallback
  ? [[gpt(2, 64, 2, 64), 16], [gpt(4, 128, 4, 128), 16]]
  : [[gpt(4, 256, 4, 256), 16], [gpt(6, 384, 6, 256), 32], [gpt(12, 768, 12, 1024), 8]];
/** Training steps per timing: about a second of work on llvmpipe, more on a GPU. */
const stepsFor = (m: Model) => option("--steps", fallback ? (m.width <= 64 ? 8 : 2) : 20);

const load = () => Deno.loadavg().map((v) => v.toFixed(1)).join(" ");
console.log(`Adapter: ${gpu.description}${fallback ? " (fallback/CPU adapter)" : ""}`);
console.log(`Matmul variant: ${variant}; kernel timing: ${timingMethod(gpu.device)}`);
console.log(`Load average at start: ${load()}; figures are medians of ${repeats} measurements\n`);

/** Median GFLOP/s of our n x n x n product, each measurement about half a second of products. */
async function oursMatmul(kernels: Kernels, n: number): Promise<number> {
  const a = uploadBuffer(gpu.device, Float32Array.from(randomValues(n * n, 1)), "a");
  const b = uploadBuffer(gpu.device, Float32Array.from(randomValues(n * n, 2)), "b");
  const out = storageBuffer(gpu.device, n * n * 4, "out");
  const product = ops.matmul(kernels, "nn", { a, b, out, m: n, n, k: n });
  const run = async (reps: number) => {
    const start = performance.now();
    ops.submitDispatches(gpu.device, Array(reps).fill(product).flat());
    await gpu.device.queue.onSubmittedWorkDone();
    return (performance.now() - start) / 1000;
  };
  const reps = Math.max(1, Math.round(0.5 / await run(1)));
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) rates.push(2 * n ** 3 * reps / await run(reps) / 1e9);
  for (const buffer of [a, b, out]) buffer.destroy();
  return median(rates);
}

/**
 * Median tokens/s and CPU-seconds per step of our training step (after one warm-up step), and the engine,
 * for the breakdown.
 */
async function oursTraining(
  config: Model,
  batch: number,
): Promise<{ rate: number; cpu: number; engine: GptEngine }> {
  const engine = await createEngine(config, { seed: 1, matmul: variant }) as GptEngine;
  const data = randomBatch(batch, config.context, config.vocab, 1);
  const steps = stepsFor(config);
  await engine.step(data, SETTINGS, true);
  const rates: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const [start, cpuStart] = [performance.now(), cpuSeconds()];
    for (let i = 0; i < steps; i++) await engine.step(data, SETTINGS, i === steps - 1);
    rates.push(steps * batch * config.context / ((performance.now() - start) / 1000));
    cpus.push((cpuSeconds() - cpuStart) / steps);
  }
  return { rate: median(rates), cpu: median(cpus), engine };
}

const describe = (m: Model, batch: number) =>
  `${m.layers} x ${m.width} (${m.heads} heads), context ${m.context}, batch ${batch}`;
const ratio = (ours: number, theirs: number | undefined) =>
  theirs === undefined ? "-" : `${(ours / theirs).toFixed(2)}x`;

const kernels = await Kernels.load(gpu.device, variant);
const matmul = new Map<number, number>();
for (const n of SIZES) matmul.set(n, await oursMatmul(kernels, n));
const training = new Map<string, number>();
const cpuLines: string[] = [];
const breakdowns: string[] = [];
for (const [config, batch] of MODELS) {
  const { rate, cpu, engine } = await oursTraining(config, batch);
  training.set(modelKey(config, batch), rate);
  cpuLines.push(`  ${describe(config, batch)}: ${cpu.toFixed(3)}`);
  if (!flag("--skip-breakdown")) {
    breakdowns.push(`\nStep breakdown, ${describe(config, batch)}:`);
    breakdowns.push(...breakdownRows(await stepBreakdown(engine, config, batch, SETTINGS, repeats)));
  }
  engine.destroy();
}
const torch = flag("--skip-torch") ? { why: "skipped (--skip-torch)" } : await torchFigures({
  sizes: SIZES,
  models: MODELS,
  repeats,
  threads,
  device: fallback ? "cpu" : "cuda",
  stepsFor,
  python: text("--python"),
});

const torchNote = "why" in torch
  ? `PyTorch not available: ${torch.why}`
  : `PyTorch: ${torch.python} (${torch.device})`;
const torchColumn = "why" in torch || torch.device === "cpu"
  ? `PyTorch CPU (${threads} threads)`
  : "PyTorch CUDA";
console.log(`${torchNote}; load average after: ${load()}\n`);
const theirsMatmul = (n: number) => "why" in torch ? undefined : median(torch.matmul.get(n) ?? []);
const theirsTraining = (key: string) => "why" in torch ? undefined : median(torch.training.get(key) ?? []);
const cell = (v: number | undefined, digits: number) => v === undefined ? "-" : v.toFixed(digits);
console.log(`| Measure | Ours (${variant}) | ${torchColumn} | Ours / PyTorch |`);
console.log("| --- | --- | --- | --- |");
for (const n of SIZES) {
  const ours = matmul.get(n)!;
  const theirs = theirsMatmul(n);
  console.log(
    `| Matmul ${n}^3 (GFLOP/s) | ${ours.toFixed(1)} | ${cell(theirs, 1)} | ${ratio(ours, theirs)} |`,
  );
}
for (const [config, batch] of MODELS) {
  const key = modelKey(config, batch);
  const ours = training.get(key)!;
  const theirs = theirsTraining(key);
  console.log(
    `| ${describe(config, batch)} (tokens/s) | ${ours.toFixed(0)} | ${cell(theirs, 0)} | ${
      ratio(ours, theirs)
    } |`,
  );
}
console.log("\nOur CPU-seconds per training step (the process's user + system time: on a CPU adapter the");
console.log("driver's work, steadier than tokens/s when other work shares the cores):");
for (const line of cpuLines) console.log(line);
for (const line of breakdowns) console.log(line);

if (flag("--tfjs")) {
  const { tfjsMatmulGflops, tfjsTokensPerSecond, useTfjsWebGpu } = await import("./tfjs_gpt.ts");
  await useTfjsWebGpu();
  console.log("\nTensorFlow.js WebGPU, same adapter (1 timed run after 1 warm-up):");
  for (const n of SIZES) {
    const theirs = await tfjsMatmulGflops(n, fallback ? 1 : 20);
    console.log(`  matmul ${n}: ${theirs.toFixed(2)} GFLOP/s (ours / tfjs ${ratio(matmul.get(n)!, theirs)})`);
  }
  for (const [config, batch] of MODELS) {
    const theirs = await tfjsTokensPerSecond(config, batch, stepsFor(config));
    const ours = training.get(modelKey(config, batch))!;
    console.log(
      `  ${describe(config, batch)}: ${theirs.toFixed(0)} tokens/s (ours / tfjs ${ratio(ours, theirs)})`,
    );
  }
}
