/**
 * Finding the checkpoint a killed run resumes from.
 * @module
 */
import { join } from "node:path";
import { readCheckpointState } from "./checkpoint/checkpoint.ts";

/** A checkpoint directory with all its files (each file is written atomically, so present means whole). */
async function isComplete(dir: string): Promise<boolean> {
  const names = ["state.json", "model.safetensors", "optimizer.safetensors"];
  const present = await Promise.all(names.map((n) => Deno.stat(join(dir, n)).then(() => true, () => false)));
  return present.every(Boolean);
}

/**
 * The checkpoint directory under `checkpointsDir` with the most updates done among those made by the plan
 * with hash `hash`. Throws a clear error when there is none, or when the run followed another plan.
 */
export async function latestCheckpoint(checkpointsDir: string, hash: string): Promise<string> {
  const candidates: { dir: string; step: number; hash: string }[] = [];
  const entries = await Array.fromAsync(Deno.readDir(checkpointsDir)).catch(() => []);
  for (const entry of entries) {
    // A kill in the middle of replacing a checkpoint leaves the old and the new one under hidden
    // temporary names (see atomic_write.ts): they count too.
    const hiddenCopy = /^\..+\.tmp-/.test(entry.name);
    if (!entry.isDirectory || (entry.name.startsWith(".") && !hiddenCopy)) continue;
    const dir = join(checkpointsDir, entry.name);
    if (!await isComplete(dir)) continue;
    const state = await readCheckpointState(dir).catch(() => null);
    if (state) candidates.push({ dir, step: state.step, hash: state.planHash });
  }
  if (candidates.length === 0) {
    throw new Error(`No checkpoint to resume from in "${checkpointsDir}": start the run without --resume`);
  }
  const matching = candidates.filter((c) => c.hash === hash);
  if (matching.length === 0) {
    throw new Error(
      `The run in "${checkpointsDir}" followed another plan (hash "${candidates[0].hash.slice(0, 12)}", ` +
        `this plan's is "${
          hash.slice(0, 12)
        }"): resume it with the recipe it was started with, or start afresh`,
    );
  }
  matching.sort((a, b) => b.step - a.step || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return matching[0].dir;
}
