/**
 * A checkpoint: a directory holding the weights (model.safetensors), the AdamW state
 * (optimizer.safetensors), for a run that keeps an EMA of the weights its state (ema.safetensors), and a
 * JSON sidecar (state.json: step, sampler state, plan hash), written atomically as a whole.
 * @module
 */
import { InputError } from "../../diagnostics/input_error.ts";
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

/** The file of the EMA of the weights, in the checkpoints of a run that keeps one. */
export const EMA_FILE = "ema.safetensors";

/** What state.json records about one tensor file: its SHA-256, size, and the tensors it must hold. */
export interface FileRecord {
  sha256: string;
  bytes: number;
  /** Tensor names and shapes, in the file's order. */
  tensors: { name: string; shape: number[] }[];
}

/** A directory that holds no checkpoint at all (as opposed to a damaged one). */
export class NoCheckpointError extends InputError {
  override name = "NoCheckpointError";
}

/** The JSON sidecar of a checkpoint. */
export interface CheckpointState {
  format: "recipe-checkpoint";
  /** 2: with checksums of the tensor files and of the sidecar itself. */
  version: 2;
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
  /** For an averaged checkpoint: the checkpoints whose weights it averages (never resumed from). */
  average?: string[];
  /** For the checkpoint of an EMA of the weights: its decay (never resumed from). */
  ema?: number;
  /** The tensor files by name (filled in by `saveCheckpoint`). */
  files?: Record<string, FileRecord>;
  /** SHA-256 of this JSON without the `checksum` field (filled in by `saveCheckpoint`). */
  checksum?: string;
}

/** What a checkpoint holds once loaded. */
export interface LoadedCheckpoint {
  state: CheckpointState;
  weights: HostTensor[];
  optimizer: { step: number; tensors: HostTensor[] };
  /** The EMA of the weights the run kept, if it keeps one. */
  ema: HostTensor[] | null;
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n");

/** The SHA-256 of `bytes` in hex. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The checksum of a sidecar: SHA-256 of its JSON without `checksum`. */
async function stateChecksum(state: CheckpointState): Promise<string> {
  const { checksum: _, ...rest } = state;
  return await sha256(new TextEncoder().encode(JSON.stringify(rest)));
}

async function fileRecord(bytes: Uint8Array, tensors: HostTensor[]): Promise<FileRecord> {
  return {
    sha256: await sha256(bytes),
    bytes: bytes.length,
    tensors: tensors.map((t) => ({ name: t.name, shape: [...t.shape] })),
  };
}

/** What a checkpoint keeps of an engine: its weights, optimizer state and EMA. */
export interface EngineState {
  weights: HostTensor[];
  optimizer: { step: number; tensors: HostTensor[] };
  ema: HostTensor[] | null;
}

/** Reads an engine's weights, optimizer state and EMA back from the GPU, once for every checkpoint of an update. */
export async function readEngineState(engine: Engine): Promise<EngineState> {
  return {
    weights: await engine.readWeights(),
    optimizer: await engine.readOptimizerState(),
    ema: await engine.readEma(),
  };
}

/**
 * Writes `engine`'s state (with other `weights` when given: an average's, the EMA's) and `state` to `dir`
 * atomically, with the SHA-256 of each tensor file and of the sidecar recorded in state.json. Returns
 * false, writing nothing, when a weight is NaN or infinite (the last good checkpoint stays).
 */
export async function saveCheckpoint(
  dir: string,
  engine: EngineState,
  state: CheckpointState,
  weights: HostTensor[] = engine.weights,
): Promise<boolean> {
  if (weights.some((t) => !t.data.every(Number.isFinite))) return false;
  const { optimizer, ema } = engine;
  const asWeights = { format: "pt", step: String(state.step) };
  const tensorFiles = [
    { name: CHECKPOINT_FILES.weights, tensors: weights, metadata: asWeights },
    {
      name: CHECKPOINT_FILES.optimizer,
      tensors: optimizer.tensors,
      metadata: { step: String(optimizer.step) },
    },
    ...(ema ? [{ name: EMA_FILE, tensors: ema, metadata: asWeights }] : []),
  ].map((f) => ({ ...f, bytes: encodeSafetensors(f.tensors, f.metadata) }));
  const files: Record<string, FileRecord> = {};
  for (const f of tensorFiles) files[f.name] = await fileRecord(f.bytes, f.tensors);
  const sealed: CheckpointState = { ...state, version: 2, files };
  delete sealed.checksum;
  sealed.checksum = await stateChecksum(sealed);
  await writeDirectoryAtomic(dir, {
    ...Object.fromEntries(tensorFiles.map((f) => [f.name, f.bytes])),
    [CHECKPOINT_FILES.state]: json(sealed),
  });
  return true;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads only a checkpoint's sidecar and verifies its checksum; throws a plain `Error` naming the file
 * when `dir` holds no checkpoint, or its state.json is not one, or was changed after it was written.
 */
export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const path = join(dir, CHECKPOINT_FILES.state);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new NoCheckpointError(`No checkpoint at "${dir}": "${path}" does not exist`);
    }
    throw new InputError(`Checkpoint file "${path}" cannot be read (${(error as Error).message})`);
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new InputError(`Checkpoint file "${path}" is not JSON (${(error as Error).message})`);
  }
  if (!isObject(state) || state.format !== "recipe-checkpoint") {
    throw new InputError(`"${path}" is not a Recipe checkpoint sidecar`);
  }
  if (state.version !== 2 || typeof state.checksum !== "string" || !isObject(state.files)) {
    throw new InputError(
      `"${path}" is a checkpoint of version '${state.version}' without checksums: ` +
        "it was written by an older Recipe; start the run afresh",
    );
  }
  const checked = state as unknown as CheckpointState;
  if (await stateChecksum(checked) !== checked.checksum) {
    throw new InputError(
      `Checkpoint file "${path}" was changed after it was written (its checksum does not match)`,
    );
  }
  return checked;
}

