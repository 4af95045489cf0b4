/**
 * Compiling recipes held in memory, for tests.
 * @module
 */
import assert from "node:assert/strict";
import { compileFile, type CompileResult } from "../src/plan/compile.ts";
import { formatDiagnostics } from "../src/diagnostics/diagnostic.ts";
import type { Plan } from "../src/plan/schema.ts";

/** Compiles in-memory files; the first is the entry. */
export async function compileFiles(files: Record<string, string>, recipe?: string): Promise<CompileResult> {
  const [entry] = Object.keys(files);
  const readFile = (
    p: string,
  ) => (p in files ? Promise.resolve(files[p]) : Promise.reject(new Deno.errors.NotFound(p)));
  return await compileFile(entry, { recipe, readFile });
}

/** Compiles one recipe text that must compile, and returns its first plan. */
export async function compilePlan(text: string, recipe?: string): Promise<Plan> {
  const result = await compileFiles({ "r.recipe": text }, recipe);
  assert.ok(result.ok, formatDiagnostics(result.diagnostics));
  return result.plans[0];
}

/** The codes of the diagnostics of a recipe text. */
export async function codesOf(text: string, recipe?: string): Promise<string[]> {
  return (await compileFiles({ "r.recipe": text }, recipe)).diagnostics.map((d) => d.code);
}
