/**
 * What the browser bundle has in place of src/check/read_from_disk.ts: there is no disk in a page, so the
 * compiler reads only through the `readFile` its caller passes (src/web/build.ts swaps the module).
 * @module
 */

/**
 * Refuses to read: a page must pass `readFile` to `compileFile`.
 *
 * @example
 * ```ts
 * import { readFromDisk } from "./no_disk.ts";
 * const error = await readFromDisk("a.recipe").catch((e) => e);
 * console.assert(error instanceof Error);
 * ```
 */
export function readFromDisk(path: string): Promise<string> {
  return Promise.reject(new Error(`No file system in the browser to read "${path}" from; pass readFile`));
}
