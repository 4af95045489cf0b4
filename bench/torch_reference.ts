/**
 * PyTorch on the same machine, for `deno task bench:gpu`: finds a Python with torch (a given one, else
 * .venv/bin/python, then python3) and runs bench/torch_reference.py (the engine's model in PyTorch, FP32,
 * on the CPU, or on CUDA when asked and available).
 * @module
 */
import type { Model } from "../src/plan/schema.ts";

/** PyTorch's figures: GFLOP/s per matmul size and tokens/s per model, each measured several times. */
export interface TorchFigures {
  python: string;
  /** Where torch ran: "cpu" or "cuda". */
  device: string;
  matmul: Map<number, number[]>;
  /** Keyed by `modelKey`. */
  training: Map<string, number[]>;
}

/** The key of a model and batch in `TorchFigures.training`. */
export const modelKey = (m: Model, batch: number): string =>
  [m.layers, m.width, m.heads, m.context, batch].join(",");

const SCRIPT = new URL("./torch_reference.py", import.meta.url).pathname;

/** The first Python that imports torch (`given` only, when given), or why none does. */
async function findPython(given?: string): Promise<string | { why: string }> {
  const candidates = given ? [given] : [new URL("../.venv/bin/python", import.meta.url).pathname, "python3"];
  for (const python of candidates) {
    try {
      const { success } = await new Deno.Command(python, { args: ["-c", "import torch"], stderr: "null" })
        .output();
      if (success) return python;
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) return { why: "needs --allow-run" };
    }
  }
  return { why: `no Python with torch (tried ${candidates.join(" and ")})` };
}

/**
 * Runs PyTorch with `threads` threads on `device`: `sizes` matmuls, then each model trained
 * `stepsFor(model)` steps per timing, `repeats` timings each. Resolves with a reason instead when torch is
 * not available.
 *
 * @example
 * ```ts
 * const torch = await torchFigures({
 *   sizes: [256],
 *   models: [],
 *   repeats: 1,
 *   threads: 2,
 *   device: "cpu",
 *   stepsFor: () => 1,
 * });
 * console.log("why" in torch ? torch.why : torch.matmul.get(256));
 * ```
 */
export async function torchFigures(o: {
  sizes: number[];
  models: [Model, number][];
  repeats: number;
  threads: number;
  device: "cpu" | "cuda";
  stepsFor: (m: Model) => number;
  python?: string;
}): Promise<TorchFigures | { why: string }> {
  const python = await findPython(o.python);
  if (typeof python !== "string") return python;
  const figures: TorchFigures = { python, device: o.device, matmul: new Map(), training: new Map() };
  const jobs: string[][] = [["--matmul", o.sizes.join(",")]];
  for (const [m, batch] of o.models) jobs.push(["--steps", `${o.stepsFor(m)}`, modelKey(m, batch)]);
  for (const job of jobs) {
    const args = [
      SCRIPT,
      "--threads",
      `${o.threads}`,
      "--repeats",
      `${o.repeats}`,
      "--device",
      o.device,
      ...job,
    ];
    const output = await new Deno.Command(python, { args, stderr: "inherit" }).output();
    if (!output.success) return { why: `${python} ${SCRIPT} failed` };
    for (const line of new TextDecoder().decode(output.stdout).split("\n").filter(Boolean)) {
      const row = JSON.parse(line);
      if ("device" in row) figures.device = row.device;
      else if ("matmul" in row) figures.matmul.set(row.matmul, row.gflops);
      else {figures.training.set(
          modelKey({ kind: "gpt", vocab: 256, ...row }, row.batch),
          row.tokens_per_second,
        );}
    }
  }
  return figures;
}
