/**
 * Where a step's GPU time goes: each dispatch recorded in its own compute pass with timestamp queries
 * (when the device has the "timestamp-query" feature), else each dispatch submitted alone `repeats` times
 * and timed on the host while waiting on the queue (repeating an in-place kernel changes its data, not its
 * time). For benchmarks (bench/gpu_bench.ts), not training.
 * @module
 */
import { type Dispatch, encodeDispatches } from "./ops.ts";

/** The GPU time of one dispatch, named by its pipeline ("file.entry"). */
export interface DispatchTime {
  label: string;
  ms: number;
}

/** Times of a kernel family (dispatches of one pipeline) summed over a step. */
export interface FamilyTime {
  label: string;
  dispatches: number;
  ms: number;
}

/** A profiled step: its dispatches' GPU times and the host's milliseconds to prepare and encode it. */
export interface StepProfile {
  dispatches: DispatchTime[];
  /** Batch buffer (inputs, targets, token buckets) and AdamW settings written, dispatch list built. */
  prepareMs: number;
  /** The dispatches recorded into a command buffer (not submitted). */
  encodeMs: number;
}

/** How dispatches are timed: "timestamps" on the device, or "host" around repeated submissions. */
export type TimingMethod = "timestamps" | "host";

/** The timing method a device allows. */
export function timingMethod(device: GPUDevice): TimingMethod {
  return device.features.has("timestamp-query") ? "timestamps" : "host";
}

/** Runs the dispatches once, in order, each timed (see the module doc). `clear` is zeroed first. */
export async function timeDispatches(
  device: GPUDevice,
  dispatches: readonly Dispatch[],
  clear: GPUBuffer | null,
  repeats = 5,
): Promise<DispatchTime[]> {
  const ms = timingMethod(device) === "timestamps"
    ? await timestampTimes(device, dispatches, clear)
    : await hostTimes(device, dispatches, clear, repeats);
  return dispatches.map((d, i) => ({ label: d.pipeline.label, ms: ms[i] }));
}

/** Milliseconds the host takes to record the dispatches into one pass and finish the command buffer. */
export function encodeTime(
  device: GPUDevice,
  dispatches: readonly Dispatch[],
  clear: GPUBuffer | null,
): number {
  const start = performance.now();
  const encoder = device.createCommandEncoder();
  if (clear) encoder.clearBuffer(clear);
  const pass = encoder.beginComputePass();
  encodeDispatches(pass, dispatches);
  pass.end();
  encoder.finish();
  return performance.now() - start;
}

/** Per-dispatch milliseconds from begin/end-of-pass timestamps. */
async function timestampTimes(
  device: GPUDevice,
  dispatches: readonly Dispatch[],
  clear: GPUBuffer | null,
): Promise<number[]> {
  const count = 2 * dispatches.length;
  const querySet = device.createQuerySet({ type: "timestamp", count });
  const resolved = device.createBuffer({
    size: count * 8,
    usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
  });
  const staging = device.createBuffer({
    size: count * 8,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  if (clear) encoder.clearBuffer(clear);
  dispatches.forEach(({ pipeline, bindGroup, workgroups }, i) => {
    const timestampWrites = { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
    const pass = encoder.beginComputePass({ timestampWrites });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2] ?? 1);
    pass.end();
  });
  encoder.resolveQuerySet(querySet, 0, count, resolved, 0);
  encoder.copyBufferToBuffer(resolved, 0, staging, 0, count * 8);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const stamps = new BigUint64Array(staging.getMappedRange().slice(0));
  staging.unmap();
  for (const object of [staging, resolved, querySet]) object.destroy();
  return dispatches.map((_, i) => Number(stamps[2 * i + 1] - stamps[2 * i]) / 1e6);
}

/** Per-dispatch milliseconds: each dispatch submitted `repeats` times alone, timed until the queue is idle. */
async function hostTimes(
  device: GPUDevice,
  dispatches: readonly Dispatch[],
  clear: GPUBuffer | null,
  repeats: number,
): Promise<number[]> {
  if (clear) {
    const encoder = device.createCommandEncoder();
    encoder.clearBuffer(clear);
    device.queue.submit([encoder.finish()]);
  }
  const times: number[] = [];
  for (const { pipeline, bindGroup, workgroups } of dispatches) {
    await device.queue.onSubmittedWorkDone();
    const start = performance.now();
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    for (let r = 0; r < repeats; r++) {
      pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2] ?? 1);
    }
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    times.push((performance.now() - start) / repeats);
  }
  return times;
}

/** Sums dispatch times per kernel family, largest first. */
export function byFamily(times: readonly DispatchTime[]): FamilyTime[] {
  const families = new Map<string, FamilyTime>();
  for (const { label, ms } of times) {
    const family = families.get(label) ?? { label, dispatches: 0, ms: 0 };
    family.dispatches += 1;
    family.ms += ms;
    families.set(label, family);
  }
  return [...families.values()].sort((a, b) => b.ms - a.ms);
}
