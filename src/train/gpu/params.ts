/**
 * The parameters of the GPT-2-shaped model: their Hugging Face GPT-2 names and shapes, where each lives
 * in the flat GPU buffer, which ones weight decay applies to, and their GPT-2 initialisation.
 *
 * Weight decay follows GPT-2 / nanoGPT practice: it applies to the 2-D weights only (wte, wpe, c_attn,
 * c_proj and c_fc weights) and not to biases or LayerNorm parameters (`decay`). The decayed tensors come
 * first in the flat buffer, so that AdamW decays one prefix of it in one dispatch when the plan has no
 * parameter groups (see param_groups.ts).
 * @module
 */
import type { Model } from "../../plan/schema.ts";
import { Rng } from "./rng.ts";

/** One parameter tensor and its place in the flat buffer (offsets in floats, 64-float aligned). */
export interface ParamSlot {
  /** Hugging Face GPT-2 name, e.g. "h.0.attn.c_attn.weight". */
  name: string;
  /** Shape as exported (wte: [vocab, width]). */
  shape: number[];
  /** Floats the slot holds on the GPU (wte: rows padded to a multiple of 4). */
  size: number;
  offset: number;
  decay: boolean;
  /** Standard deviation of the normal initialisation, or a constant fill value. */
  init: { std: number } | { fill: number };
}

/** Where every parameter lives. */
export interface ParamLayout {
  slots: ParamSlot[];
  /** Total floats in the flat buffer (a multiple of 64). */
  total: number;
  /** Rows of wte on the GPU: the vocabulary rounded up to a multiple of 4. */
  vocabRows: number;
}

/** Floats per alignment unit: 256 bytes, WebGPU's storage-buffer offset alignment. */
const ALIGN = 64;

/** The flat-buffer layout of a model's parameters. */
export function paramLayout(config: Model): ParamLayout {
  const { layers, width: c, context, vocab } = config;
  const vocabRows = Math.ceil(vocab / 4) * 4;
  const std = 0.02;
  const projStd = 0.02 / Math.sqrt(2 * layers);
  const decayed: Omit<ParamSlot, "offset" | "size" | "decay">[] = [
    { name: "wte.weight", shape: [vocab, c], init: { std } },
    { name: "wpe.weight", shape: [context, c], init: { std } },
  ];
  const other: Omit<ParamSlot, "offset" | "size" | "decay">[] = [];
  for (let i = 0; i < layers; i++) {
    const h = `h.${i}`;
    decayed.push(
      { name: `${h}.attn.c_attn.weight`, shape: [c, 3 * c], init: { std } },
      { name: `${h}.attn.c_proj.weight`, shape: [c, c], init: { std: projStd } },
      { name: `${h}.mlp.c_fc.weight`, shape: [c, 4 * c], init: { std } },
      { name: `${h}.mlp.c_proj.weight`, shape: [4 * c, c], init: { std: projStd } },
    );
    other.push(
      { name: `${h}.ln_1.weight`, shape: [c], init: { fill: 1 } },
      { name: `${h}.ln_1.bias`, shape: [c], init: { fill: 0 } },
      { name: `${h}.attn.c_attn.bias`, shape: [3 * c], init: { fill: 0 } },
      { name: `${h}.attn.c_proj.bias`, shape: [c], init: { fill: 0 } },
      { name: `${h}.ln_2.weight`, shape: [c], init: { fill: 1 } },
      { name: `${h}.ln_2.bias`, shape: [c], init: { fill: 0 } },
      { name: `${h}.mlp.c_fc.bias`, shape: [4 * c], init: { fill: 0 } },
      { name: `${h}.mlp.c_proj.bias`, shape: [c], init: { fill: 0 } },
    );
  }
  other.push(
    { name: "ln_f.weight", shape: [c], init: { fill: 1 } },
    { name: "ln_f.bias", shape: [c], init: { fill: 0 } },
  );
  const slots: ParamSlot[] = [];
  let offset = 0;
  for (const [list, decay] of [[decayed, true], [other, false]] as const) {
    for (const slot of list) {
      const size = slot.name === "wte.weight" ? vocabRows * c : slot.shape.reduce((a, b) => a * b, 1);
      slots.push({ ...slot, size, offset, decay });
      offset += Math.ceil(size / ALIGN) * ALIGN;
    }
  }
  return { slots, total: offset, vocabRows };
}

/** Number of trainable parameters (wte counted once: it is tied to the output head). */
export function parameterCount(config: Model): number {
  return paramLayout(config).slots.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * GPT-2 initialisation of the flat buffer: normal(0, 0.02) for wte, wpe, c_attn and c_fc weights,
 * normal(0, 0.02 / sqrt(2 layers)) for the c_proj weights, zero biases, unit LayerNorm weights. Samples
 * are drawn from `Rng(seed)` tensor by tensor in layout order, row-major; padding stays zero.
 */
export function initParams(layout: ParamLayout, seed: number): Float32Array {
  const out = new Float32Array(layout.total);
  const rng = new Rng(seed);
  for (const slot of layout.slots) {
    const n = slot.shape.reduce((a, b) => a * b, 1);
    const init = slot.init;
    for (let i = 0; i < n; i++) out[slot.offset + i] = "std" in init ? init.std * rng.normal() : init.fill;
  }
  return out;
}
