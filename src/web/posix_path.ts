/**
 * What `node:path` is in the browser bundle (src/web/build.ts): pathe's POSIX path functions, which behave
 * as Node's for the compiler's relative and absolute import paths.
 *
 * @example
 * ```ts
 * import { dirname, join, normalize } from "./posix_path.ts";
 * console.assert(normalize(join(dirname("recipes/cpt.recipe"), "../wsd.recipe")) === "wsd.recipe");
 * ```
 * @module
 */
export * from "pathe";
