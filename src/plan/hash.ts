/**
 * A stable fingerprint of a plan, so that checkpoints and child recipes can tell which plan made them.
 * @module
 */
import type { Plan } from "./schema.ts";

/**
 * SHA-256 (hex) of what the plan does: its canonical JSON (key order is fixed by the schema) without the
 * places it was written (`file` and every `origin`), so the same recipe compiled from another directory,
 * or with comments moved, has the same hash.
 *
 * @example
 * ```ts
 * import { compileFile, planHash } from "../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * console.assert(await planHash(plan) === await planHash({ ...plan, file: "elsewhere/wsd.recipe" }));
 * ```
 */
export async function planHash(plan: Plan): Promise<string> {
  const bytes = new TextEncoder().encode(
    JSON.stringify(plan, (key, value) => (key === "origin" || key === "file" ? undefined : value)),
  );
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
