/**
 * One builder per kernel entry point: each binds buffers and sizes to a pipeline and returns a
 * `Dispatch` that can be recorded into any compute pass. Sizes are fixed when the dispatch is built.
 * @module
 */
import type { UpdateSettings } from "../engine.ts";
import { type Binding, uniformBuffer } from "./buffers.ts";
import type { KernelFile, Kernels } from "./kernels.ts";

/** One recorded kernel launch. */
export interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  /** Workgroups in x and y (and z, 1 when absent). */
  workgroups: [number, number] | [number, number, number];
}

/** Records dispatches, in order, into a compute pass. */
export function encodeDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  for (const { pipeline, bindGroup, workgroups } of dispatches) {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2] ?? 1);
  }
}

/** Submits dispatches as one command buffer. */
export function submitDispatches(device: GPUDevice, dispatches: readonly Dispatch[]): void {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  encodeDispatches(pass, dispatches);
  pass.end();
  device.queue.submit([encoder.finish()]);
}

const MAX_GROUPS = 65535;

/** Workgroups covering `invocations` at `perGroup` each, folded into y beyond the 65535 limit of x. */
function grid(invocations: number, perGroup = 64): [number, number] {
  const groups = Math.max(1, Math.ceil(invocations / perGroup));
  const x = Math.min(groups, MAX_GROUPS);
  return [x, Math.ceil(groups / x)];
}

function dispatch(
  kernels: Kernels,
  file: KernelFile,
  entry: string,
  bindings: Record<number, Binding>,
  workgroups: Dispatch["workgroups"],
  constants: Record<string, number> = {},
): Dispatch {
  const pipeline = kernels.pipeline(file, entry, constants);
  const entries = Object.entries(bindings).map(([binding, resource]) => ({
    binding: Number(binding),
    resource: resource instanceof GPUBuffer ? { buffer: resource } : resource,
  }));
  const bindGroup = kernels.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  return { pipeline, bindGroup, workgroups };
}

/** Which operands are stored transposed: nn (x W), nt (x W^T) or tn (x^T W). */
export type MatmulKind = "nn" | "nt" | "tn";

/**
 * out[m, n] = A'[m, k] B'[k, n] (+ bias[n]) (+ residual[m, n], added last: a residual connection fused
 * into the product), and activated[m, n] = gelu(out) when given (GELU fused into the product); A is
 * stored [m, k] (or [k, m] for "tn"), B [k, n] (or [n, k] for "nt"). m, n and k are multiples of 4. Uses
 * the kernels' variant; the block variant splits a long k into chunks and adds a reduction dispatch.
 */
export function matmul(
  kernels: Kernels,
  kind: MatmulKind,
  o: {
    a: Binding;
    b: Binding;
    bias?: Binding;
    residual?: Binding;
    out: Binding;
    activated?: Binding;
    m: number;
    n: number;
    k: number;
  },
): Dispatch[] {
  const bindings = {
    1: o.a,
    2: o.b,
    3: o.bias ?? kernels.placeholder,
    4: o.out,
    6: o.residual ?? kernels.placeholder,
    7: o.activated ?? o.out,
  };
  const flags = [o.bias, o.residual, o.activated].map((given) => given ? 1 : 0);
  if (kernels.matmul === "tiled") {
    const dims = uniformBuffer(kernels.device, [o.m, o.n, o.k, ...flags, 0, 0]);
    const groups: [number, number] = [Math.ceil(o.n / TILE), Math.ceil(o.m / TILE)];
    return [dispatch(kernels, "matmul_tiled", kind, { 0: dims, ...bindings }, groups)];
  }
  const kChunk = Math.ceil(o.k / splitK(o.m, o.n, o.k) / 4) * 4;
  const chunks = Math.ceil(o.k / kChunk);
  const dims = uniformBuffer(kernels.device, [o.m, o.n, o.k, 0, kChunk, chunks, 0, 0]);
  const partial = chunks > 1 ? kernels.scratch(chunks * o.m * o.n) : o.out;
  const shape = blockWorkgroup(o.m, o.n);
  const groups: [number, number, number] = [
    Math.ceil(o.n / (shape.WG_X * BLOCK_COLS)),
    Math.ceil(o.m / (shape.WG_Y * BLOCK_ROWS)),
    chunks,
  ];
  const epilogue = { HAS_BIAS: flags[0], HAS_RESIDUAL: flags[1], HAS_GELU: flags[2] };
  const productConstants = { ...shape, ...epilogue, SPLIT: chunks > 1 ? 1 : 0 };
  const productBindings = { 0: dims, ...bindings, 5: partial };
  const product = dispatch(kernels, "matmul_block", kind, productBindings, groups, productConstants);
  if (chunks === 1) return [product];
  const reduceBindings = { 0: dims, 3: bindings[3], 4: o.out, 5: partial, 6: bindings[6], 7: bindings[7] };
  return [
    product,
    dispatch(kernels, "matmul_block", "reduce", reduceBindings, grid(o.m * o.n / 4), epilogue),
  ];
}

