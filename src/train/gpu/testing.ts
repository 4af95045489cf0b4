/**
 * Helpers for the kernel and model tests: a device with the kernels loaded, random inputs, running
 * dispatches and comparing GPU results with float64 references.
 * @module
 */
import type { Model } from "../../plan/schema.ts";
import type { HostTensor, TokenBatch } from "../engine.ts";
import { readFloats, storageBuffer, uploadBuffer } from "./buffers.ts";
import { requestGpu } from "./device.ts";
import { Kernels, type MatmulVariant } from "./kernels.ts";
import { type Dispatch, submitDispatches } from "./ops.ts";
import { paramLayout } from "./params.ts";
import { Rng } from "./rng.ts";

/** A device with loaded kernels, and shorthands to move data and run dispatches. */
export interface KernelBench {
  kernels: Kernels;
  device: GPUDevice;
  /** A storage buffer holding the values (as float32, or u32 for a Uint32Array). */
  upload(data: ArrayLike<number> | Uint32Array): GPUBuffer;
  /** A zeroed storage buffer of `count` floats. */
  zeros(count: number): GPUBuffer;
  /** Submits dispatches in one command buffer. */
  run(dispatches: Dispatch | Dispatch[]): void;
  /** The first `count` floats of a buffer. */
  read(buffer: GPUBuffer, count: number): Promise<Float32Array>;
}

/**
 * Loads the kernels with a matmul variant on the process's device (`requestGpu`). Buffers are left to the
 * garbage collector (see `GptEngine.destroy`).
 *
 * @example
 * ```ts
 * const bench = await kernelBench("block");
 * const x = bench.upload([1, 2, 3, 4]);
 * console.log(await bench.read(x, 4));
 * ```
 */
export async function kernelBench(matmul: MatmulVariant = "block"): Promise<KernelBench> {
  const { device } = await requestGpu();
  const kernels = await Kernels.load(device, matmul);
  return {
    kernels,
    device,
    upload: (data) =>
      uploadBuffer(
        device,
        data instanceof Uint32Array ? data : Float32Array.from(data as ArrayLike<number>),
        "test",
      ),
    zeros: (count) => storageBuffer(device, count * 4, "test"),
    run: (dispatches) => submitDispatches(device, Array.isArray(dispatches) ? dispatches : [dispatches]),
    read: async (buffer, count) => (await readFloats(device, buffer)).slice(0, count),
  };
}

/** `count` normal samples times `scale`, from a seeded generator. */
export function randomValues(count: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: count }, () => scale * rng.normal());
}

/** The values rounded to float32 and back, so that references see exactly what the GPU sees. */
export function asFloat32(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(values));
}

/**
 * Throws unless every |actual - expected| <= tolerance * max(1e-3, max |expected|): an error relative to
 * the largest expected magnitude, which is what float32 rounding of sums produces.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: '${actual.length}' values, expected '${expected.length}'`);
  }
  let scale = 1e-3;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (Number.isNaN(error) || error > worst) [worst, at] = [Number.isNaN(error) ? Infinity : error, i];
  }
  if (!(worst <= tolerance * scale)) {
    throw new Error(
      `${what}: element ${at} is '${actual[at]}', expected '${expected[at]}' (error ${
        worst.toExponential(2)
      } > ` +
        `${tolerance} x ${scale.toExponential(2)})`,
    );
  }
}

/**
 * Random weights for every tensor of a model, by name: normal(0, 0.5) for every entry, LayerNorm weights
 * around 1, rounded to float32, so that every gradient path carries signal in the model tests.
 */
export function randomWeights(config: Model, seed: number): Map<string, Float64Array> {
  const weights = new Map<string, Float64Array>();
  paramLayout(config).slots.forEach((slot, i) => {
    const n = slot.shape.reduce((a, b) => a * b, 1);
    const values = randomValues(n, seed * 1000 + i, 0.5);
    weights.set(
      slot.name,
      asFloat32(
        /ln_\d|ln_f/.test(slot.name) && slot.name.endsWith("weight") ? values.map((v) => 1 + v) : values,
      ),
    );
  });
  return weights;
}

/** Host tensors (float32) of named weights, for `Engine.writeWeights`. */
export function toHostTensors(config: Model, weights: Map<string, Float64Array>): HostTensor[] {
  return paramLayout(config).slots.map((slot) => ({
    name: slot.name,
    shape: slot.shape,
    data: Float32Array.from(weights.get(slot.name)!),
  }));
}

/** A batch of `batch` rows of `seq + 1` pseudo-random token ids below `vocab`. */
export function randomBatch(batch: number, seq: number, vocab: number, seed: number): TokenBatch {
  const rng = new Rng(seed);
  const tokens = Uint32Array.from({ length: batch * (seq + 1) }, () => Math.floor(rng.uniform() * vocab));
  return { batch, context: seq, tokens };
}
