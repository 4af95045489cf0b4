/**
 * The file a URL path names under the served directory, or null: the server serves nothing outside it.
 * @module
 */
import { join, resolve, sep as SEPARATOR } from "node:path";

/**
 * The absolute path under `root` that `urlPath` (as it appears in the URL, percent-encoded) names, or null
 * when it is malformed, names a hidden file (`.git`), climbs with `..` (encoded or not), or holds a NUL or
 * a backslash. An absolute path (`//etc/passwd`, `%2Fetc`) is taken as relative to `root`. Symbolic links
 * are checked by the caller with {@link isInside} on the real path.
 *
 * @example
 * ```ts
 * import { pathUnder } from "./safe_path.ts";
 * console.assert(pathUnder("/srv", "recipes/wsd.recipe") === "/srv/recipes/wsd.recipe");
 * console.assert(pathUnder("/srv", "../etc/passwd") === null && pathUnder("/srv", "%2e%2e/x") === null);
 * console.assert(pathUnder("/srv", "%2Fetc%2Fpasswd") === "/srv/etc/passwd");
 * ```
 */
export function pathUnder(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (/[\0\\]/.test(decoded)) return null;
  const parts = decoded.split("/").filter((part) => part !== "");
  if (parts.some((part) => part.startsWith("."))) return null;
  const path = join(resolve(root), ...parts);
  return isInside(resolve(root), path) ? path : null;
}

/**
 * True when `path` is `root` or under it (both absolute and normalised).
 *
 * @example
 * ```ts
 * import { isInside } from "./safe_path.ts";
 * console.assert(isInside("/srv", "/srv/a") && !isInside("/srv", "/srv2/a") && !isInside("/srv", "/etc"));
 * ```
 */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(SEPARATOR) ? root : root + SEPARATOR);
}
