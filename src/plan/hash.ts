/**
 * A stable fingerprint of a plan, so that checkpoints and child recipes can tell which plan made them.
 * @module
 */
import type { Plan } from "./schema.ts";

/**
 * SHA-256 (hex) of the plan's canonical JSON (`JSON.stringify` of the validated plan, whose key order is
 * fixed by the lowering).
 *
 * @example
 * ```ts
 * import { planHash } from "../../mod.ts";
 * // const hash = await planHash(plan); // "3f2a..."
 * ```
 */
export async function planHash(plan: Plan): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(plan));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
