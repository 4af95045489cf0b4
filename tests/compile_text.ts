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

/** Compiles one recipe text that must compile, and returns its plans (branches, sweep points). */
export async function compilePlans(text: string, recipe?: string): Promise<Plan[]> {
  const result = await compileFiles({ "r.recipe": text }, recipe);
  assert.ok(result.ok, formatDiagnostics(result.diagnostics));
  return result.plans;
}

/** Compiles one recipe text that must compile, and returns its first plan. */
export async function compilePlan(text: string, recipe?: string): Promise<Plan> {
  return (await compilePlans(text, recipe))[0];
}

/** The settings of a recipe that trains in a test in seconds: 30 updates of a 1 x 32 GPT on Brown's news. */
export const TINY_TRAINING = `budget 30 steps
  batch 4 x 32
  optimizer adamw { lr 1e-2 }
  model gpt { layers 1  width 32  heads 2  context 32 }
  data { news = corpus "brown/news" }
  schedule { warmup 10%  stable rest }`;

/** The codes of the diagnostics of a recipe text. */
export async function codesOf(text: string, recipe?: string): Promise<string[]> {
  return (await compileFiles({ "r.recipe": text }, recipe)).diagnostics.map((d) => d.code);
}