/** Output rows and columns one workgroup of the tiled variant computes (TILE in matmul_tiled.wgsl). */
const TILE = 128;

/** Output rows and columns one block-matmul invocation computes (ROWS and 4 COLS4 in matmul_block.wgsl). */
const BLOCK_ROWS = 32;
const BLOCK_COLS = 16;

/** Powers of two from 1 up to `limit` (a power of two), the smallest at least `n`. */
const pow2AtLeast = (n: number, limit: number) => Math.min(limit, 2 ** Math.ceil(Math.log2(Math.max(1, n))));

/**
 * The block matmul's workgroup shape for an m x n output: 8x8 invocations, fewer rows or columns of them
 * where the output has fewer blocks (a 64-wide output would leave half of an 8-wide row idle).
 */
function blockWorkgroup(m: number, n: number): { WG_X: number; WG_Y: number } {
  const rows = pow2AtLeast(Math.ceil(m / BLOCK_ROWS), 8);
  const cols = pow2AtLeast(Math.ceil(n / BLOCK_COLS), 64 / rows);
  return { WG_X: cols, WG_Y: rows };
}

/** Inner-dimension floats one block-matmul pass streams; longer inner dimensions are split. */
const K_CHUNK = 256;
/** Bytes of partial products a split matmul may use. */
const SPLIT_BUDGET = 64 * 1024 * 1024;

/** How many chunks the block matmul splits an inner dimension of k into (1: no split). */
function splitK(m: number, n: number, k: number): number {
  const wanted = Math.ceil(k / K_CHUNK);
  return Math.max(1, Math.min(wanted, Math.floor(SPLIT_BUDGET / (m * n * 4))));
}

/** db[n] = sum over rows of dy[row, n]; cols is a multiple of 4. */
export function biasBackward(
  kernels: Kernels,
  o: { dy: Binding; db: Binding; rows: number; cols: number },
): Dispatch {
  const dims = uniformBuffer(kernels.device, [o.rows, o.cols, 0, 0]);
  return dispatch(kernels, "bias", "backward", { 0: dims, 1: o.dy, 2: o.db }, grid(o.cols / 4));
}

/** y = LayerNorm(x) * weight + bias per row; stats receives [mean, rstd] per row. */
export function layerNormForward(
  kernels: Kernels,
  o: { x: Binding; weight: Binding; bias: Binding; y: Binding; stats: Binding; rows: number; width: number },
): Dispatch {
  const dims = uniformBuffer(kernels.device, [o.rows, o.width, 0, 0]);
  const bindings = { 0: dims, 1: o.x, 2: o.weight, 3: o.bias, 4: o.y, 5: o.stats };
  return dispatch(kernels, "layernorm", "forward", bindings, grid(o.rows));
}

/** dx += dLayerNorm/dx given dy (accumulates into the residual stream's gradient). */
export function layerNormBackwardInput(
  kernels: Kernels,
  o: { x: Binding; weight: Binding; stats: Binding; dy: Binding; dx: Binding; rows: number; width: number },
): Dispatch {
  const dims = uniformBuffer(kernels.device, [o.rows, o.width, 0, 0]);
  const bindings = { 0: dims, 1: o.x, 2: o.weight, 5: o.stats, 6: o.dy, 7: o.dx };
  return dispatch(kernels, "layernorm", "backward_input", bindings, grid(o.rows));
}

