/** Checkpoint files: the safetensors reader and writer, atomic writes, and the Hugging Face export. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeSafetensors, encodeSafetensors } from "../src/train/checkpoint/safetensors.ts";
import { writeDirectoryAtomic, writeFileAtomic } from "../src/train/checkpoint/atomic_write.ts";
import { hfConfig, hfTensors } from "../src/train/export_hf.ts";

const tensors = [
  { name: "wte.weight", shape: [3, 2], data: new Float32Array([1, -2, 3.5, 1e-30, -0, Infinity]) },
  { name: "ln_f.bias", shape: [1], data: new Float32Array([0.25]) },
  { name: "scalar", shape: [], data: new Float32Array([7]) },
];

Deno.test("safetensors", async (t) => {
  const bytes = encodeSafetensors(tensors, { format: "pt", step: "12" });

  await t.step("round trip keeps names, shapes, bits, order and metadata", () => {
    const back = decodeSafetensors(bytes);
    assert.deepEqual(back.metadata, { format: "pt", step: "12" });
    assert.deepEqual(back.tensors.map((x) => x.name), tensors.map((x) => x.name));
    back.tensors.forEach((x, i) => {
      assert.deepEqual(x.shape, tensors[i].shape);
      assert.deepEqual(new Uint8Array(x.data.buffer), new Uint8Array(tensors[i].data.buffer));
    });
  });

  await t.step("the layout is the format's: u64 header length, JSON padded to 8 bytes, then data", () => {
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    assert.deepEqual(header["wte.weight"], { dtype: "F32", shape: [3, 2], data_offsets: [0, 24] });
    assert.deepEqual(header["ln_f.bias"].data_offsets, [24, 28]);
    assert.equal(bytes.length, 8 + n + 32);
    assert.equal(view.getFloat32(8 + n + 8, true), 3.5);
  });

  await t.step("malformed input is refused with a sentence", () => {
    assert.throws(() => decodeSafetensors(new Uint8Array(4)), /shorter than its header/);
    assert.throws(
      () => decodeSafetensors(bytes.subarray(0, bytes.length - 4)),
      /Tensor "scalar" has data offsets/,
    );
    assert.throws(
      () => encodeSafetensors([{ name: "x", shape: [2, 2], data: new Float32Array(3) }]),
      /Tensor "x" holds '3' values, its shape '\[2,2\]' needs '4'/,
    );
    assert.throws(() => encodeSafetensors([tensors[1], tensors[1]]), /appears twice/);
  });
});

Deno.test("atomic writes", async (t) => {
  const dir = await Deno.makeTempDir();
  await t.step("a file is replaced whole and no temporary file is left", async () => {
    const path = join(dir, "state.json");
    await writeFileAtomic(path, new TextEncoder().encode("old"));
    await writeFileAtomic(path, new TextEncoder().encode("new content"));
    assert.equal(await Deno.readTextFile(path), "new content");
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["state.json"]);
  });
  await t.step("a failed write leaves the old file and no temporary", async () => {
    const path = join(dir, "missing-dir", "x");
    await assert.rejects(writeFileAtomic(path, new Uint8Array(1)));
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["state.json"]);
  });
  await t.step("a directory is swapped in whole, replacing the previous one", async () => {
    const path = join(dir, "latest");
    await writeDirectoryAtomic(path, { "a.bin": new Uint8Array([1]), "b.bin": new Uint8Array([2]) });
    await writeDirectoryAtomic(path, { "a.bin": new Uint8Array([3]) });
    assert.deepEqual((await Array.fromAsync(Deno.readDir(path))).map((e) => e.name), ["a.bin"]);
    assert.deepEqual(await Deno.readFile(join(path, "a.bin")), new Uint8Array([3]));
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(), [
      "latest",
      "state.json",
    ]);
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("hugging face export", async (t) => {
  await t.step("config.json is a GPT-2 config with the model's sizes and tied embeddings", () => {
    const config = hfConfig({ kind: "gpt", layers: 2, width: 64, heads: 4, context: 128, vocab: 256 });
    assert.equal(config.model_type, "gpt2");
    assert.deepEqual(
      [config.n_layer, config.n_embd, config.n_head, config.n_positions, config.vocab_size],
      [2, 64, 4, 128, 256],
    );
    assert.equal(config.activation_function, "gelu_new");
    assert.equal(config.tie_word_embeddings, true);
    assert.equal(config.layer_norm_epsilon, 1e-5);
  });
  await t.step("weights take GPT2LMHeadModel's names; the tied head is left out", () => {
    const names = hfTensors(tensors).map((x) => x.name);
    assert.deepEqual(names, ["transformer.wte.weight", "transformer.ln_f.bias", "transformer.scalar"]);
    assert.ok(!names.includes("lm_head.weight"));
  });
});
