/**
 * What the server says about one run directory under runs/: its name and how far its files have been
 * written, so that a page refetches a run's metrics only when they changed.
 * @module
 */

/** One run directory: the size and modification time of its metrics.jsonl, and whether plan.json exists. */
export interface RunEntry {
  name: string;
  /** Bytes of metrics.jsonl (0 when not written yet). */
  size: number;
  /** Modification time of metrics.jsonl, ms since the epoch (0 when not written yet). */
  mtime: number;
  plan: boolean;
}

/**
 * True when the page's copy of a run (`before`) is out of date with `now`.
 *
 * @example
 * ```ts
 * import { changed } from "./run_entry.ts";
 * const entry = { name: "a", size: 10, mtime: 1, plan: true };
 * console.assert(!changed(entry, entry) && changed(entry, { ...entry, size: 20 }) && changed(undefined, entry));
 * ```
 */
export function changed(before: RunEntry | undefined, now: RunEntry): boolean {
  return !before || before.size !== now.size || before.mtime !== now.mtime || before.plan !== now.plan;
}
