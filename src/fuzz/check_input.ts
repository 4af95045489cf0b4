/**
 * Compiling one fuzz input and saying what, if anything, went wrong with the compiler (not with the
 * recipe: diagnostics are the right answer to a broken recipe).
 * @module
 */
import { compileFile } from "../plan/compile.ts";
import { SourceText } from "../diagnostics/source_text.ts";
import { planProblems } from "../plan/invariants.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";

/** An input that takes longer than this to compile is a hang. */
export const HANG_MS = 2000;

/** What went wrong: an exception, a hang, a diagnostic outside the file, or a plan that breaks the invariants. */
export type FailureKind = "crash" | "hang" | "unlocated" | "bad-plan";

/** One failure, with enough to reproduce it. */
export interface Failure {
  kind: FailureKind;
  detail: string;
}

/** The outcome of compiling one input. */
export interface InputResult {
  ms: number;
  ok: boolean;
  diagnostics: number;
  failures: Failure[];
}

/** The name the fuzz input is compiled as. */
export const INPUT_NAME = "fuzz.recipe";

/**
 * Compiles `text` as `fuzz.recipe` (with `files` readable beside it, for imports) and checks the result:
 * no exception, under {@link HANG_MS}, every diagnostic inside its file and line, every plan sound.
 */
export async function checkInput(text: string, files: ReadonlyMap<string, string>): Promise<InputResult> {
  const readFile = (path: string) => {
    const content = path === INPUT_NAME ? text : files.get(path);
    return content === undefined ? Promise.reject(new Deno.errors.NotFound(path)) : Promise.resolve(content);
  };
  const failures: Failure[] = [];
  const started = performance.now();
  let result;
  try {
    result = await compileFile(INPUT_NAME, { readFile });
  } catch (error) {
    const e = error as Error;
    failures.push({ kind: "crash", detail: `${e?.name}: ${e?.message}`.slice(0, 300) });
  }
  const ms = performance.now() - started;
  if (ms > HANG_MS) failures.push({ kind: "hang", detail: `${ms.toFixed(0)} ms` });
  if (!result) return { ms, ok: false, diagnostics: 0, failures };
  const sources = new Map<string, SourceText>();
  const sourceOf = (file: string) => {
    if (!sources.has(file)) {
      const content = file === INPUT_NAME ? text : files.get(file);
      sources.set(file, new SourceText(file, content ?? ""));
    }
    return sources.get(file)!;
  };
  for (const d of result.diagnostics) {
    const problem = locationProblem(d, sourceOf(d.file));
    if (problem) failures.push({ kind: "unlocated", detail: `${d.code} "${d.message}": ${problem}` });
  }
  for (const plan of result.plans) {
    const problems = planProblems(plan);
    if (problems.length) failures.push({ kind: "bad-plan", detail: `${plan.name}: ${problems[0]}` });
  }
  return { ms, ok: result.ok, diagnostics: result.diagnostics.length, failures };
}

/** Why a diagnostic's position is not inside its file, or null. */
export function locationProblem(d: Diagnostic, source: SourceText): string | null {
  if (!Number.isInteger(d.line) || !Number.isInteger(d.column)) return `position ${d.line}:${d.column}`;
  if (d.line < 1 || d.line > source.lineCount) return `line ${d.line} of a ${source.lineCount}-line file`;
  const length = source.lineLength(d.line);
  if (d.column < 1 || d.column > length + 1) {
    return `column ${d.column} of line ${d.line}, which is ${length} characters long`;
  }
  if (d.endColumn < d.column || d.endColumn > length + 2) {
    return `end column ${d.endColumn} of line ${d.line}, which is ${length} characters long`;
  }
  return null;
}
