/**
 * Acquiring a WebGPU device for the trainer, with the adapter's largest buffer limits, and describing it.
 * @module
 */
import { InputError } from "../../diagnostics/input_error.ts";

/** A device with what the trainer needs to know about its adapter. */
export interface GpuDevice {
  device: GPUDevice;
  /** Adapter description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  description: string;
  /** True on a software (CPU) adapter such as Mesa's llvmpipe. */
  isFallback: boolean;
}

let shared: Promise<GpuDevice> | null = null;

/**
 * The process's device: the default adapter's, with its maximum storage-buffer limits, requested once
 * and shared by every engine (Deno 2.9 sometimes aborted at exit, "double free or corruption", in
 * processes that had created and destroyed several devices; so devices are shared and never destroyed).
 * Throws a clear error when WebGPU or an adapter is missing.
 *
 * @example
 * ```ts
 * const { device, description } = await requestGpu();
 * console.log(description, device.limits.maxStorageBufferBindingSize);
 * ```
 */
export function requestGpu(): Promise<GpuDevice> {
  shared ??= openGpu().catch((error) => {
    shared = null;
    throw error;
  });
  return shared;
}

async function openGpu(): Promise<GpuDevice> {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) {
    throw new InputError(
      "WebGPU is not available in this runtime: the trainer needs navigator.gpu (Deno >= 2)",
    );
  }
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new InputError(
      "No WebGPU adapter was found: install a GPU driver, or Mesa's Vulkan llvmpipe driver " +
        "(Debian: 'mesa-vulkan-drivers') to train on the CPU",
    );
  }
  // Timestamp queries (when offered) let benchmarks time each kernel; training never uses them.
  const requiredFeatures: GPUFeatureName[] = adapter.features.has("timestamp-query")
    ? ["timestamp-query"]
    : [];
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  });
  return { device, description: describeAdapter(adapter.info), isFallback: isFallbackAdapter(adapter) };
}

/** A one-line description of an adapter: its description, else vendor and architecture. */
export function describeAdapter(info: GPUAdapterInfo): string {
  return info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(" ") ||
    "unknown adapter";
}

function isFallbackAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  return Boolean(info.isFallbackAdapter ?? legacy.isFallbackAdapter) || /llvmpipe|swiftshader/i.test(
    info.description ?? "",
  );
}

/**
 * Runs `create` (allocations, pipelines) and throws a clear error naming `what` when WebGPU reports it out
 * of memory or invalid, which it otherwise does only in a console warning while later work computes
 * nothing.
 */
export async function checkedAllocation<T>(device: GPUDevice, what: string, create: () => T): Promise<T> {
  device.pushErrorScope("out-of-memory");
  device.pushErrorScope("validation");
  const result = create();
  const invalid = await device.popErrorScope();
  const outOfMemory = await device.popErrorScope();
  if (outOfMemory) {
    throw new InputError(`WebGPU ran out of memory allocating ${what}: ${outOfMemory.message}`);
  }
  if (invalid) throw new InputError(`WebGPU rejected ${what}: ${invalid.message}`);
  return result;
}
