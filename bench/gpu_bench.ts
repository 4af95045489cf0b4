/**
 * `deno task bench:gpu`: matmul GFLOP/s and training-step tokens/s of the WebGPU engine on the current
 * adapter, against TensorFlow.js's WebGPU backend (installed from npm for this benchmark only) measured in
 * the same run on the same adapter.
 *
 * The reference model is 4 layers, width 256, 4 heads, context 256, batch 16, vocabulary 256. The
 * TensorFlow.js model is the same network written with tfjs ops, trained with tf.train.adam through
 * `optimizer.minimize` (tfjs has no AdamW and no global-norm clipping: it does slightly less work).
 * On a fallback (CPU) adapter every figure uses fewer iterations, and the comparison with TensorFlow.js
 * trains the reference model at batch 4 instead of 16 in both frameworks (tfjs takes over 3 minutes per
 * batch-16 step on a 2-core llvmpipe), so the run stays within minutes. TensorFlow.js runs last: after
 * it, this process's WebGPU adapter misbehaves on llvmpipe.
 *
 * Flags: --steps N (timed training steps per framework), --skip-tfjs.
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import "npm:@tensorflow/tfjs-backend-webgpu@4.22.0";
import type { Model } from "../src/plan/schema.ts";
import { createEngine } from "../src/train/gpt.ts";
import { requestGpu } from "../src/train/gpu/device.ts";
import { chooseMatmul, Kernels } from "../src/train/gpu/kernels.ts";
import * as ops from "../src/train/gpu/ops.ts";
import { randomBatch, randomValues } from "../src/train/gpu/testing.ts";
import { storageBuffer, uploadBuffer } from "../src/train/gpu/buffers.ts";

const REFERENCE: Model = { kind: "gpt", layers: 4, width: 256, heads: 4, context: 256, vocab: 256 };
const REFERENCE_BATCH = 16;
const SMALL: [Model, number][] = [
  [{ kind: "gpt", layers: 2, width: 64, heads: 2, context: 64, vocab: 256 }, 8],
  [{ kind: "gpt", layers: 2, width: 64, heads: 2, context: 128, vocab: 256 }, 16],
  [{ kind: "gpt", layers: 2, width: 128, heads: 2, context: 64, vocab: 256 }, 8],
  [{ kind: "gpt", layers: 2, width: 128, heads: 2, context: 128, vocab: 256 }, 16],
];
const SETTINGS = { lr: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip: 1 };

const args = Deno.args;
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};

const gpu = await requestGpu();
const fallback = gpu.isFallback;
const variant = chooseMatmul(fallback);
console.log(`Adapter: ${gpu.description}${fallback ? " (fallback/CPU adapter: fewer iterations)" : ""}`);
console.log(`Matmul variant: ${variant}\n`);

/** Seconds taken by `run`, after one untimed warm-up call. */
async function timed(run: () => Promise<void>): Promise<number> {
  await run();
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

const SIZES = [256, 512, 1024];
const repsFor = (n: number) => fallback ? (n === 1024 ? 1 : 4) : 20;
const gflops = (n: number, seconds: number) => 2 * n ** 3 * repsFor(n) / seconds / 1e9;

// Matrix products: ours (C = A B, the forward product).
const oursMatmul = new Map<number, number>();
const kernels = await Kernels.load(gpu.device, variant);
for (const n of SIZES) {
  const a = uploadBuffer(gpu.device, Float32Array.from(randomValues(n * n, 1)), "a");
  const b = uploadBuffer(gpu.device, Float32Array.from(randomValues(n * n, 2)), "b");
  const out = storageBuffer(gpu.device, n * n * 4, "out");
  const product = ops.matmul(kernels, "nn", { a, b, out, m: n, n, k: n });
  const seconds = await timed(async () => {
    ops.submitDispatches(gpu.device, Array(repsFor(n)).fill(product).flat());
    await gpu.device.queue.onSubmittedWorkDone();
  });
  oursMatmul.set(n, gflops(n, seconds));
}

/** Tokens per second of our engine's training step. */
async function oursTokensPerSecond(config: Model, batch: number, steps: number): Promise<number> {
  const engine = await createEngine(config, { seed: 1 });
  try {
    const data = randomBatch(batch, config.context, config.vocab, 1);
    const seconds = await timed(async () => {
      for (let i = 0; i < steps; i++) await engine.step(data, SETTINGS, i === steps - 1);
    });
    return steps * batch * config.context / seconds;
  } finally {
    engine.destroy();
  }
}

/** Tokens per second of the same model's training step in TensorFlow.js. */
async function tfjsTokensPerSecond(config: Model, batch: number, steps: number): Promise<number> {
  const { layers, width: c, heads, context: t, vocab } = config;
  const hd = c / heads;
  const normal = (shape: number[], std: number) => tf.variable(tf.randomNormal(shape, 0, std));
  const fill = (shape: number[], value: number) => tf.variable(tf.fill(shape, value));
  const wte = normal([vocab, c], 0.02);
  const wpe = normal([t, c], 0.02);
  const blocks = Array.from({ length: layers }, () => ({
    ln1: [fill([c], 1), fill([c], 0)],
    attn: [normal([c, 3 * c], 0.02), fill([3 * c], 0)],
    proj: [normal([c, c], 0.02 / Math.sqrt(2 * layers)), fill([c], 0)],
    ln2: [fill([c], 1), fill([c], 0)],
    fc: [normal([c, 4 * c], 0.02), fill([4 * c], 0)],
    out: [normal([4 * c, c], 0.02 / Math.sqrt(2 * layers)), fill([c], 0)],
  }));
  const lnf = [fill([c], 1), fill([c], 0)];
  const layerNorm = (x: tf.Tensor2D, [w, b]: tf.Variable[]) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), w), b) as tf.Tensor2D;
  };
  const linear = (x: tf.Tensor2D, [w, b]: tf.Variable[]) =>
    tf.add(tf.matMul(x, w as tf.Tensor2D), b) as tf.Tensor2D;
  const gelu = (x: tf.Tensor2D) =>
    tf.mul(
      tf.mul(x, 0.5),
      tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))),
    ) as tf.Tensor2D;
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9);
  const data = randomBatch(batch, t, vocab, 1).tokens;
  const inputs = tf.tensor2d(
    Int32Array.from({ length: batch * t }, (_, i) => data[Math.floor(i / t) * (t + 1) + i % t]),
    [batch, t],
    "int32",
  );
  const targets = tf.oneHot(
    tf.tensor1d(
      Int32Array.from({ length: batch * t }, (_, i) => data[Math.floor(i / t) * (t + 1) + i % t + 1]),
      "int32",
    ),
    vocab,
  );
  const loss = () => {
    let x = tf.reshape(tf.add(tf.gather(wte, inputs), wpe), [batch * t, c]) as tf.Tensor2D;
    for (const block of blocks) {
      const qkv = tf.transpose(
        tf.reshape(linear(layerNorm(x, block.ln1), block.attn), [batch, t, 3, heads, hd]),
        [2, 0, 3, 1, 4],
      );
      const [q, k, v] = tf.unstack(qkv) as tf.Tensor4D[];
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), mask);
      const y = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [
        batch * t,
        c,
      ]) as tf.Tensor2D;
      x = tf.add(x, linear(y, block.proj));
      x = tf.add(x, linear(gelu(linear(layerNorm(x, block.ln2), block.fc)), block.out));
    }
    const logits = tf.matMul(layerNorm(x, lnf), wte, false, true);
    return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
  };
  const optimizer = tf.train.adam(SETTINGS.lr, SETTINGS.beta1, SETTINGS.beta2, SETTINGS.eps);
  try {
    const seconds = await timed(async () => {
      for (let i = 0; i < steps; i++) {
        const value = optimizer.minimize(loss, true) as tf.Scalar;
        if (i === steps - 1) await value.data();
        value.dispose();
      }
    });
    return steps * batch * t / seconds;
  } finally {
    optimizer.dispose();
    tf.disposeVariables();
    tf.dispose([mask, inputs, targets]);
  }
}