/** dweight and dbias of a LayerNorm (overwritten). */
export function layerNormBackwardParams(
  kernels: Kernels,
  o: {
    x: Binding;
    stats: Binding;
    dy: Binding;
    dweight: Binding;
    dbias: Binding;
    rows: number;
    width: number;
  },
): Dispatch {
  const dims = uniformBuffer(kernels.device, [o.rows, o.width, 0, 0]);
  const bindings = { 0: dims, 1: o.x, 5: o.stats, 6: o.dy, 8: o.dweight, 9: o.dbias };
  return dispatch(kernels, "layernorm", "backward_params", bindings, grid(o.width / 4));
}

/** grad = grad * gelu'(x), in place, over `count` elements (a multiple of 4). */
export function geluBackward(kernels: Kernels, o: { x: Binding; grad: Binding; count: number }): Dispatch {
  const dims = uniformBuffer(kernels.device, [o.count / 4, 0, 0, 0]);
  return dispatch(kernels, "gelu", "backward", { 0: dims, 1: o.x, 3: o.grad }, grid(o.count / 4));
}

/** Sizes of an attention call: `width` = heads * head_dim, head_dim a multiple of 4. */
export interface AttentionSizes {
  batch: number;
  seq: number;
  heads: number;
  width: number;
}

/**
 * The buffers attention reads and writes: qkv [rows, 3 width], probs and dscores [batch, heads, seq,
 * scoreStride(seq)], y and dy [rows, width], dqkv [rows, 3 width]. Forward writes probs; backward writes
 * dscores and dqkv.
 */
export interface AttentionBuffers {
  qkv: Binding;
  probs: Binding;
  y: Binding;
  dy: Binding;
  dscores: Binding;
  dqkv: Binding;
}

/**
 * Where a row operand's head rows are (`x_rows`, `z_rows`, `out_rows` in attention.wgsl): a part of qkv,
 * or the rows of dy or y.
 */
type RowLayout = "q" | "k" | "v" | "rows";

/** The bindings and uniform of one attention pass: row operands x and z, weights, output rows. */
interface AttentionPass {
  entry: "scores" | "softmax" | "softmax_backward" | "mix" | "mix_transposed";
  bindings: Record<number, Binding>;
  layouts?: { x?: RowLayout; z?: RowLayout; out?: RowLayout };
  scale?: number;
}

/**
 * Floats from one row of attention scores to the next: seq rounded up to a multiple of 4, so that the
 * kernels read rows as aligned vec4s.
 *
 * @example
 * ```ts
 * console.log(scoreStride(70)); // 72
 * ```
 */
export function scoreStride(seq: number): number {
  return Math.ceil(seq / 4) * 4;
}

/** The dispatch of one pass of attention's block and row kernels (see attention.wgsl). */
function attentionDispatch(kernels: Kernels, o: AttentionSizes, pass: AttentionPass): Dispatch {
  const headDim = o.width / o.heads;
  const rows = (layout: RowLayout | undefined) =>
    layout === undefined || layout === "rows"
      ? [o.width / 4, 0]
      : [3 * o.width / 4, ["q", "k", "v"].indexOf(layout) * o.width / 4];
  const { x, z, out } = pass.layouts ?? {};
  const stride = scoreStride(o.seq);
  const dims = uniformBuffer(
    kernels.device,
    [
      o.batch,
      o.seq,
      o.heads,
      headDim,
      o.width,
      pass.scale ?? 1,
      ...rows(x),
      ...rows(z),
      ...rows(out),
      stride,
    ],
    [5],
  );
  // Workgroups of 8 x 8 blocks: scores 8 keys x 16 queries each, mix 16 positions x 16 columns.
  const groups = (size: number, block: number) => Math.ceil(size / block / 8);
  const workgroups: Dispatch["workgroups"] = pass.entry.startsWith("softmax")
    ? grid(o.batch * o.heads * o.seq)
    : pass.entry === "scores"
    ? [groups(o.seq, 8), groups(o.seq, 16), o.batch * o.heads]
    : [groups(o.seq, 16), groups(headDim, 16), o.batch * o.heads];
  return dispatch(kernels, "attention", pass.entry, { 0: dims, ...pass.bindings }, workgroups);
}

/** Causal attention forward: probs = softmax(q k^T / sqrt(head_dim)), y = probs v. */
export function attentionForward(kernels: Kernels, o: AttentionSizes & AttentionBuffers): Dispatch[] {
  const scale = 1 / Math.sqrt(o.width / o.heads);
  const passes: AttentionPass[] = [
    { entry: "scores", bindings: { 1: o.qkv, 3: o.probs, 4: o.qkv }, layouts: { x: "q", z: "k" }, scale },
    { entry: "softmax", bindings: { 3: o.probs } },
    { entry: "mix", bindings: { 3: o.probs, 4: o.qkv, 6: o.y }, layouts: { z: "v", out: "rows" } },
  ];
  return passes.map((pass) => attentionDispatch(kernels, o, pass));
}

