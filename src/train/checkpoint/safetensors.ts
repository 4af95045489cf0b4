/**
 * A small safetensors reader and writer for float32 tensors: an 8-byte little-endian header length, a
 * JSON header (dtype, shape, byte offsets per tensor, optional string `__metadata__`), padded with spaces
 * to a multiple of 8 bytes, then the raw little-endian data.
 * @module
 */
import { InputError } from "../../diagnostics/input_error.ts";
import type { HostTensor } from "../engine.ts";

/** Tensors and string metadata of a safetensors file. */
export interface SafetensorsContent {
  tensors: HostTensor[];
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Serialises float32 tensors (in the given order) and string metadata.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors([{ name: "w", shape: [2], data: new Float32Array([1, 2]) }], { format: "pt" });
 * decodeSafetensors(bytes).tensors[0].data; // Float32Array [1, 2]
 * ```
 */
export function encodeSafetensors(tensors: HostTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new Error(
        `Tensor "${tensor.name}" holds '${tensor.data.length}' values, its shape '[${tensor.shape}]' needs '${count}'`,
      );
    }
    if (tensor.name in header) throw new Error(`Tensor name "${tensor.name}" appears twice`);
    header[tensor.name] = { dtype: "F32", shape: tensor.shape, data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors) {
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    if (isLittleEndian) out.set(bytes, position);
    else tensor.data.forEach((x, i) => view.setFloat32(position + i * 4, x, true));
    position += bytes.length;
  }
  return out;
}

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Parses a safetensors file holding F32 tensors; throws a sentence naming what is malformed. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContent {
  if (bytes.length < 8) {
    throw new InputError(`Safetensors data of '${bytes.length}' bytes is shorter than its header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new InputError(`Safetensors header length '${headerLength}' runs past the end of the data`);
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const base = 8 + headerLength;
  const tensors: HostTensor[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, HeaderEntry>)) {
    if (name === "__metadata__") continue;
    if (entry.dtype !== "F32") {
      throw new InputError(`Tensor "${name}" has dtype "${entry.dtype}", only "F32" is read`);
    }
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4 || base + end > bytes.length) {
      throw new InputError(
        `Tensor "${name}" has data offsets '[${begin}, ${end}]' that do not fit its shape or the data`,
      );
    }
    const data = new Float32Array(count);
    const tensorView = new DataView(bytes.buffer, bytes.byteOffset + base + begin, count * 4);
    for (let i = 0; i < count; i++) data[i] = tensorView.getFloat32(i * 4, true);
    tensors.push({ name, shape: entry.shape, data });
  }
  tensors.sort((a, b) =>
    (header[a.name] as HeaderEntry).data_offsets[0] - (header[b.name] as HeaderEntry).data_offsets[0]
  );
  return { tensors, metadata: header.__metadata__ ?? {} };
}
