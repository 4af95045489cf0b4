/**
 * What the language server knows about one open document: its text, its parse (with the files it imports)
 * and its compilation, made with a file reader that serves open documents before the disk.
 * @module
 */
import { normalize, resolve } from "node:path";
import { compileFile, type CompileResult } from "../plan/compile.ts";
import { loadProgram, type Program, type ReadFile, readFromDisk } from "../check/load.ts";
import { SourceText } from "../diagnostics/source_text.ts";
import type { Origin } from "../plan/schema.ts";

/** One document, analysed. */
export interface Analysis {
  /** The document's path, normalised, as the compiler names it in diagnostics and origins. */
  path: string;
  source: SourceText;
  /** The document and its imports, parsed (the document's own AST is `program.entry`, null on syntax errors). */
  program: Program;
  /** Every recipe of the document compiled: diagnostics, and plans when there are no errors. */
  result: CompileResult;
}

/**
 * Whether a plan item's origin is where offset `start` of the analysed document is: the test that finds
 * what a declaration under the cursor became in the plans.
 *
 * @example
 * ```ts
 * import { analyse, originAt } from "./analysis.ts";
 * const analysis = await analyse("recipes/wsd.recipe", (p) => Deno.readTextFile(p));
 * const isDecay = originAt(analysis, analysis.source.text.indexOf("decay rest"));
 * console.assert(analysis.result.plans[0].phases.some((p) => isDecay(p.origin)));
 * ```
 */
export function originAt(analysis: Analysis, start: number): (origin: Origin) => boolean {
  const at = analysis.source.position(start);
  return (o) => o.file === analysis.path && o.line === at.line && o.column === at.column;
}

/** The key of a path in the open documents: absolute and normalised. */
export function documentKey(path: string): string {
  return normalize(resolve(path));
}

/**
 * A reader that returns the text of an open document (by its absolute path) and reads other files from disk.
 *
 * @example
 * ```ts
 * import { readOpenFirst } from "./analysis.ts";
 * const read = readOpenFirst(new Map([["/tmp/x.recipe", "let a = 1"]]));
 * console.assert(await read("/tmp/x.recipe") === "let a = 1");
 * ```
 */
export function readOpenFirst(open: ReadonlyMap<string, string>, disk: ReadFile = readFromDisk): ReadFile {
  return (path) => {
    const text = open.get(documentKey(path));
    return text === undefined ? disk(path) : Promise.resolve(text);
  };
}

/**
 * Parses and compiles the document at `path` (whose text `readFile` serves).
 *
 * @example
 * ```ts
 * import { analyse } from "./analysis.ts";
 * const analysis = await analyse("recipes/wsd.recipe", (p) => Deno.readTextFile(p));
 * console.assert(analysis.result.ok && analysis.program.entry !== null);
 * ```
 */
export async function analyse(path: string, readFile: ReadFile): Promise<Analysis> {
  const key = documentKey(path);
  const program = await loadProgram(key, readFile);
  const result = await compileFile(key, { readFile, every: true });
  const text = program.entry?.source.text ?? await readFile(key).catch(() => "");
  return { path: key, source: new SourceText(key, text), program, result };
}