/** Attention backward from dy and the forward's probs: writes all of dqkv. */
export function attentionBackward(kernels: Kernels, o: AttentionSizes & AttentionBuffers): Dispatch[] {
  const scale = 1 / Math.sqrt(o.width / o.heads);
  const { qkv, probs, dy, dscores, dqkv } = o;
  const passes: AttentionPass[] = [
    { entry: "scores", bindings: { 1: dy, 3: dscores, 4: qkv }, layouts: { x: "rows", z: "v" } },
    { entry: "softmax_backward", bindings: { 3: probs, 5: dscores } },
    { entry: "mix", bindings: { 3: dscores, 4: qkv, 6: dqkv }, layouts: { z: "k", out: "q" }, scale },
    {
      entry: "mix_transposed",
      bindings: { 3: dscores, 4: qkv, 6: dqkv },
      layouts: { z: "q", out: "k" },
      scale,
    },
    { entry: "mix_transposed", bindings: { 3: probs, 4: dy, 6: dqkv }, layouts: { z: "rows", out: "v" } },
  ];
  return passes.map((pass) => attentionDispatch(kernels, o, pass));
}

/** Sizes of the loss: `rows` real rows of `paddedRows`, `vocab` real columns of `paddedVocab`. */
export interface LossSizes {
  rows: number;
  paddedRows: number;
  vocab: number;
  paddedVocab: number;
}

/** Per-row cross-entropy into losses; logits are overwritten with d(mean loss)/d(logits). */
export function crossEntropy(
  kernels: Kernels,
  o: LossSizes & { logits: Binding; targets: Binding; losses: Binding },
): Dispatch {
  const dims = uniformBuffer(kernels.device, [o.rows, o.paddedRows, o.vocab, o.paddedVocab]);
  const bindings = { 0: dims, 1: o.logits, 2: o.targets, 3: o.losses };
  return dispatch(kernels, "crossentropy", "forward_backward", bindings, grid(o.paddedRows));
}

/** result[0] = mean of losses over the real rows. */
export function lossMean(kernels: Kernels, o: LossSizes & { losses: Binding; result: Binding }): Dispatch {
  const dims = uniformBuffer(kernels.device, [o.rows, o.paddedRows, o.vocab, o.paddedVocab]);
  return dispatch(kernels, "crossentropy", "loss_mean", { 0: dims, 3: o.losses, 4: o.result }, [1, 1]);
}

/** Sizes of the embeddings: `vocabRows` rows of wte (padded vocab), `context` rows of wpe. */
export interface EmbeddingSizes {
  rows: number;
  paddedRows: number;
  seq: number;
  width: number;
  vocabRows: number;
  context: number;
}

function embeddingDims(kernels: Kernels, s: EmbeddingSizes): GPUBuffer {
  return uniformBuffer(kernels.device, [s.rows, s.paddedRows, s.seq, s.width, s.vocabRows, s.context, 0, 0]);
}

/** x[row] = wte[tokens[row]] + wpe[row % seq]; padding rows are zero. */
export function embeddingForward(
  kernels: Kernels,
  o: EmbeddingSizes & { tokens: Binding; wte: Binding; wpe: Binding; x: Binding },
): Dispatch {
  const bindings = { 0: embeddingDims(kernels, o), 1: o.tokens, 2: o.wte, 3: o.wpe, 4: o.x };
  return dispatch(kernels, "embedding", "forward", bindings, grid(o.paddedRows * o.width / 4));
}

/**
 * dwte += per-token sums of dx (buckets: offsets [vocabRows + 1], then rows sorted by token, see
 * `tokenBuckets`), and dwpe = per-position sums of dx.
 */
