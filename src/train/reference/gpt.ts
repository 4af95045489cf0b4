/**
 * Float64 reference of the GPT-2-shaped model's loss and gradients, built from the reference ops, in the
 * engine's weight naming. The model tests check it against finite differences and the GPU engine
 * against it.
 * @module
 */
import type { Model } from "../../plan/schema.ts";
import type { TokenBatch } from "../engine.ts";
import * as ops from "./ops.ts";

/** Weights (or gradients) by Hugging Face GPT-2 name, row-major. */
export type Weights = Map<string, Float64Array>;

/**
 * Mean cross-entropy of a batch and the gradient of every weight.
 *
 * @example
 * ```ts
 * import { randomBatch, randomWeights } from "../gpu/testing.ts";
 * const config = { kind: "gpt", layers: 1, width: 8, heads: 2, context: 4, vocab: 11 } as const;
 * const { loss, grads } = referenceGradients(config, randomWeights(config, 1), randomBatch(2, 4, 11, 1));
 * console.assert(loss > 0 && grads.has("wte.weight"));
 * ```
 */
export function referenceGradients(
  config: Model,
  weights: Weights,
  batch: TokenBatch,
): { loss: number; grads: Weights } {
  const { layers, width: c, heads, vocab, context } = config;
  const seq = batch.context;
  const rows = batch.batch * seq;
  const w = (name: string) => {
    const value = weights.get(name);
    if (!value) throw new Error(`Weight '${name}' is missing`);
    return value;
  };
  const inputs = new Uint32Array(rows);
  const targets = new Uint32Array(rows);
  for (let b = 0; b < batch.batch; b++) {
    for (let t = 0; t < seq; t++) {
      inputs[b * seq + t] = batch.tokens[b * (seq + 1) + t];
      targets[b * seq + t] = batch.tokens[b * (seq + 1) + t + 1];
    }
  }
  const shape = { batch: batch.batch, seq, heads, width: c };

  // Forward, keeping what backward needs.
  const residual = [ops.embedding(inputs, w("wte.weight"), w("wpe.weight"), seq, c)];
  const saved = [];
  for (let l = 0; l < layers; l++) {
    const h = `h.${l}`;
    const x = residual[l];
    const ln1 = ops.layerNorm(x, w(`${h}.ln_1.weight`), w(`${h}.ln_1.bias`), rows, c).y;
    const qkv = ops.matmul(
      "nn",
      ln1,
      w(`${h}.attn.c_attn.weight`),
      rows,
      3 * c,
      c,
      w(`${h}.attn.c_attn.bias`),
    );
    const attn = ops.attention(qkv, shape).y;
    const proj = ops.matmul("nn", attn, w(`${h}.attn.c_proj.weight`), rows, c, c, w(`${h}.attn.c_proj.bias`));
    const mid = ops.add(x, proj);
    const ln2 = ops.layerNorm(mid, w(`${h}.ln_2.weight`), w(`${h}.ln_2.bias`), rows, c).y;
    const fc = ops.matmul("nn", ln2, w(`${h}.mlp.c_fc.weight`), rows, 4 * c, c, w(`${h}.mlp.c_fc.bias`));
    const act = ops.gelu(fc);
    const out = ops.matmul("nn", act, w(`${h}.mlp.c_proj.weight`), rows, c, 4 * c, w(`${h}.mlp.c_proj.bias`));
    residual.push(ops.add(mid, out));
    saved.push({ ln1, qkv, attn, mid, ln2, fc, act });
  }
  const lnf = ops.layerNorm(residual[layers], w("ln_f.weight"), w("ln_f.bias"), rows, c).y;
  const logits = ops.matmul("nt", lnf, w("wte.weight"), rows, vocab, c);
  const { losses, dlogits } = ops.crossEntropy(logits, targets, rows, vocab);
  const loss = losses.reduce((a, b) => a + b, 0) / rows;

  // Backward.
  const grads: Weights = new Map();
  const dwteHead = ops.matmul("tn", dlogits, lnf, vocab, c, rows);
  const lnfBack = ops.layerNormBackward(
    residual[layers],
    w("ln_f.weight"),
    ops.matmul("nn", dlogits, w("wte.weight"), rows, c, vocab),
    rows,
    c,
  );
  grads.set("ln_f.weight", lnfBack.dweight);
  grads.set("ln_f.bias", lnfBack.dbias);
  let dres = lnfBack.dx;
  for (let l = layers - 1; l >= 0; l--) {
    const h = `h.${l}`;
    const s = saved[l];
    grads.set(`${h}.mlp.c_proj.weight`, ops.matmul("tn", s.act, dres, 4 * c, c, rows));
    grads.set(`${h}.mlp.c_proj.bias`, ops.biasBackward(dres, rows, c));
    const dfc = ops.geluBackward(s.fc, ops.matmul("nt", dres, w(`${h}.mlp.c_proj.weight`), rows, 4 * c, c));
    grads.set(`${h}.mlp.c_fc.weight`, ops.matmul("tn", s.ln2, dfc, c, 4 * c, rows));
    grads.set(`${h}.mlp.c_fc.bias`, ops.biasBackward(dfc, rows, 4 * c));
    const ln2Back = ops.layerNormBackward(
      s.mid,
      w(`${h}.ln_2.weight`),
      ops.matmul("nt", dfc, w(`${h}.mlp.c_fc.weight`), rows, c, 4 * c),
      rows,
      c,
    );
    grads.set(`${h}.ln_2.weight`, ln2Back.dweight);
    grads.set(`${h}.ln_2.bias`, ln2Back.dbias);
    dres = ops.add(dres, ln2Back.dx);
    grads.set(`${h}.attn.c_proj.weight`, ops.matmul("tn", s.attn, dres, c, c, rows));
    grads.set(`${h}.attn.c_proj.bias`, ops.biasBackward(dres, rows, c));
    const dattn = ops.matmul("nt", dres, w(`${h}.attn.c_proj.weight`), rows, c, c);
    const dqkv = ops.attentionBackward(s.qkv, dattn, shape);
    grads.set(`${h}.attn.c_attn.weight`, ops.matmul("tn", s.ln1, dqkv, c, 3 * c, rows));
    grads.set(`${h}.attn.c_attn.bias`, ops.biasBackward(dqkv, rows, 3 * c));
    const ln1Back = ops.layerNormBackward(
      residual[l],
      w(`${h}.ln_1.weight`),
      ops.matmul("nt", dqkv, w(`${h}.attn.c_attn.weight`), rows, c, 3 * c),
      rows,
      c,
    );
    grads.set(`${h}.ln_1.weight`, ln1Back.dweight);
    grads.set(`${h}.ln_1.bias`, ln1Back.dbias);
    dres = ops.add(dres, ln1Back.dx);
  }
  const emb = ops.embeddingBackward(inputs, dres, seq, c, vocab, context);
  grads.set("wte.weight", ops.add(emb.dwte, dwteHead));
  grads.set("wpe.weight", emb.dwpe);
  return { loss, grads };
}
