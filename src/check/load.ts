/**
 * Loading a recipe file with everything it imports: relative paths, import cycles, missing files, and the
 * recipes each file can see by name.
 * @module
 */
import { dirname, isAbsolute, join, normalize } from "node:path";
import type { FileAst, RecipeDecl } from "../syntax/ast.ts";
import { parse } from "../syntax/parse.ts";
import { type Diagnostic, diagnostic, fileDiagnostic } from "../diagnostics/diagnostic.ts";
import { SourceText } from "../diagnostics/source_text.ts";
import { FILE_NAME_HINT, fileNameProblem } from "../diagnostics/file_name.ts";
import { MAX_FILE_BYTES } from "../diagnostics/limits.ts";
import { formatCount } from "../diagnostics/format_number.ts";
import { readFromDisk } from "./read_from_disk.ts";

/**
 * Reads a file's text; the default reads from disk, tests and the web studio pass their own. A reader says a
 * file does not exist by throwing an error named "NotFound" (as Deno.errors.NotFound is).
 */
export type ReadFile = (path: string) => Promise<string>;

// The reader behind the default, in its own module so that a browser bundle can swap it (src/web/build.ts).
export { readFromDisk };

/** A parsed file with its line index. */
export interface LoadedFile {
  ast: FileAst;
  source: SourceText;
}

/** A recipe and the file that declares it. */
export interface LocatedRecipe {
  recipe: RecipeDecl;
  file: LoadedFile;
}

/** The entry file and every file it imports, parsed. */
export interface Program {
  entry: LoadedFile | null;
  files: Map<string, LoadedFile>;
  /** Recipes by name, from every loaded file. */
  recipes: Map<string, LocatedRecipe>;
  diagnostics: Diagnostic[];
}

/** True when `text` takes more than {@link MAX_FILE_BYTES} bytes of UTF-8 (no string is built to tell). */
function tooLarge(text: string): boolean {
  // A UTF-16 unit takes 1 to 3 bytes (a surrogate pair 4), so the length bounds the byte count both ways.
  if (text.length > MAX_FILE_BYTES) return true;
  if (text.length * 3 <= MAX_FILE_BYTES) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4; // a surrogate pair (an unpaired one is counted high)
      i++;
    } else bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return bytes > MAX_FILE_BYTES;
}

/**
 * Loads `entryPath` and its imports (depth first). Import paths are relative to the importing file.
 *
 * @example
 * ```ts
 * import { loadProgram } from "./load.ts";
 * const program = await loadProgram("recipes/cpt-replay.recipe");
 * program.recipes.has("wsd-small"); // true: imported from wsd.recipe
 * ```
 */
export async function loadProgram(entryPath: string, readFile: ReadFile = readFromDisk): Promise<Program> {
  const loader = new ProgramLoader(readFile);
  loader.program.entry = await loader.load(entryPath);
  return loader.program;
}

/** Loads files depth first, following imports, keeping the chain of files being loaded to find cycles. */
class ProgramLoader {
  readonly program: Program = { entry: null, files: new Map(), recipes: new Map(), diagnostics: [] };
  readonly #active: string[] = [];

  constructor(readonly readFile: ReadFile) {}

  /** One file and everything it imports; null when it cannot be read or has syntax errors. */
  async load(path: string): Promise<LoadedFile | null> {
    const key = normalize(path);
    const known = this.program.files.get(key);
    if (known) return known;
    const text = await this.#read(key);
    if (text === null) return null;
    const parsed = parse(text, key);
    // One at a time: a spread of half a million lexer errors overflows the call stack.
    for (const d of parsed.diagnostics) this.program.diagnostics.push(d);
    if (!parsed.ast) return null;
    const file: LoadedFile = { ast: parsed.ast, source: new SourceText(key, text) };
    this.program.files.set(key, file);
    this.#active.push(key);
    for (const entry of parsed.ast.imports) await this.#import(file, entry);
    this.#active.pop();
    for (const recipe of parsed.ast.recipes) this.#define(file, recipe);
    return file;
  }

  /** The text of a file, or null with R0014 (missing, unreadable) or R0027 (too large). */
  async #read(key: string): Promise<string | null> {
    let text: string;
    try {
      text = await this.readFile(key);
    } catch (error) {
      const reason = (error as Error)?.name === "NotFound"
        ? "does not exist"
        : `cannot be read (${(error as Error).message})`;
      this.program.diagnostics.push(
        fileDiagnostic(
          "R0014",
          key,
          `File "${key}" ${reason}`,
          "check the path; imports are relative to the importing file",
        ),
      );
      return null;
    }
    if (!tooLarge(text)) return text;
    this.program.diagnostics.push(
      fileDiagnostic(
        "R0027",
        key,
        `File "${key}" is larger than the limit of ${MAX_FILE_BYTES / 1024} KiB (${
          formatCount(MAX_FILE_BYTES)
        } bytes)`,
        "a recipe is a few kilobytes; check that this is the file you meant",
      ),
    );
    return null;
  }

  /** One import of `file`: R0013 for a cycle; a missing file is reported at the import. */
  async #import(file: LoadedFile, entry: FileAst["imports"][number]): Promise<void> {
    const key = file.source.path;
    const target = normalize(isAbsolute(entry.path) ? entry.path : join(dirname(key), entry.path));
    if (this.#active.includes(target)) {
      const cycle = [...this.#active.slice(this.#active.indexOf(target)), target].join(" -> ");
      this.program.diagnostics.push(
        diagnostic("R0013", file.source, entry.span, `Import cycle: ${cycle}`, "remove one of these imports"),
      );
      return;
    }
    const imported = await this.load(target);
    if (imported || this.program.files.has(target)) return;
    const diagnostics = this.program.diagnostics;
    const last = diagnostics.at(-1);
    if (last?.code === "R0014" && last.file === target) {
      diagnostics[diagnostics.length - 1] = diagnostic(
        "R0014",
        file.source,
        entry.span,
        `Imported file "${entry.path}" does not exist${
          entry.path === target ? "" : ` (looked for "${target}")`
        }`,
        "check the path; imports are relative to the importing file",
      );
    }
  }

  /** A recipe of `file` by name: R0025 for a name that cannot be a file name, R0004 for a second definition. */
  #define(file: LoadedFile, recipe: RecipeDecl): void {
    const problem = fileNameProblem(recipe.name);
    if (problem) {
      this.program.diagnostics.push(
        diagnostic(
          "R0025",
          file.source,
          recipe.nameSpan,
          `The recipe name ${JSON.stringify(recipe.name)} names its run directory and files, but ${problem}`,
          FILE_NAME_HINT,
        ),
      );
    }
    const previous = this.program.recipes.get(recipe.name);
    if (previous) {
      this.program.diagnostics.push(
        diagnostic(
          "R0004",
          file.source,
          recipe.nameSpan,
          `Recipe "${recipe.name}" is defined twice (also in ${previous.file.source.path})`,
          "rename one of them",
        ),
      );
      return;
    }
    this.program.recipes.set(recipe.name, { recipe, file });
  }
}
