/**
 * Writing files and directories atomically: into a temporary name in the same directory, then renamed, so
 * that a reader (or a resumed run after a kill) sees either the old content or the new, never a torn one.
 * Replacing a directory takes two renames; a kill between them leaves the old and the new directory under
 * hidden temporary names, which `temporaryCopies` finds so that a resume can still use them.
 * @module
 */
import { basename, dirname, join } from "node:path";

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
}

/** The hidden temporary copies of `path` that an interrupted write left beside it. */
export async function temporaryCopies(path: string): Promise<string[]> {
  const prefix = `.${basename(path)}.tmp-`;
  const entries = await Array.fromAsync(Deno.readDir(dirname(path))).catch(() => []);
  return entries.filter((e) => e.isDirectory && e.name.startsWith(prefix)).map((e) =>
    join(dirname(path), e.name)
  );
}

/**
 * Writes `data` to `path` through a temporary file that is synced and then renamed over `path`.
 *
 * @example
 * ```ts
 * const path = `${await Deno.makeTempDir()}/plan.json`;
 * await writeFileAtomic(path, new TextEncoder().encode("{}"));
 * console.assert(await Deno.readTextFile(path) === "{}");
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const temporary = temporaryName(path);
  try {
    const file = await Deno.open(temporary, { write: true, create: true, truncate: true });
    try {
      let written = 0;
      while (written < data.length) written += await file.write(data.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Writes a directory of files atomically: the files go into a temporary directory beside `path`, which
 * then replaces `path` (an existing `path` is first renamed aside and removed after the swap).
 */
export async function writeDirectoryAtomic(path: string, files: Record<string, Uint8Array>): Promise<void> {
  const temporary = temporaryName(path);
  await Deno.mkdir(temporary, { recursive: true });
  try {
    for (const [name, data] of Object.entries(files)) await writeFileAtomic(join(temporary, name), data);
    const previous = temporaryName(path);
    const existed = await Deno.rename(path, previous).then(() => true, () => false);
    await Deno.rename(temporary, path);
    if (existed) await Deno.remove(previous, { recursive: true });
    // Copies an earlier, interrupted swap left behind are stale now.
    for (const stale of await temporaryCopies(path)) {
      await Deno.remove(stale, { recursive: true }).catch(() => {});
    }
  } catch (error) {
    await Deno.remove(temporary, { recursive: true }).catch(() => {});
    throw error;
  }
}
