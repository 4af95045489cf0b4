/**
 * The WGSL kernels in kernels/: loading their sources, building compute pipelines (cached) and choosing
 * the matmul variant for an adapter.
 * @module
 */

/** The kernel files in kernels/, one per kernel family. */
export const KERNEL_FILES = [
  "adamw",
  "attention",
  "bias",
  "crossentropy",
  "ema",
  "embedding",
  "gelu",
  "gradnorm",
  "layernorm",
  "matmul_block",
  "matmul_tiled",
] as const;

/** The name of a kernel file, without ".wgsl". */
export type KernelFile = typeof KERNEL_FILES[number];

/**
 * How matrix products run: "block" computes a 32x16 block per invocation without workgroup barriers
 * (far faster on llvmpipe), "tiled" stages 128x128 tiles in workgroup memory and accumulates 8x8
 * register blocks from vec4 reads (for real GPUs; not measured on one yet).
 */
export type MatmulVariant = "block" | "tiled";

/** The matmul variant for an adapter: "block" on CPU (fallback) adapters, "tiled" elsewhere. */
export function chooseMatmul(isFallback: boolean): MatmulVariant {
  return isFallback ? "block" : "tiled";
}

/** Files of WGSL functions that kernel files include with a `// #include NAME` line. */
const INCLUDED_FILES = ["gelu_fn"] as const;

/** Reads kernels/NAME.wgsl next to this package, from disk or over HTTP(S). */
async function readWgsl(name: string): Promise<string> {
  const url = new URL(`../../../kernels/${name}.wgsl`, import.meta.url);
  return url.protocol === "file:" ? await Deno.readTextFile(url) : await (await fetch(url)).text();
}

/**
 * Loads the kernel sources, each with its `// #include NAME` lines replaced by kernels/NAME.wgsl (one of
 * `INCLUDED_FILES`).
 *
 * @example
 * ```ts
 * const sources = await loadKernelSources();
 * console.log(sources.get("gelu")?.includes("fn inner_tanh")); // true
 * ```
 */
export async function loadKernelSources(): Promise<Map<KernelFile, string>> {
  const included = new Map<string, string>(
    await Promise.all(INCLUDED_FILES.map(async (name) => [name, await readWgsl(name)] as const)),
  );
  const sources = new Map<KernelFile, string>();
  await Promise.all(KERNEL_FILES.map(async (name) => {
    const text = (await readWgsl(name)).replace(/^\/\/ #include (\w+)$/gm, (line: string, file: string) => {
      const code = included.get(file);
      if (code === undefined) throw new Error(`${name}.wgsl includes an unknown file: ${line}`);
      return code;
    });
    sources.set(name, text);
  }));
  return sources;
}

/** Compute pipelines built from the kernel sources, one per (file, entry point). */
export class Kernels {
  #modules = new Map<KernelFile, GPUShaderModule>();
  #pipelines = new Map<string, GPUComputePipeline>();
  /** A small storage buffer bound where a kernel's optional input (a matmul bias) is absent. */
  readonly placeholder: GPUBuffer;
  #scratch: GPUBuffer | null = null;

  /** Wraps loaded sources; `matmul` picks the matrix-product variant every op uses. */
  constructor(
    readonly device: GPUDevice,
    readonly sources: Map<KernelFile, string>,
    readonly matmul: MatmulVariant,
  ) {
    this.placeholder = device.createBuffer({ label: "placeholder", size: 16, usage: GPUBufferUsage.STORAGE });
  }

  /**
   * A scratch storage buffer of at least `floats` floats, shared by dispatches that run one after another
   * (split matmuls' partial products). A larger request allocates a larger buffer; earlier dispatches
   * keep the one they were built with.
   */
  scratch(floats: number): GPUBuffer {
    if (!this.#scratch || this.#scratch.size < floats * 4) {
      this.#scratch = this.device.createBuffer({
        label: "scratch",
        size: floats * 4,
        usage: GPUBufferUsage.STORAGE,
      });
    }
    return this.#scratch;
  }

  /** Loads the sources and wraps them. */
  static async load(device: GPUDevice, matmul: MatmulVariant): Promise<Kernels> {
    return new Kernels(device, await loadKernelSources(), matmul);
  }

  /** The pipeline for an entry point of a kernel file, with values for its `override` constants. */
  pipeline(file: KernelFile, entryPoint: string, constants: Record<string, number> = {}): GPUComputePipeline {
    const key = `${file}:${entryPoint}:${JSON.stringify(constants)}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      let module = this.#modules.get(file);
      if (!module) {
        const code = this.sources.get(file);
        if (code === undefined) throw new Error(`Kernel file '${file}.wgsl' was not loaded`);
        module = this.device.createShaderModule({ label: file, code });
        this.#modules.set(file, module);
      }
      pipeline = this.device.createComputePipeline({
        label: `${file}.${entryPoint}`,
        layout: "auto",
        compute: { module, entryPoint, constants },
      });
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }
}
