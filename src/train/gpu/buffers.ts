/**
 * GPU buffer helpers: storage and uniform buffers, views into a buffer, and reading a buffer back.
 * @module
 */

/** A whole buffer, or a byte range of one (offsets aligned to 256 bytes). */
export type Binding = GPUBuffer | GPUBufferBinding;

/** A zero-initialised storage buffer of at least `bytes` bytes (rounded up to 16) that copies both ways. */
export function storageBuffer(device: GPUDevice, bytes: number, label: string): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(bytes / 16) * 16),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
}

/** A storage buffer holding `data`. */
export function uploadBuffer(device: GPUDevice, data: Float32Array | Uint32Array, label: string): GPUBuffer {
  const buffer = storageBuffer(device, data.byteLength, label);
  writeArray(device, buffer, 0, data);
  return buffer;
}

/** Queues a write of a typed array into `buffer` at byte `offset`. */
export function writeArray(
  device: GPUDevice,
  buffer: GPUBuffer,
  offset: number,
  data: Float32Array | Uint32Array,
): void {
  device.queue.writeBuffer(buffer, offset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}

/**
 * A uniform buffer of 32-bit fields, padded to 16 bytes: `values` are written as u32 except at the
 * indices listed in `floats`, which are written as f32.
 */
export function uniformBuffer(device: GPUDevice, values: number[], floats: number[] = []): GPUBuffer {
  const size = Math.ceil(values.length / 4) * 16;
  const buffer = device.createBuffer({
    size,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    mappedAtCreation: true,
  });
  const view = new DataView(buffer.getMappedRange());
  values.forEach((value, i) => {
    if (floats.includes(i)) view.setFloat32(4 * i, value, true);
    else view.setUint32(4 * i, value, true);
  });
  buffer.unmap();
  return buffer;
}

/** Copies `bytes` bytes of `buffer` from `offset` (multiples of 4) to the host after queued work. */
export async function readBuffer(
  device: GPUDevice,
  buffer: GPUBuffer,
  offset = 0,
  bytes = buffer.size - offset,
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, offset, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  // Released at once: a checkpoint reads every weight, and waiting for garbage collection held each copy.
  staging.unmap();
  staging.destroy();
  return copy;
}

/** Reads a whole storage buffer back as float32. */
export async function readFloats(device: GPUDevice, buffer: GPUBuffer): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, buffer));
}
