/**
 * The TensorFlow.js (WebGPU backend) side of `deno task bench:gpu --tfjs`: the engine's model written with
 * tfjs ops and trained with tf.train.adam through `optimizer.minimize` (tfjs has no AdamW and no global-norm
 * clipping: it does slightly less work), and tfjs matrix products. Imported only with --tfjs: after tfjs
 * runs, this process's WebGPU adapter misbehaves on llvmpipe, so it runs last.
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import "npm:@tensorflow/tfjs-backend-webgpu@4.22.0";
import type { Model } from "../src/plan/schema.ts";
import { randomBatch } from "../src/train/gpu/testing.ts";

const SETTINGS = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8 };

/** Selects tfjs's WebGPU backend. */
export async function useTfjsWebGpu(): Promise<void> {
  await tf.setBackend("webgpu");
  await tf.ready();
}

/** Seconds taken by `run`, after one untimed warm-up call. */
async function timed(run: () => Promise<void>): Promise<number> {
  await run();
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

/** GFLOP/s of `reps` tfjs n x n x n products. */
export async function tfjsMatmulGflops(n: number, reps: number): Promise<number> {
  const ta = tf.randomNormal([n, n]);
  const tb = tf.randomNormal([n, n]);
  const seconds = await timed(async () => {
    const results = Array.from({ length: reps }, () => tf.matMul(ta, tb));
    await results[results.length - 1].data();
    tf.dispose(results);
  });
  tf.dispose([ta, tb]);
  return 2 * n ** 3 * reps / seconds / 1e9;
}

/** Tokens per second of the same model's training step in TensorFlow.js. */
export async function tfjsTokensPerSecond(config: Model, batch: number, steps: number): Promise<number> {
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
