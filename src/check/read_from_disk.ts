/**
 * The default file reader of the compiler: reads from disk with a size cap. The browser bundle replaces this
 * module (src/web/build.ts), so nothing Deno-only reaches the page.
 * @module
 */
import { MAX_FILE_BYTES } from "../diagnostics/limits.ts";

/**
 * Reads files from disk: at most one byte more than {@link MAX_FILE_BYTES}, so that a huge file or a
 * device such as /dev/zero is refused (R0027) instead of read to the end.
 *
 * @example
 * ```ts
 * import { readFromDisk } from "./read_from_disk.ts";
 * const text = await readFromDisk("recipes/wsd.recipe");
 * console.assert(text.includes("recipe"));
 * ```
 */
export async function readFromDisk(path: string): Promise<string> {
  const file = await Deno.open(path);
  try {
    const buffer = new Uint8Array(MAX_FILE_BYTES + 1);
    let size = 0;
    while (size < buffer.length) {
      const n = await file.read(buffer.subarray(size));
      if (n === null) break;
      size += n;
    }
    return new TextDecoder().decode(buffer.subarray(0, size));
  } finally {
    file.close();
  }
}
