/**
 * Finding the checkpoints a killed run can resume from, most updates first.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { join } from "node:path";
import { CHECKPOINT_FILES, readCheckpointState } from "./checkpoint/checkpoint.ts";

/** A checkpoint directory with all its files (each file is written atomically, so present means whole). */
async function isComplete(dir: string): Promise<boolean> {
  const names = Object.values(CHECKPOINT_FILES);
  const present = await Promise.all(
    names.map((n) => Deno.stat(join(dir, n)).then((info) => info.isFile, () => false)),
  );
  return present.every(Boolean);
}

/**
 * The checkpoint directories under `checkpointsDir` with all their files: the named ones and the hidden
 * copies a kill in the middle of replacing a checkpoint leaves (see atomic_write.ts), sorted by name.
 */
export async function completeCheckpoints(checkpointsDir: string): Promise<string[]> {
  const entries = await Array.fromAsync(Deno.readDir(checkpointsDir)).catch(() => []);
  const dirs: string[] = [];
  for (const entry of entries) {
    const hiddenCopy = /^\..+\.tmp-/.test(entry.name);
    if (!entry.isDirectory || (entry.name.startsWith(".") && !hiddenCopy)) continue;
    const dir = join(checkpointsDir, entry.name);
    if (await isComplete(dir)) dirs.push(dir);
  }
  return dirs.sort();
}

/** What `resumeCandidates` found. */
export interface ResumeCandidates {
  /** Checkpoints of the plan, most updates first (ties by directory name). */
  candidates: { dir: string; step: number }[];
  /** Complete checkpoint directories whose state.json is unreadable or changed, with why. */
  damaged: { dir: string; reason: string }[];
}

/**
 * The checkpoints under `checkpointsDir` made by the plan with hash `hash`, most updates first, and those
 * whose state.json does not verify. No checkpoint at all gives two empty lists; a run that followed
 * another plan is an error.
 */
export async function resumeCandidates(checkpointsDir: string, hash: string): Promise<ResumeCandidates> {
  const found: { dir: string; step: number; hash: string }[] = [];
  const damaged: { dir: string; reason: string }[] = [];
  for (const dir of await completeCheckpoints(checkpointsDir)) {
    try {
      const state = await readCheckpointState(dir);
      // An average or an EMA is not where training stood: never resume from it.
      if (!state.average && state.ema === undefined) {
        found.push({ dir, step: state.step, hash: state.planHash });
      }
    } catch (error) {
      damaged.push({ dir, reason: (error as Error).message });
    }
  }
  const matching = found.filter((c) => c.hash === hash);
  if (found.length > 0 && matching.length === 0) {
    throw new InputError(
      `The run in "${checkpointsDir}" followed another plan (hash "${found[0].hash.slice(0, 12)}", ` +
        `this plan's is "${
          hash.slice(0, 12)
        }"): resume it with the recipe it was started with, or start afresh`,
    );
  }
  matching.sort((a, b) => b.step - a.step || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return { candidates: matching.map(({ dir, step }) => ({ dir, step })), damaged };
}

/**
 * The checkpoint directory under `checkpointsDir` with the most updates done among those made by the plan
 * with hash `hash` (its state.json verified; the tensor files are verified when it is loaded). Throws a
 * clear error when there is none, or when the run followed another plan.
 */
export async function latestCheckpoint(checkpointsDir: string, hash: string): Promise<string> {
  const { candidates, damaged } = await resumeCandidates(checkpointsDir, hash);
  if (candidates.length === 0) {
    const why = damaged.length ? ` (${damaged[0].reason})` : "";
    throw new InputError(
      `No checkpoint to resume from in "${checkpointsDir}"${why}: start the run without --resume`,
    );
  }
  return candidates[0].dir;
}
