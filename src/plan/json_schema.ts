/**
 * The plan's JSON Schema, generated from the zod schema (the single source of truth).
 * @module
 */
import { z } from "zod";
import { Plan, PLAN_VERSION } from "./schema.ts";

/**
 * JSON Schema (draft 2020-12) of the plan.
 *
 * @example
 * ```ts
 * import { planJsonSchema } from "../../mod.ts";
 * planJsonSchema().title; // "Recipe plan, version 1"
 * ```
 */
export function planJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(Plan), title: `Recipe plan, version ${PLAN_VERSION}` };
}
