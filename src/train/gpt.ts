/**
 * The GPT-2-shaped model trained on WebGPU: pre-LayerNorm blocks, learned positions, GELU (tanh
 * approximation), tied input/output embeddings, biases everywhere; weights in Hugging Face GPT-2 naming
 * and layout (Conv1D: y = x W + b), so they export to GPT2LMHeadModel.
 *
 * A step (forward, backward, global gradient-norm clipping, AdamW) is recorded into one command
 * submission; the loss is read back only when asked. Every reduction runs in a fixed order without float
 * atomics, so the same seed and batches give bit-identical weights. Optimizer: torch.optim.AdamW
 * semantics; weight decay applies to the 2-D weights only (wte, wpe and the c_attn / c_proj / c_fc
 * weights), not to biases or LayerNorm parameters, as in GPT-2 / nanoGPT; the plan's parameter groups
 * change the LR, weight decay, betas and eps of the parameters they select (gpu/param_groups.ts), one
 * AdamW dispatch per run of the flat buffer that shares its settings. Optimizer state tensors are
 * named `<weight>.exp_avg` and `<weight>.exp_avg_sq`, as torch calls them. An update with `emaDecay` then
 * updates the EMA of the weights (kernels/ema.wgsl, one dispatch over the flat parameter buffer) in the same
 * submission.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import type { Group, Model } from "../plan/schema.ts";
import type { Engine, HostTensor, TokenBatch, UpdateSettings } from "./engine.ts";
import { readBuffer, storageBuffer, uploadBuffer, writeArray } from "./gpu/buffers.ts";
import { checkedAllocation, describeAdapter, type GpuDevice, requestGpu } from "./gpu/device.ts";
import {
  type ActivationSet,
  activationSizes,
  allocateActivations,
  batchData,
  buildStepGraph,
  type StepGraph,
} from "./gpu/graph.ts";
import { chooseMatmul, Kernels, type MatmulVariant } from "./gpu/kernels.ts";
import * as ops from "./gpu/ops.ts";
import { encodeTime, type StepProfile, timeDispatches } from "./gpu/profile.ts";
import { initParams, parameterCount, type ParamLayout, paramLayout } from "./gpu/params.ts";
import { tensorSettings, type UpdateRun, updateRuns } from "./gpu/param_groups.ts";

/** Options of `createEngine`. */
export interface EngineOptions {
  /** Seed of the weight initialisation. */
  seed: number;
  /** A device to use instead of requesting the default adapter's. */
  device?: GPUDevice;
  /** Overrides the matmul variant chosen for the adapter (tests run both). */
  matmul?: MatmulVariant;
  /** The plan's parameter groups (default: none). */
  groups?: readonly Group[];
}

/**
 * Builds a GPT-2-shaped model with GPT-2 initialisation from `options.seed` on a WebGPU device.
 * Rejects, before any training, models that do not fit the adapter's buffer limits.
 *
 * @example
 * ```ts
 * const engine = await createEngine(
 *   { kind: "gpt", layers: 2, width: 64, heads: 2, context: 64, vocab: 256 },
 *   { seed: 1 },
 * );
 * const tokens = new Uint32Array(4 * 65).map((_, i) => i % 256);
 * const settings = { lr: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, clip: 1 };
 * const result = await engine.step({ batch: 4, context: 64, tokens }, settings, true);
 * console.log(result?.loss);
 * engine.destroy();
 * ```
 */
export async function createEngine(config: Model, options: EngineOptions): Promise<Engine> {
  return await GptEngine.create(config, options);
}