export function embeddingBackward(
  kernels: Kernels,
  o: EmbeddingSizes & { dx: Binding; buckets: Binding; dwte: Binding; dwpe: Binding },
): Dispatch[] {
  const dims = embeddingDims(kernels, o);
  return [
    dispatch(
      kernels,
      "embedding",
      "backward_tokens",
      { 0: dims, 5: o.dx, 6: o.buckets, 7: o.dwte },
      grid(
        o.vocabRows * o.width / 4,
      ),
    ),
    dispatch(
      kernels,
      "embedding",
      "backward_positions",
      { 0: dims, 5: o.dx, 8: o.dwpe },
      grid(
        o.context * o.width / 4,
      ),
    ),
  ];
}

/**
 * The rows of each token, for `embeddingBackward`: offsets [vocabRows + 1], then the row indices sorted
 * by token (ascending within a token, so sums run in a fixed order).
 */
export function tokenBuckets(inputs: Uint32Array, rows: number, vocabRows: number): Uint32Array {
  const out = new Uint32Array(vocabRows + 1 + rows);
  for (let r = 0; r < rows; r++) out[inputs[r] + 1]++;
  for (let v = 0; v < vocabRows; v++) out[v + 1] += out[v];
  const next = out.slice(0, vocabRows);
  for (let r = 0; r < rows; r++) out[vocabRows + 1 + next[inputs[r]]++] = r;
  return out;
}

/** Workgroups the gradient norm's first pass uses. */
export const NORM_PARTS = 256;

/** norm[0] = L2 norm of `count` floats (a multiple of 4) of grads, in two deterministic passes. */
export function gradNorm(
  kernels: Kernels,
  o: { grads: Binding; partials: Binding; norm: Binding; count: number },
): Dispatch[] {
  const count4 = o.count / 4;
  const chunk4 = Math.ceil(count4 / NORM_PARTS);
  const dims = uniformBuffer(kernels.device, [count4, chunk4, NORM_PARTS, 0]);
  return [
    dispatch(kernels, "gradnorm", "partial", { 0: dims, 1: o.grads, 2: o.partials }, [NORM_PARTS, 1]),
    dispatch(kernels, "gradnorm", "total", { 0: dims, 2: o.partials, 3: o.norm }, [1, 1]),
  ];
}

/** Number of 32-bit fields in the AdamW settings uniform (see `adamwSettings`). */
export const ADAMW_SETTINGS_FIELDS = 12;

/** The AdamW settings uniform's contents for one update. */
export function adamwSettings(
  o: UpdateSettings & { step: number; count: number; decayEnd: number },
): ArrayBuffer {
  const data = new ArrayBuffer(4 * ADAMW_SETTINGS_FIELDS);
  const floats = new Float32Array(data);
  const ints = new Uint32Array(data);
  floats.set([
    o.lr,
    o.weightDecay,
    o.beta1,
    o.beta2,
    o.eps,
    o.clip ?? 0,
    1 - o.beta1 ** o.step,
    Math.sqrt(1 - o.beta2 ** o.step),
  ]);
  ints.set([o.count / 4, o.decayEnd / 4, o.clip === null ? 0 : 1], 8);
  return data;
}

/** One AdamW update of `count` floats (a multiple of 4); `settings` holds `adamwSettings`. */
export function adamw(
  kernels: Kernels,
  o: {
    settings: GPUBuffer;
    params: Binding;
    grads: Binding;
    m: Binding;
    v: Binding;
    norm: Binding;
    count: number;
  },
): Dispatch {
  const bindings = { 0: o.settings, 1: o.params, 2: o.grads, 3: o.m, 4: o.v, 5: o.norm };
  return dispatch(kernels, "adamw", "update", bindings, grid(o.count / 4));
}

/** Number of 32-bit fields in the EMA settings uniform (see `emaSettings`). */
export const EMA_SETTINGS_FIELDS = 4;

/** The EMA settings uniform's contents for one update: its decay and the floats it covers. */
export function emaSettings(o: { decay: number; count: number }): ArrayBuffer {
  const data = new ArrayBuffer(4 * EMA_SETTINGS_FIELDS);
  new Float32Array(data)[0] = o.decay;
  new Uint32Array(data)[1] = o.count / 4;
  return data;
}

/**
 * ema = decay * ema + (1 - decay) * params over `count` floats (a multiple of 4); `settings` holds
 * `emaSettings`.
 */
export function ema(
  kernels: Kernels,
  o: { settings: GPUBuffer; params: Binding; ema: Binding; count: number },
): Dispatch {
  return dispatch(kernels, "ema", "update", { 0: o.settings, 1: o.params, 2: o.ema }, grid(o.count / 4));
}
