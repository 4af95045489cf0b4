/**
 * The run directories under `<root>/runs` as the dashboard sees them, and a stream of server-sent events
 * that repeats the list whenever it changes (a run writing metrics, a new run appearing).
 * @module
 */
import { join } from "node:path";
import type { RunEntry } from "./run_entry.ts";

/** The most runs listed (the newest names last in sorted order are kept). */
export const MAX_RUNS = 200;

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/**
 * The runs under `<root>/runs`, sorted by name; a directory without metrics.jsonl yet is listed with size 0
 * (a run just starting). No runs directory gives an empty list.
 *
 * @example
 * ```ts
 * import { listRuns } from "./run_index.ts";
 * const runs = await listRuns("tests/testdata/predict");
 * console.assert(Array.isArray(runs));
 * ```
 */
export async function listRuns(root: string): Promise<RunEntry[]> {
  const dir = join(root, "runs");
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory && !entry.name.startsWith(".")) names.push(entry.name);
    }
  } catch {
    return [];
  }
  names.sort();
  return await Promise.all(
    names.slice(-MAX_RUNS).map(async (name) => {
      const metrics = await statOrNull(join(dir, name, "metrics.jsonl"));
      const plan = await statOrNull(join(dir, name, "plan.json"));
      return {
        name,
        size: metrics?.isFile ? metrics.size : 0,
        mtime: metrics?.isFile ? metrics.mtime?.getTime() ?? 0 : 0,
        plan: plan?.isFile ?? false,
      };
    }),
  );
}

/**
 * A text/event-stream body that sends the run list at once and again every time it changes (checked every
 * `intervalMs`), until the client goes away.
 *
 * @example
 * ```ts
 * import { runEvents } from "./run_index.ts";
 * const reader = runEvents("tests/testdata/predict", 50).getReader();
 * const first = new TextDecoder().decode((await reader.read()).value);
 * console.assert(first.startsWith("data: "));
 * await reader.cancel();
 * ```
 */
export function runEvents(root: string, intervalMs = 500): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = "";
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      for (;;) {
        const now = JSON.stringify(await listRuns(root));
        if (now !== last) {
          last = now;
          controller.enqueue(encoder.encode(`data: ${now}\n\n`));
          return;
        }
        await new Promise((done) => timer = setTimeout(done, intervalMs));
      }
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}
