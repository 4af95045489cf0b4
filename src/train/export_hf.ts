/**
 * Export of a checkpoint to Hugging Face's GPT-2 layout: config.json and model.safetensors that
 * `GPT2LMHeadModel.from_pretrained(dir)` loads. The weights already use GPT-2's names and Conv1D layout;
 * they get the "transformer." prefix, and the output head is left out because it is tied to wte
 * (`tie_word_embeddings`), as `save_pretrained` writes it.
 * @module
 */
import { join } from "node:path";
import type { Model } from "../plan/schema.ts";
import type { HostTensor } from "./engine.ts";
import { loadCheckpoint } from "./checkpoint/checkpoint.ts";
import { encodeSafetensors } from "./checkpoint/safetensors.ts";
import { writeFileAtomic } from "./checkpoint/atomic_write.ts";

/** The LayerNorm epsilon of the WebGPU kernels (kernels/layernorm.wgsl). */
const LAYER_NORM_EPSILON = 1e-5;

/**
 * The transformers GPT2Config of a model: GELU with the tanh approximation ("gelu_new"), no dropout,
 * tied embeddings, byte-level vocabulary (no special tokens: GPT-2's id 50256 is outside it).
 *
 * @example
 * ```ts
 * hfConfig({ kind: "gpt", layers: 2, width: 64, heads: 2, context: 64, vocab: 256 }).n_embd; // 64
 * ```
 */
export function hfConfig(model: Model): Record<string, unknown> {
  return {
    architectures: ["GPT2LMHeadModel"],
    model_type: "gpt2",
    vocab_size: model.vocab,
    n_positions: model.context,
    n_ctx: model.context,
    n_embd: model.width,
    n_layer: model.layers,
    n_head: model.heads,
    n_inner: null,
    activation_function: "gelu_new",
    layer_norm_epsilon: LAYER_NORM_EPSILON,
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
    initializer_range: 0.02,
    scale_attn_weights: true,
    tie_word_embeddings: true,
    bos_token_id: null,
    eos_token_id: null,
    torch_dtype: "float32",
  };
}

/** The weights under the names GPT2LMHeadModel's state dict uses ("transformer.h.0.ln_1.weight", ...). */
export function hfTensors(weights: HostTensor[]): HostTensor[] {
  return weights.map((t) => ({ ...t, name: `transformer.${t.name}` }));
}

/**
 * Writes config.json and model.safetensors for the checkpoint directory `checkpoint` into `out`; returns
 * the paths written.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../mod.ts";
 * import { train } from "./run.ts";
 * import { createEngine } from "./gpt.ts";
 * import { Progress } from "./progress.ts";
 * const { plans: [plan] } = await compileFile("tests/testdata/train/tiny.recipe");
 * const run = await Deno.makeTempDir();
 * await train(plan, { out: run, createEngine, progress: new Progress("quiet") });
 * const written = await exportHf(`${run}/checkpoints/final`, `${run}/hf`);
 * console.assert(written.some((path) => path.endsWith("model.safetensors")));
 * ```
 */
export async function exportHf(checkpoint: string, out: string): Promise<string[]> {
  const { state, weights } = await loadCheckpoint(checkpoint);
  await Deno.mkdir(out, { recursive: true });
  const config = join(out, "config.json");
  const model = join(out, "model.safetensors");
  await writeFileAtomic(
    config,
    new TextEncoder().encode(JSON.stringify(hfConfig(state.model), null, 2) + "\n"),
  );
  await writeFileAtomic(model, encodeSafetensors(hfTensors(weights), { format: "pt" }));
  return [config, model];
}
