/**
 * The dispatches of one training step for a batch shape (sequences x positions): the forward, loss and
 * backward dispatch lists of the GPT-2-shaped model, built once per shape, over activation buffers sized
 * for a batch capacity that several shapes share.
 * @module
 */
import type { Model } from "../../plan/schema.ts";
import { type Binding, storageBuffer } from "./buffers.ts";
import type { Kernels } from "./kernels.ts";
import * as ops from "./ops.ts";
import type { ParamLayout, ParamSlot } from "./params.ts";

/** Buffers and dispatches for one batch shape. */
export interface StepGraph {
  batch: number;
  seq: number;
  /** batch * seq, and that rounded up to a multiple of 4 (the padding rows carry zero gradients). */
  rows: number;
  paddedRows: number;
  /** Input ids, target ids and token buckets, written with `batchData` before each submission. */
  batchBuffer: GPUBuffer;
  /** Cleared before backward: the residual stream's gradient accumulates into it. */
  residualGrad: GPUBufferBinding;
  /** Embeddings through the per-row losses and d(loss)/d(logits). */
  forward: ops.Dispatch[];
  /** Writes the mean loss into the engine's loss buffer. */
  loss: ops.Dispatch;
  /** Every parameter gradient, overwritten (nothing accumulates across steps). */
  backward: ops.Dispatch[];
  /** The activation buffers the graph binds (shared with the other shapes of their capacity). */
  activations: ActivationSet;
}

/** Where the sections of the batch buffer start, in u32s (256-byte aligned). */
function batchSections(paddedRows: number, rows: number, vocabRows: number) {
  const align = (n: number) => Math.ceil(n / 64) * 64;
  const targets = align(paddedRows);
  const buckets = targets + align(paddedRows);
  return { targets, buckets, total: buckets + align(vocabRows + 1 + rows) };
}

/** Builds the batch buffer's contents from rows of `seq + 1` token ids. */
export function batchData(graph: StepGraph, tokens: Uint32Array, vocabRows: number): Uint32Array {
  const { batch, seq, rows, paddedRows } = graph;
  const sections = batchSections(paddedRows, rows, vocabRows);
  const data = new Uint32Array(sections.total);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seq; t++) {
      data[b * seq + t] = tokens[b * (seq + 1) + t];
      data[sections.targets + b * seq + t] = tokens[b * (seq + 1) + t + 1];
    }
  }
  data.set(ops.tokenBuckets(data.subarray(0, rows), rows, vocabRows), sections.buckets);
  return data;
}

/** Floats of one layer's attention scores: [batch, heads, seq] rows of `ops.scoreStride(seq)`. */
const scoreFloats = (batch: number, heads: number, seq: number) => batch * heads * seq * ops.scoreStride(seq);

/** The largest single buffers a batch shape needs, by name, in bytes (to check the adapter's limits). */
export function activationSizes(
  config: Model,
  vocabRows: number,
  batch: number,
  seq: number,
): Record<string, number> {
  const paddedRows = Math.ceil(batch * seq / 4) * 4;
  return {
    "attention probabilities": scoreFloats(batch, config.heads, seq) * 4,
    "MLP activations": paddedRows * 4 * config.width * 4,
    logits: paddedRows * vocabRows * 4,
  };
}

/**
 * The activation buffers of one batch capacity: a shape of `batch` sequences or fewer, of `seq` positions,
 * builds its graph on them (`buildStepGraph`), so that shapes of a batch ramp share buffers.
 */
export interface ActivationSet {
  /** The most sequences a shape on these buffers may have. */
  batch: number;
  seq: number;
  /** Every buffer, in the order `activationViews` takes them; destroyed once the set is dropped. */
  buffers: GPUBuffer[];
}

/** Takes the next activation buffer of `floats` 32-bit values. */
type Take = (floats: number, label: string) => GPUBufferBinding;

/** The bytes a binding of `floats` 32-bit values covers (as `storageBuffer` sizes a buffer). */
function bindingBytes(floats: number): number {
  return Math.max(16, Math.ceil(floats * 4 / 16) * 16);
}

