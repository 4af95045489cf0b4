/**
 * A checkpoint: a directory holding the weights (model.safetensors), the AdamW state
 * (optimizer.safetensors) and a JSON sidecar (state.json: step, sampler state, plan hash), written
 * atomically as a whole.
 * @module
 */
import { join } from "node:path";
import type { Engine, HostTensor } from "../engine.ts";
import type { Model } from "../../plan/schema.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { writeDirectoryAtomic } from "./atomic_write.ts";

/** The file names inside a checkpoint directory. */
export const CHECKPOINT_FILES = {
  weights: "model.safetensors",
  optimizer: "optimizer.safetensors",
  state: "state.json",
} as const;

/** The JSON sidecar of a checkpoint. */
export interface CheckpointState {
  format: "recipe-checkpoint";
  version: 1;
  /** Updates done: the weights are those after `step` updates. */
  step: number;
  /** The name of the plan that made it. */
  plan: string;
  /** `planHash` of the plan the run followed. */
  planHash: string;
  /** `planHash` of the plan as compiled, before a `--proxy` scaling (equal to planHash without one). */
  recipePlanHash: string;
  model: Model;
  /** The sampler's state: batches are a pure function of (seed, step). */
  sampler: { seed: number; step: number };
  /** Tokens trained on so far. */
  tokens: number;
  /** The checkpoint names this one was saved as, e.g. ["latest"] or ["pre-cooldown"]. */
  names: string[];
}

/** What a checkpoint holds once loaded. */
export interface LoadedCheckpoint {
  state: CheckpointState;
  weights: HostTensor[];
  optimizer: { step: number; tensors: HostTensor[] };
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n");

/**
 * Reads the engine's weights and optimizer state and writes them with `state` to `dir` atomically.
 * Returns false, writing nothing, when a weight is NaN or infinite (the last good checkpoint stays).
 */
export async function saveCheckpoint(dir: string, engine: Engine, state: CheckpointState): Promise<boolean> {
  const weights = await engine.readWeights();
  if (weights.some((t) => !t.data.every(Number.isFinite))) return false;
  const optimizer = await engine.readOptimizerState();
  await writeDirectoryAtomic(dir, {
    [CHECKPOINT_FILES.weights]: encodeSafetensors(weights, { format: "pt", step: String(state.step) }),
    [CHECKPOINT_FILES.optimizer]: encodeSafetensors(optimizer.tensors, { step: String(optimizer.step) }),
    [CHECKPOINT_FILES.state]: json(state),
  });
  return true;
}

/** Reads only a checkpoint's sidecar; throws a clear error when `dir` holds no checkpoint. */
export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const path = join(dir, CHECKPOINT_FILES.state);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`No checkpoint at "${dir}": "${path}" does not exist`);
    }
    throw error;
  }
  const state = JSON.parse(text) as CheckpointState;
  if (state.format !== "recipe-checkpoint") {
    throw new Error(`"${path}" is not a Recipe checkpoint sidecar (format "${state.format}")`);
  }
  return state;
}

/** Reads a whole checkpoint directory. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const state = await readCheckpointState(dir);
  const weights = decodeSafetensors(await Deno.readFile(join(dir, CHECKPOINT_FILES.weights)));
  const optimizer = decodeSafetensors(await Deno.readFile(join(dir, CHECKPOINT_FILES.optimizer)));
  return {
    state,
    weights: weights.tensors,
    optimizer: { step: Number(optimizer.metadata.step ?? state.step), tensors: optimizer.tensors },
  };
}

/** Writes a loaded checkpoint's weights (and optimizer state unless `weightsOnly`) into the engine. */
export async function restoreCheckpoint(
  engine: Engine,
  checkpoint: LoadedCheckpoint,
  options: { weightsOnly?: boolean } = {},
): Promise<void> {
  await engine.writeWeights(checkpoint.weights);
  if (!options.weightsOnly) await engine.writeOptimizerState(checkpoint.optimizer);
}
