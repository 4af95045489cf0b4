/**
 * PyTorch on the same machine, for `deno task bench:gpu`: finds a Python with torch (.venv/bin/python,
 * then python3) and runs bench/torch_reference.py (the engine's model in PyTorch, FP32, on the CPU).
 * @module
 */
import type { Model } from "../src/plan/schema.ts";

/** PyTorch's figures: GFLOP/s per matmul size and tokens/s per model, each measured several times. */
export interface TorchFigures {
  python: string;
  matmul: Map<number, number[]>;
  /** Keyed by `modelKey`. */
  training: Map<string, number[]>;
}

/** The key of a model and batch in `TorchFigures.training`. */
export const modelKey = (m: Model, batch: number): string =>
  [m.layers, m.width, m.heads, m.context, batch].join(",");

const SCRIPT = new URL("./torch_reference.py", import.meta.url).pathname;

/** The first Python that imports torch, or why none does. */
async function findPython(): Promise<string | { why: string }> {
  const candidates = [new URL("../.venv/bin/python", import.meta.url).pathname, "python3"];
  for (const python of candidates) {
    try {
      const { success } = await new Deno.Command(python, { args: ["-c", "import torch"], stderr: "null" })
        .output();
      if (success) return python;
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) return { why: "needs --allow-run" };
    }
  }
  return { why: "no Python with torch (tried .venv/bin/python and python3)" };
}

/**
 * Runs PyTorch with `threads` threads: `sizes` matmuls, then each model trained `stepsFor(model)` steps per
 * timing, `repeats` timings each. Resolves with a reason instead when torch is not available.
 */
export async function torchFigures(o: {
  sizes: number[];
  models: [Model, number][];
  repeats: number;
  threads: number;
  stepsFor: (m: Model) => number;
}): Promise<TorchFigures | { why: string }> {
  const python = await findPython();
  if (typeof python !== "string") return python;
  const figures: TorchFigures = { python, matmul: new Map(), training: new Map() };
  const jobs: string[][] = [["--matmul", o.sizes.join(",")]];
  for (const [m, batch] of o.models) jobs.push(["--steps", `${o.stepsFor(m)}`, modelKey(m, batch)]);
  for (const job of jobs) {
    const args = [SCRIPT, "--threads", `${o.threads}`, "--repeats", `${o.repeats}`, ...job];
    const output = await new Deno.Command(python, { args, stderr: "inherit" }).output();
    if (!output.success) return { why: `${python} ${SCRIPT} failed` };
    for (const line of new TextDecoder().decode(output.stdout).split("\n").filter(Boolean)) {
      const row = JSON.parse(line);
      if ("matmul" in row) figures.matmul.set(row.matmul, row.gflops);
      else {figures.training.set(
          modelKey({ kind: "gpt", vocab: 256, ...row }, row.batch),
          row.tokens_per_second,
        );}
    }
  }
  return figures;
}