/** Reads one tensor file of a checkpoint and checks it against what state.json recorded. */
async function readTensorFile(dir: string, name: string, state: CheckpointState) {
  const path = join(dir, name);
  const record = state.files?.[name];
  if (!record) throw new InputError(`Checkpoint "${dir}" records no checksum of "${name}"`);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "does not exist" : `cannot be read (${error})`;
    throw new InputError(`Checkpoint file "${path}" ${why}`);
  }
  if (bytes.length !== record.bytes) {
    throw new InputError(
      `Checkpoint file "${path}" holds '${bytes.length}' bytes, state.json recorded '${record.bytes}' ` +
        "(it was cut short or changed)",
    );
  }
  if (await sha256(bytes) !== record.sha256) {
    throw new InputError(
      `Checkpoint file "${path}" does not match the SHA-256 in state.json (it was changed after it was written)`,
    );
  }
  let content;
  try {
    content = decodeSafetensors(bytes);
  } catch (error) {
    throw new InputError(`Checkpoint file "${path}": ${(error as Error).message}`);
  }
  const found = content.tensors.map((t) => `${t.name}[${t.shape}]`).join(" ");
  const expected = record.tensors.map((t) => `${t.name}[${t.shape}]`).join(" ");
  if (found !== expected) {
    throw new InputError(
      `Checkpoint file "${path}" does not hold the tensors state.json lists (names or shapes differ)`,
    );
  }
  return content;
}

/**
 * Reads a whole checkpoint directory, verifying every file against the checksums in state.json; throws a
 * plain `Error` naming the first file that is missing, torn or changed.
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const state = await readCheckpointState(dir);
  const weights = await readTensorFile(dir, CHECKPOINT_FILES.weights, state);
  const optimizer = await readTensorFile(dir, CHECKPOINT_FILES.optimizer, state);
  const ema = state.files?.[EMA_FILE] ? await readTensorFile(dir, EMA_FILE, state) : null;
  return {
    state,
    weights: weights.tensors,
    optimizer: { step: Number(optimizer.metadata.step ?? state.step), tensors: optimizer.tensors },
    ema: ema?.tensors ?? null,
  };
}

/**
 * Writes a loaded checkpoint's weights (and, unless `weightsOnly`, its optimizer state and EMA of the
 * weights) into the engine.
 */
export async function restoreCheckpoint(
  engine: Engine,
  checkpoint: LoadedCheckpoint,
  options: { weightsOnly?: boolean } = {},
): Promise<void> {
  await engine.writeWeights(checkpoint.weights);
  if (options.weightsOnly) return;
  await engine.writeOptimizerState(checkpoint.optimizer);
  if (checkpoint.ema) await engine.writeEma(checkpoint.ema);
}