const describe = (m: Model, batch: number) =>
  `${m.layers} layers, width ${m.width}, context ${m.context}, batch ${batch}`;
const steps = option("--steps") ?? (fallback ? 1 : 10);
const compareBatch = fallback ? 4 : REFERENCE_BATCH;
const after = `${steps} timed step${steps === 1 ? "" : "s"} after 1 warm-up`;

console.log("Matmul n x n x n, ours (GFLOP/s)");
for (const n of SIZES) console.log(`  ${n}: ${oursMatmul.get(n)!.toFixed(2)}`);

console.log(`\nTraining step, ours (${after})`);
const ours = await oursTokensPerSecond(REFERENCE, REFERENCE_BATCH, steps);
console.log(`  ${describe(REFERENCE, REFERENCE_BATCH)}: ${ours.toFixed(0)} tokens/s`);
const oursCompared = compareBatch === REFERENCE_BATCH
  ? ours
  : await oursTokensPerSecond(REFERENCE, compareBatch, steps);
if (compareBatch !== REFERENCE_BATCH) {
  console.log(`  ${describe(REFERENCE, compareBatch)}: ${oursCompared.toFixed(0)} tokens/s`);
}
for (const [config, batch] of SMALL) {
  const tokens = await oursTokensPerSecond(config, batch, fallback ? 5 : 20);
  console.log(`  ${describe(config, batch)}: ${tokens.toFixed(0)} tokens/s`);
}

if (!flag("--skip-tfjs")) {
  await tf.setBackend("webgpu");
  await tf.ready();
  console.log("\nMatmul n x n x n, TensorFlow.js WebGPU (GFLOP/s)");
  for (const n of SIZES) {
    const ta = tf.randomNormal([n, n]);
    const tb = tf.randomNormal([n, n]);
    const seconds = await timed(async () => {
      const results = Array.from({ length: repsFor(n) }, () => tf.matMul(ta, tb));
      await results[results.length - 1].data();
      tf.dispose(results);
    });
    tf.dispose([ta, tb]);
    const theirs = gflops(n, seconds);
    console.log(`  ${n}: ${theirs.toFixed(2)}  (ours / tfjs = ${(oursMatmul.get(n)! / theirs).toFixed(2)}x)`);
  }
  console.log(`\nTraining step, TensorFlow.js WebGPU (${after})`);
  const theirs = await tfjsTokensPerSecond(REFERENCE, compareBatch, steps);
  console.log(
    `  ${describe(REFERENCE, compareBatch)}: ${theirs.toFixed(0)} tokens/s  ` +
      `(ours / tfjs = ${(oursCompared / theirs).toFixed(2)}x)`,
  );
}
