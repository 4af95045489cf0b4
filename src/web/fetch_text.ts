/**
 * The pages' requests to the studio server: text and JSON, with a failed request as an Error that names the
 * URL and status, and a 404 as the compiler's NotFound (so a missing import is an R0014 diagnostic).
 * @module
 */
import { NotFound } from "./browser.ts";

/**
 * The text at `url` (relative to the page), or an error: `NotFound` for a 404.
 *
 * @example
 * ```ts ignore
 * import { fetchText } from "./fetch_text.ts";
 * const recipe = await fetchText("/files/recipes/wsd.recipe");
 * ```
 */
export async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { cache: "no-store" });
  if (response.status === 404) {
    await response.body?.cancel();
    throw new NotFound(`"${url}" does not exist`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url}: ${response.status} ${response.statusText}`);
  }
  return await response.text();
}

/**
 * The JSON at `url`, as `T` (the server's own answers; not validated).
 *
 * @example
 * ```ts ignore
 * import { fetchJson } from "./fetch_text.ts";
 * const recipes = await fetchJson<string[]>("/api/recipes");
 * ```
 */
export async function fetchJson<T>(url: string): Promise<T> {
  return JSON.parse(await fetchText(url)) as T;
}