/** Allocates zero-initialised activation buffers for shapes of up to `capacity` sequences of `seq` positions. */
export function allocateActivations(
  device: GPUDevice,
  config: Model,
  vocabRows: number,
  capacity: number,
  seq: number,
): ActivationSet {
  const buffers: GPUBuffer[] = [];
  activationViews(config, vocabRows, capacity, seq, (floats, label) => {
    const created = storageBuffer(device, floats * 4, label);
    buffers.push(created);
    return { buffer: created };
  });
  return { batch: capacity, seq, buffers };
}

/**
 * Views of a batch shape's activations, taken in a fixed order. A graph binds exactly the bytes its shape
 * needs (the size a buffer of its own would have), so a larger set's tails are never read.
 */
function activationViews(config: Model, vocabRows: number, batch: number, seq: number, take: Take) {
  const { width: c, heads, layers } = config;
  const rows = batch * seq;
  const paddedRows = Math.ceil(rows / 4) * 4;
  const sections = batchSections(paddedRows, rows, vocabRows);
  const batchBuffer = take(sections.total, "batch");
  const u32 = (offset: number, count: number): Binding => ({
    buffer: batchBuffer.buffer,
    offset: offset * 4,
    size: Math.ceil(count / 4) * 16,
  });
  const rc = paddedRows * c;
  return {
    batchBuffer,
    inputs: u32(0, paddedRows),
    targets: u32(sections.targets, paddedRows),
    buckets: u32(sections.buckets, vocabRows + 1 + rows),
    residual: Array.from({ length: layers + 1 }, (_, l) => take(rc, `residual ${l}`)),
    perLayer: Array.from({ length: layers }, (_, l) => ({
      ln1: take(rc, `ln_1 ${l}`),
      stats1: take(2 * paddedRows, `ln_1 stats ${l}`),
      qkv: take(3 * rc, `qkv ${l}`),
      probs: take(scoreFloats(batch, heads, seq), `attention probabilities ${l}`),
      attn: take(rc, `attention ${l}`),
      mid: take(rc, `residual mid ${l}`),
      ln2: take(rc, `ln_2 ${l}`),
      stats2: take(2 * paddedRows, `ln_2 stats ${l}`),
      fc: take(4 * rc, `c_fc ${l}`),
      gelu: take(4 * rc, `gelu ${l}`),
    })),
    lnf: take(rc, "ln_f"),
    statsf: take(2 * paddedRows, "ln_f stats"),
    logits: take(paddedRows * vocabRows, "logits"),
    losses: take(paddedRows, "losses"),
    residualGrad: take(rc, "residual gradient"),
    dScratch: take(rc, "gradient scratch"),
    dQkv: take(3 * rc, "qkv gradient"),
    dFc: take(4 * rc, "c_fc gradient"),
    dScores: take(scoreFloats(batch, heads, seq), "attention score gradient"),
  };
}

/**
 * Builds the step's dispatches for `batch` sequences of `seq` positions over the flat parameter and
 * gradient buffers, with activations in `set` (whose capacity must cover `batch`). `lossResult` receives
 * the mean loss.
 */
