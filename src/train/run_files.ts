/**
 * Checks of a run directory before a run writes into it, so that a file where a directory belongs (or the
 * reverse) is one sentence naming it rather than an exception from deep inside a write.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";
import { join } from "node:path";

/** The files and directories a run writes, by name, and whether each is a directory. */
export const RUN_FILE_KINDS: Record<string, "file" | "directory"> = {
  "checkpoints": "directory",
  "metrics.jsonl": "file",
  "plan.json": "file",
  "report.md": "file",
};

async function kindOf(path: string): Promise<"file" | "directory" | "other" | "missing"> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? "file" : info.isDirectory ? "directory" : "other";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    // NotADirectory: a parent of `path` is a file.
    if (error instanceof Deno.errors.NotADirectory) return "other";
    throw new InputError(`Run path "${path}" cannot be read (${(error as Error).message})`);
  }
}

/**
 * Throws a one-line error when `out` is not a directory (or cannot become one), or, for a resumed run,
 * when one of the files a run writes has the wrong kind (metrics.jsonl as a directory). A fresh run
 * replaces those files, so only `out` itself is checked then.
 */
export async function checkRunFiles(out: string, options: { resume: boolean }): Promise<void> {
  const kind = await kindOf(out);
  if (kind === "file" || kind === "other") {
    throw new InputError(
      `Run directory "${out}" is ${kind === "file" ? "a file" : "not a directory (or lies under a file)"}: ` +
        "choose another --out",
    );
  }
  if (!options.resume || kind === "missing") return;
  for (const [name, expected] of Object.entries(RUN_FILE_KINDS)) {
    const path = join(out, name);
    const found = await kindOf(path);
    if (found !== "missing" && found !== expected) {
      throw new InputError(
        `Run file "${path}" is ${
          found === "directory" ? "a directory" : found === "file" ? "a file" : "not a file"
        }, ` +
          `not a ${expected}: move it away to resume the run`,
      );
    }
  }
}