/** Checks that a model's sizes suit the kernels; throws a sentence naming the value otherwise. */
export function validateModel(config: Model): void {
  if (config.width % config.heads !== 0) {
    throw new InputError(`Model width '${config.width}' is not a multiple of its heads '${config.heads}'`);
  }
  if ((config.width / config.heads) % 4 !== 0) {
    throw new InputError(
      `Model head size '${config.width / config.heads}' (width / heads) is not a multiple of 4, ` +
        "which the WebGPU kernels need",
    );
  }
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/** Throws when a buffer of `bytes` would exceed the device's binding or buffer size limits. */
function checkLimits(device: GPUDevice, what: string, bytes: number): void {
  for (const limit of ["maxStorageBufferBindingSize", "maxBufferSize"] as const) {
    if (bytes > device.limits[limit]) {
      throw new InputError(
        `${what} needs a buffer of '${mib(bytes)}', more than this adapter's ${limit} ` +
          `('${mib(device.limits[limit])}'): use a smaller model or batch`,
      );
    }
  }
}

/**
 * Batch shapes whose step graphs stay built: the training batch and the evaluation batch (which often
 * differ). Their activations live in one buffer set per context length, sized for the next power of two
 * of the largest batch seen (`batchCapacity`): a batch ramp reuses it until the batch outgrows it, then
 * destroys it (and drops the graphs built on it) before allocating the next, so that a ramp needs about
 * the memory of its largest batch and allocates only a few sets.
 */
const MAX_GRAPHS = 2;

/** The sequences an activation set is sized for when a batch of `batch` needs a new one. */
export function batchCapacity(batch: number): number {
  return 2 ** Math.ceil(Math.log2(batch));
}

/** How many submitted steps may be queued before `step` waits for the oldest to finish. */
const MAX_IN_FLIGHT = 2;

/** The EMA of the weights on the device: its buffer, its settings uniform and its dispatch. */
interface EmaBuffers {
  buffer: GPUBuffer;
  settings: GPUBuffer;
  update: ops.Dispatch;
}

/** The WebGPU engine; `createEngine` returns one. Tests also use `readGradients`. */
export class GptEngine implements Engine {
  readonly adapter: string;
  readonly layout: ParamLayout;
  #kernels: Kernels;
  #params: GPUBuffer;
  #grads: GPUBuffer;
  #m: GPUBuffer;
  #v: GPUBuffer;
  #partials: GPUBuffer;
  /** The mean loss (when read) and the global gradient norm of the last step. */
  #loss: GPUBuffer;
  #norm: GPUBuffer;
  /** The runs of the flat buffer that share their AdamW settings, each with its settings uniform. */
  #runs: { run: UpdateRun; settings: GPUBuffer }[];
  #update: ops.Dispatch[];
  /** The EMA of the weights, its settings and its dispatch, allocated on first use. */
  #ema: EmaBuffers | null = null;
  /** Step graphs by batch shape, most recently used last. */
  #graphs = new Map<string, StepGraph>();
  /** Activation sets by context length (positions per sequence). */
  #sets = new Map<number, ActivationSet>();
  #updates = 0;
  #inFlight: Promise<unknown>[] = [];
  /** Why the device was lost, once it is. */
  #lost: string | null = null;

  private constructor(
    readonly config: Model,
    gpu: GpuDevice,
    kernels: Kernels,
    seed: number,
    groups: readonly Group[],
  ) {
    const device = gpu.device;
    this.adapter = gpu.description;
    this.#kernels = kernels;
    this.layout = paramLayout(config);
    const bytes = this.layout.total * 4;
    this.#params = uploadBuffer(device, initParams(this.layout, seed), "parameters");
    this.#grads = storageBuffer(device, bytes, "gradients");
    this.#m = storageBuffer(device, bytes, "adam m");
    this.#v = storageBuffer(device, bytes, "adam v");
    this.#partials = storageBuffer(device, ops.NORM_PARTS * 4, "norm partials");
    this.#loss = storageBuffer(device, 4, "loss");
    this.#norm = storageBuffer(device, 4, "gradient norm");
    this.#runs = updateRuns(this.layout, groups).map((run) => ({
      run,
      settings: device.createBuffer({
        label: "adamw settings",
        size: ops.ADAMW_SETTINGS_FIELDS * 4,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
    }));
    const count = this.layout.total;
    const range = (buffer: GPUBuffer, run: UpdateRun) => ({
      buffer,
      offset: run.start * 4,
      size: (run.end - run.start) * 4,
    });
    this.#update = [
      ...ops.gradNorm(kernels, { grads: this.#grads, partials: this.#partials, norm: this.#norm, count }),
      ...this.#runs.map(({ run, settings }) =>
        ops.adamw(kernels, {
          settings,
          params: range(this.#params, run),
          grads: range(this.#grads, run),
          m: range(this.#m, run),
          v: range(this.#v, run),
          norm: this.#norm,
          count: run.end - run.start,
        })
      ),
    ];
  }

  /** Creates an engine (see `createEngine`). */
  static async create(config: Model, options: EngineOptions): Promise<GptEngine> {
    validateModel(config);
    const gpu: GpuDevice = options.device
      ? {
        device: options.device,
        description: describeAdapter(options.device.adapterInfo),
        isFallback: /llvmpipe|swiftshader/i.test(options.device.adapterInfo?.description ?? ""),
      }
      : await requestGpu();
    const layout = paramLayout(config);
    checkLimits(
      gpu.device,
      `Model with '${parameterCount(config)}' parameters (${config.layers} layers, width ${config.width})`,
      layout.total * 4,
    );
    const kernels = await Kernels.load(gpu.device, options.matmul ?? chooseMatmul(gpu.isFallback));
    const engine = await checkedAllocation(
      gpu.device,
      `the weights and optimizer state of '${parameterCount(config)}' parameters`,
      () => new GptEngine(config, gpu, kernels, options.seed, options.groups ?? []),
    );
    gpu.device.lost.then((info) =>
      engine.#lost = `the WebGPU device was lost ('${info.message || info.reason}')`
    );
    return engine;
  }

  /** The batch shapes ("sequences x positions") whose activations are allocated, oldest first. */
  get batchShapes(): string[] {
    return [...this.#graphs.keys()];
  }

  /** The activation sets allocated ("capacity x positions"), one per context length in use. */
  get activationSets(): string[] {
    return [...this.#sets.values()].map((set) => `${set.batch}x${set.seq}`);
  }

  /** The matmul variant in use. */
  get matmul(): MatmulVariant {
    return this.#kernels.matmul;
  }

  #device(): GPUDevice {
    return this.#kernels.device;
  }

  async #graphFor(batch: TokenBatch): Promise<StepGraph> {
    if (this.#lost !== null) {
      throw new Error(`This engine cannot run: ${this.#lost}; create a new engine`);
    }
    const { context, vocab } = this.config;
    if (!Number.isInteger(batch.batch) || batch.batch < 1) {
      throw new Error(`Batch size '${batch.batch}' is not a positive integer`);
    }
    if (!Number.isInteger(batch.context) || batch.context < 1 || batch.context > context) {
      throw new Error(
        `Batch context '${batch.context}' is not between 1 and the model's context '${context}'`,
      );
    }
    const expected = batch.batch * (batch.context + 1);
    if (batch.tokens.length !== expected) {
      throw new Error(
        `Batch holds '${batch.tokens.length}' tokens, expected '${expected}' (${batch.batch} x (${batch.context} + 1))`,
      );
    }
    for (const token of batch.tokens) {
      if (token >= vocab) {
        throw new Error(`Token id '${token}' is outside the model's vocabulary of '${vocab}'`);
      }
    }
    const key = `${batch.batch}x${batch.context}`;
    let graph = this.#graphs.get(key);
    if (graph) {
      this.#graphs.delete(key);
    } else {
      const set = await this.#activationsFor(batch.batch, batch.context);
      if (this.#graphs.size >= MAX_GRAPHS) {
        const [oldKey, old] = this.#graphs.entries().next().value!;
        this.#graphs.delete(oldKey);
        if (old.activations !== set) await this.#releaseUnused(old.activations);
      }
      graph = buildStepGraph(
        this.#kernels,
        this.config,
        this.layout,
        this.#params,
        this.#grads,
        this.#loss,
        batch.batch,
        batch.context,
        set,
      );
    }
    this.#graphs.set(key, graph);
    const data = batchData(graph, batch.tokens, this.layout.vocabRows);
    writeArray(this.#device(), graph.batchBuffer, 0, data);
    return graph;
  }

  /**
   * The activation set for `batch` sequences of `seq` positions: the context's set when it holds the
   * batch, else a larger one (the power of two, or the batch itself where that exceeds the adapter's
   * limits), allocated after the outgrown set and the graphs built on it are released.
   */
  async #activationsFor(batch: number, seq: number): Promise<ActivationSet> {
    const current = this.#sets.get(seq);
    if (current && current.batch >= batch) return current;
    const fits = (n: number) =>
      Object.values(activationSizes(this.config, this.layout.vocabRows, n, seq)).every((bytes) =>
        bytes <= this.#device().limits.maxStorageBufferBindingSize &&
        bytes <= this.#device().limits.maxBufferSize
      );
    const capacity = fits(batchCapacity(batch)) ? batchCapacity(batch) : batch;
    const sizes = activationSizes(this.config, this.layout.vocabRows, capacity, seq);
    for (const [what, bytes] of Object.entries(sizes)) {
      checkLimits(this.#device(), `A batch of ${batch} x ${seq} tokens (${what})`, bytes);
    }
    if (current) {
      for (const [key, graph] of this.#graphs) {
        if (graph.activations === current) this.#graphs.delete(key);
      }
      await this.#releaseUnused(current);
    }
    const set = await checkedAllocation(
      this.#device(),
      `activations for a batch of ${batch} x ${seq} tokens`,
      () => allocateActivations(this.#device(), this.config, this.layout.vocabRows, capacity, seq),
    );
    this.#sets.set(seq, set);
    return set;
  }

  /**
   * Destroys an activation set no kept graph uses, once the work queued on it is done, instead of leaving
   * it to garbage collection (which kept every shape of a ramp alive: 3.35 GB for a 1 -> 64 ramp where a
   * constant batch of 64 needs 475 MB).
   */
  async #releaseUnused(set: ActivationSet): Promise<void> {
    for (const graph of this.#graphs.values()) if (graph.activations === set) return;
    if (this.#sets.get(set.seq) === set) this.#sets.delete(set.seq);
    await this.#device().queue.onSubmittedWorkDone();
    this.#inFlight = [];
    for (const buffer of set.buffers) buffer.destroy();
    set.buffers.length = 0;
  }

  async #throttle(): Promise<void> {
    this.#inFlight.push(this.#device().queue.onSubmittedWorkDone());
    while (this.#inFlight.length > MAX_IN_FLIGHT) await this.#inFlight.shift();
  }

  /** Submits dispatches (after clearing `clear`), reading back [loss, gradient norm] when `read`. */
  async #submit(
    dispatches: ops.Dispatch[],
    clear: GPUBuffer | null,
    read: boolean,
  ): Promise<Float32Array | null> {
    const device = this.#device();
    const encoder = device.createCommandEncoder();
    if (clear) encoder.clearBuffer(clear);
    const pass = encoder.beginComputePass();
    ops.encodeDispatches(pass, dispatches);
    pass.end();
    let staging: GPUBuffer | null = null;
    if (read) {
      staging = device.createBuffer({ size: 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      encoder.copyBufferToBuffer(this.#loss, 0, staging, 0, 4);
      encoder.copyBufferToBuffer(this.#norm, 0, staging, 4, 4);
    }
    device.queue.submit([encoder.finish()]);
    if (!staging) {
      await this.#throttle();
      return null;
    }
    await staging.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    this.#inFlight = [];
    return values;
  }

  /** Prepares an update (batch and settings written) and returns its dispatches and the buffer to clear. */
  async #prepareStep(
    batch: TokenBatch,
    settings: UpdateSettings,
    readLoss: boolean,
  ): Promise<{ dispatches: ops.Dispatch[]; clear: GPUBuffer }> {
    const graph = await this.#graphFor(batch);
    this.#updates += 1;
    for (const { run, settings: uniform } of this.#runs) {
      const count = run.end - run.start;
      const data = ops.adamwSettings({
        ...tensorSettings(settings, run),
        step: this.#updates,
        count,
        decayEnd: run.decays ? count : 0,
      });
      this.#device().queue.writeBuffer(uniform, 0, data);
    }
    const dispatches = [
      ...graph.forward,
      ...(readLoss ? [graph.loss] : []),
      ...graph.backward,
      ...this.#update,
      ...(settings.emaDecay === undefined ? [] : [this.#emaUpdate(settings.emaDecay)]),
    ];
    return { dispatches, clear: graph.residualGrad.buffer };
  }

  async step(
    batch: TokenBatch,
    settings: UpdateSettings,
    readLoss: boolean,
  ): Promise<{ loss: number; gradNorm: number } | null> {
    const { dispatches, clear } = await this.#prepareStep(batch, settings, readLoss);
    const values = await this.#submit(dispatches, clear, readLoss);
    return values && { loss: values[0], gradNorm: values[1] };
  }

  /**
   * Runs one update (as `step` without reading the loss) with every dispatch timed, for benchmarks; see
   * `timeDispatches`. The update is applied like any other. Also times the host's part of a step.
   */
  async profileStep(batch: TokenBatch, settings: UpdateSettings): Promise<StepProfile> {
    await this.#device().queue.onSubmittedWorkDone();
    this.#inFlight = [];
    const start = performance.now();
    const { dispatches, clear } = await this.#prepareStep(batch, settings, false);
    const prepareMs = performance.now() - start;
    const encodeMs = encodeTime(this.#device(), dispatches, clear);
    return { dispatches: await timeDispatches(this.#device(), dispatches, clear), prepareMs, encodeMs };
  }

  async evaluate(batch: TokenBatch): Promise<number> {
    const graph = await this.#graphFor(batch);
    const values = await this.#submit([...graph.forward, graph.loss], null, true);
    return (values as Float32Array)[0];
  }

  /** Reads the slots of a flat buffer as host tensors named `name + suffix`. */
  async #readSlots(buffer: GPUBuffer, suffix = ""): Promise<HostTensor[]> {
    const all = new Float32Array(await readBuffer(this.#device(), buffer));
    return this.layout.slots.map((slot) => {
      const n = slot.shape.reduce((a, b) => a * b, 1);
      return {
        name: slot.name + suffix,
        shape: [...slot.shape],
        data: all.slice(slot.offset, slot.offset + n),
      };
    });
  }

  /** Writes host tensors named `name + suffix` into their slots of a flat buffer. */
  #writeSlots(buffer: GPUBuffer, tensors: HostTensor[], suffix = ""): void {
    const slots = new Map(this.layout.slots.map((s) => [s.name + suffix, s]));
    for (const tensor of tensors) {
      const slot = slots.get(tensor.name);
      if (!slot) throw new Error(`Tensor '${tensor.name}' is not part of this model`);
      if (tensor.shape.join(",") !== slot.shape.join(",")) {
        throw new Error(
          `Tensor '${tensor.name}' has shape '[${tensor.shape}]', the model expects '[${slot.shape}]'`,
        );
      }
      const n = slot.shape.reduce((a, b) => a * b, 1);
      if (tensor.data.length !== n) {
        throw new Error(
          `Tensor '${tensor.name}' holds '${tensor.data.length}' values, its shape needs '${n}'`,
        );
      }
      writeArray(this.#device(), buffer, slot.offset * 4, tensor.data);
    }
  }

  readWeights(): Promise<HostTensor[]> {
    return this.#readSlots(this.#params);
  }

  async writeWeights(tensors: HostTensor[]): Promise<void> {
    this.#writeSlots(this.#params, tensors);
    await this.#device().queue.onSubmittedWorkDone();
  }

  /** The gradients of the last step, before clipping, in the weights' naming (for tests). */
  readGradients(): Promise<HostTensor[]> {
    return this.#readSlots(this.#grads);
  }

  async readOptimizerState(): Promise<{ step: number; tensors: HostTensor[] }> {
    return {
      step: this.#updates,
      tensors: [
        ...await this.#readSlots(this.#m, ".exp_avg"),
        ...await this.#readSlots(this.#v, ".exp_avg_sq"),
      ],
    };
  }

  async writeOptimizerState(state: { step: number; tensors: HostTensor[] }): Promise<void> {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`Optimizer step '${state.step}' is not a non-negative integer`);
    }
    this.#writeSlots(this.#m, state.tensors.filter((t) => t.name.endsWith(".exp_avg")), ".exp_avg");
    this.#writeSlots(this.#v, state.tensors.filter((t) => t.name.endsWith(".exp_avg_sq")), ".exp_avg_sq");
    this.#updates = state.step;
    await this.#device().queue.onSubmittedWorkDone();
  }

  /** The EMA's buffers, allocated (zeroed) on first use. */
  #emaState(): EmaBuffers {
    if (!this.#ema) {
      const device = this.#device();
      const buffer = storageBuffer(device, this.layout.total * 4, "ema");
      const settings = device.createBuffer({
        label: "ema settings",
        size: ops.EMA_SETTINGS_FIELDS * 4,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      const update = ops.ema(this.#kernels, {
        settings,
        params: this.#params,
        ema: buffer,
        count: this.layout.total,
      });
      this.#ema = { buffer, settings, update };
    }
    return this.#ema;
  }

  /** The EMA's dispatch for an update of decay `decay` (its settings written). */
  #emaUpdate(decay: number): ops.Dispatch {
    const ema = this.#emaState();
    this.#device().queue.writeBuffer(ema.settings, 0, ops.emaSettings({ decay, count: this.layout.total }));
    return ema.update;
  }

  async readEma(): Promise<HostTensor[] | null> {
    return this.#ema && await this.#readSlots(this.#ema.buffer);
  }

  async writeEma(tensors: HostTensor[]): Promise<void> {
    this.#writeSlots(this.#emaState().buffer, tensors);
    await this.#device().queue.onSubmittedWorkDone();
  }

  /**
   * Releases the engine; its buffers are freed when it is garbage-collected. (With Deno 2.9, explicit
   * `GPUBuffer.destroy()` and `GPUDevice.destroy()` calls made about one test process in five abort at
   * exit with "double free or corruption".) The device is the process's shared one (`requestGpu`).
   */
  destroy(): void {
    this.#graphs.clear();
    this.#sets.clear();
    this.#lost = "the engine was destroyed";
  }
}