export function buildStepGraph(
  kernels: Kernels,
  config: Model,
  layout: ParamLayout,
  params: GPUBuffer,
  grads: GPUBuffer,
  lossResult: GPUBuffer,
  batch: number,
  seq: number,
  set: ActivationSet,
): StepGraph {
  if (set.seq !== seq || set.batch < batch) {
    throw new Error(`Activations for ${set.batch} x ${set.seq} cannot hold a batch of ${batch} x ${seq}`);
  }
  const { width: c, heads, layers } = config;
  const rows = batch * seq;
  const paddedRows = Math.ceil(rows / 4) * 4;
  const vocabRows = layout.vocabRows;
  let next = 0;
  const views = activationViews(config, vocabRows, batch, seq, (floats) => ({
    buffer: set.buffers[next++],
    offset: 0,
    size: bindingBytes(floats),
  }));
  const { inputs, targets, buckets, residual, perLayer, lnf, statsf, logits, losses } = views;
  const { residualGrad, dScratch, dQkv, dFc, dScores } = views;
  const slots = new Map(layout.slots.map((s) => [s.name, s]));
  const view = (target: GPUBuffer, name: string): Binding => {
    const slot = slots.get(name) as ParamSlot;
    return { buffer: target, offset: slot.offset * 4, size: slot.size * 4 };
  };
  const p = (name: string) => view(params, name);
  const g = (name: string) => view(grads, name);
  const rc = paddedRows * c;

  const attentionSizes = { batch, seq, heads, width: c };
  const attentionBuffers = (a: typeof perLayer[number]): ops.AttentionBuffers => ({
    qkv: a.qkv,
    probs: a.probs,
    y: a.attn,
    dy: dScratch,
    dscores: dScores,
    dqkv: dQkv,
  });
  const embeddingSizes = { rows, paddedRows, seq, width: c, vocabRows, context: config.context };
  const lossSizes = { rows, paddedRows, vocab: config.vocab, paddedVocab: vocabRows };
  const m = paddedRows;

  const forward: ops.Dispatch[] = [
    ops.embeddingForward(kernels, {
      ...embeddingSizes,
      tokens: inputs,
      wte: p("wte.weight"),
      wpe: p("wpe.weight"),
      x: residual[0],
    }),
  ];
  for (let l = 0; l < layers; l++) {
    const h = `h.${l}`;
    const a = perLayer[l];
    forward.push(
      ops.layerNormForward(kernels, {
        x: residual[l],
        weight: p(`${h}.ln_1.weight`),
        bias: p(`${h}.ln_1.bias`),
        y: a.ln1,
        stats: a.stats1,
        rows: m,
        width: c,
      }),
      ...ops.matmul(kernels, "nn", {
        a: a.ln1,
        b: p(`${h}.attn.c_attn.weight`),
        bias: p(`${h}.attn.c_attn.bias`),
        out: a.qkv,
        m,
        n: 3 * c,
        k: c,
      }),
      ...ops.attentionForward(kernels, { ...attentionSizes, ...attentionBuffers(a) }),
      ...ops.matmul(kernels, "nn", {
        a: a.attn,
        b: p(`${h}.attn.c_proj.weight`),
        bias: p(`${h}.attn.c_proj.bias`),
        residual: residual[l],
        out: a.mid,
        m,
        n: c,
        k: c,
      }),
      ops.layerNormForward(kernels, {
        x: a.mid,
        weight: p(`${h}.ln_2.weight`),
        bias: p(`${h}.ln_2.bias`),
        y: a.ln2,
        stats: a.stats2,
        rows: m,
        width: c,
      }),
      ...ops.matmul(kernels, "nn", {
        a: a.ln2,
        b: p(`${h}.mlp.c_fc.weight`),
        bias: p(`${h}.mlp.c_fc.bias`),
        out: a.fc,
        activated: a.gelu,
        m,
        n: 4 * c,
        k: c,
      }),
      ...ops.matmul(kernels, "nn", {
        a: a.gelu,
        b: p(`${h}.mlp.c_proj.weight`),
        bias: p(`${h}.mlp.c_proj.bias`),
        residual: a.mid,
        out: residual[l + 1],
        m,
        n: c,
        k: 4 * c,
      }),
    );
  }
  forward.push(
    ops.layerNormForward(kernels, {
      x: residual[layers],
      weight: p("ln_f.weight"),
      bias: p("ln_f.bias"),
      y: lnf,
      stats: statsf,
      rows: m,
      width: c,
    }),
    ...ops.matmul(kernels, "nt", { a: lnf, b: p("wte.weight"), out: logits, m, n: vocabRows, k: c }),
    ops.crossEntropy(kernels, { ...lossSizes, logits, targets, losses }),
  );
  const loss = ops.lossMean(kernels, { ...lossSizes, losses, result: lossResult });

  // Backward: `logits` now holds d(loss)/d(logits); residualGrad accumulates d(loss)/d(residual stream).
  const backward: ops.Dispatch[] = [
    ...ops.matmul(kernels, "nn", { a: logits, b: p("wte.weight"), out: dScratch, m, n: c, k: vocabRows }),
    ...ops.matmul(kernels, "tn", { a: logits, b: lnf, out: g("wte.weight"), m: vocabRows, n: c, k: m }),
    ops.layerNormBackwardInput(kernels, {
      x: residual[layers],
      weight: p("ln_f.weight"),
      stats: statsf,
      dy: dScratch,
      dx: residualGrad,
      rows: m,
      width: c,
    }),
    ops.layerNormBackwardParams(kernels, {
      x: residual[layers],
      stats: statsf,
      dy: dScratch,
      dweight: g("ln_f.weight"),
      dbias: g("ln_f.bias"),
      rows: m,
      width: c,
    }),
  ];
  for (let l = layers - 1; l >= 0; l--) {
    const h = `h.${l}`;
    const a = perLayer[l];
    backward.push(
      // MLP: residualGrad is d(loss)/d(mlp output).
      ...ops.matmul(kernels, "tn", {
        a: a.gelu,
        b: residualGrad,
        out: g(`${h}.mlp.c_proj.weight`),
        m: 4 * c,
        n: c,
        k: m,
      }),
      ops.biasBackward(kernels, { dy: residualGrad, db: g(`${h}.mlp.c_proj.bias`), rows: m, cols: c }),
      ...ops.matmul(kernels, "nt", {
        a: residualGrad,
        b: p(`${h}.mlp.c_proj.weight`),
        out: dFc,
        m,
        n: 4 * c,
        k: c,
      }),
      ops.geluBackward(kernels, { x: a.fc, grad: dFc, count: 4 * rc }),
      ...ops.matmul(kernels, "tn", {
        a: a.ln2,
        b: dFc,
        out: g(`${h}.mlp.c_fc.weight`),
        m: c,
        n: 4 * c,
        k: m,
      }),
      ops.biasBackward(kernels, { dy: dFc, db: g(`${h}.mlp.c_fc.bias`), rows: m, cols: 4 * c }),
      ...ops.matmul(kernels, "nt", {
        a: dFc,
        b: p(`${h}.mlp.c_fc.weight`),
        out: dScratch,
        m,
        n: c,
        k: 4 * c,
      }),
      ops.layerNormBackwardInput(kernels, {
        x: a.mid,
        weight: p(`${h}.ln_2.weight`),
        stats: a.stats2,
        dy: dScratch,
        dx: residualGrad,
        rows: m,
        width: c,
      }),
      ops.layerNormBackwardParams(kernels, {
        x: a.mid,
        stats: a.stats2,
        dy: dScratch,
        dweight: g(`${h}.ln_2.weight`),
        dbias: g(`${h}.ln_2.bias`),
        rows: m,
        width: c,
      }),
      // Attention: residualGrad is now d(loss)/d(attention output).
      ...ops.matmul(kernels, "tn", {
        a: a.attn,
        b: residualGrad,
        out: g(`${h}.attn.c_proj.weight`),
        m: c,
        n: c,
        k: m,
      }),
      ops.biasBackward(kernels, { dy: residualGrad, db: g(`${h}.attn.c_proj.bias`), rows: m, cols: c }),
      ...ops.matmul(kernels, "nt", {
        a: residualGrad,
        b: p(`${h}.attn.c_proj.weight`),
        out: dScratch,
        m,
        n: c,
        k: c,
      }),
      ...ops.attentionBackward(kernels, { ...attentionSizes, ...attentionBuffers(a) }),
      ...ops.matmul(kernels, "tn", {
        a: a.ln1,
        b: dQkv,
        out: g(`${h}.attn.c_attn.weight`),
        m: c,
        n: 3 * c,
        k: m,
      }),
      ops.biasBackward(kernels, { dy: dQkv, db: g(`${h}.attn.c_attn.bias`), rows: m, cols: 3 * c }),
      ...ops.matmul(kernels, "nt", {
        a: dQkv,
        b: p(`${h}.attn.c_attn.weight`),
        out: dScratch,
        m,
        n: c,
        k: 3 * c,
      }),
      ops.layerNormBackwardInput(kernels, {
        x: residual[l],
        weight: p(`${h}.ln_1.weight`),
        stats: a.stats1,
        dy: dScratch,
        dx: residualGrad,
        rows: m,
        width: c,
      }),
      ops.layerNormBackwardParams(kernels, {
        x: residual[l],
        stats: a.stats1,
        dy: dScratch,
        dweight: g(`${h}.ln_1.weight`),
        dbias: g(`${h}.ln_1.bias`),
        rows: m,
        width: c,
      }),
    );
  }
  backward.push(
    ...ops.embeddingBackward(kernels, {
      ...embeddingSizes,
      dx: residualGrad,
      buckets,
      dwte: g("wte.weight"),
      dwpe: g("wpe.weight"),
    }),
  );
  return {
    batch,
    seq,
    rows,
    paddedRows,
    batchBuffer: views.batchBuffer.buffer,
    residualGrad,
    forward,
    loss,
    backward,
    activations: set,
  };
}
