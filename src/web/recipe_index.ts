/**
 * The `.recipe` files under the served directory, for the studio's file menu.
 * @module
 */
import { join, relative } from "node:path";

/** The most recipe files listed. */
export const MAX_RECIPES = 500;
const SKIP = new Set(["node_modules", "dist", "runs", "out", "scratch"]);

/**
 * Paths (relative to `root`, sorted) of the `.recipe` files under it, at most four folders deep, skipping
 * hidden folders, node_modules, dist, runs, out and scratch.
 *
 * @example
 * ```ts
 * import { listRecipes } from "./recipe_index.ts";
 * console.assert((await listRecipes(".")).includes("recipes/wsd.recipe"));
 * ```
 */
export async function listRecipes(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= MAX_RECIPES || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isFile && entry.name.endsWith(".recipe")) found.push(relative(root, path));
      else if (entry.isDirectory && depth < 4 && !SKIP.has(entry.name)) await walk(path, depth + 1);
    }
  }
  await walk(root, 0);
  return found.sort();
}
