/**
 * Go to definition: a source or let name, a recipe named after `extends` or `from`, a checkpoint named
 * after `from "r" at`, and an imported file, found in the document and the files it imports.
 * @module
 */
import { dirname, isAbsolute, join, normalize } from "node:path";
import { type IToken, tokenMatcher } from "chevrotain";
import { lexer, Name } from "../../grammar/tokens.ts";
import type { LoadedFile, LocatedRecipe, Program } from "../check/load.ts";
import type { CheckpointStmt, RecipeDecl, Span } from "../syntax/ast.ts";
import type { Analysis } from "./analysis.ts";

/** Where a name is defined: a span of a loaded file, or (for an import) the start of a file. */
export type Definition = { file: LoadedFile; span: Span } | { path: string };

/** The token of `text` under `offset` (or just before it, for a cursor at a word's end). */
export function tokenAt(text: string, offset: number): { tokens: IToken[]; index: number } | null {
  const tokens = lexer.tokenize(text).tokens;
  let index = tokens.findIndex((t) => t.startOffset <= offset && offset < t.startOffset + t.image.length);
  if (index < 0) index = tokens.findIndex((t) => t.startOffset + t.image.length === offset);
  return index < 0 ? null : { tokens, index };
}

/** Recipe `name` and the recipes it extends or starts from, nearest first. */
function lineage(program: Program, name: string): LocatedRecipe[] {
  const chain: LocatedRecipe[] = [];
  for (let next = program.recipes.get(name); next && !chain.includes(next);) {
    chain.push(next);
    next = next.recipe.parent ? program.recipes.get(next.recipe.parent.recipe) : undefined;
  }
  return chain;
}

function allCheckpoints(recipe: RecipeDecl): CheckpointStmt[] {
  const phases = (recipe.schedule ?? []).flatMap((item) => item.kind === "cycles" ? item.phases : [item]);
  return [...recipe.checkpoints, ...phases.flatMap((p) => p.checkpoints)];
}

/** A `let` or source called `name`, seen from the recipe that holds `offset` (then the file's lets). */
function nameDefinition(analysis: Analysis, name: string, offset: number): Definition | null {
  const { program } = analysis;
  const entry = program.entry!;
  const here = entry.ast.recipes.find((r) => r.span.start <= offset && offset <= r.span.end);
  const chain = here ? lineage(program, here.name) : [];
  for (const { recipe, file } of chain) {
    const source = recipe.sources.find((s) => s.name === name);
    if (source) return { file, span: source.nameSpan };
    const local = recipe.lets.find((l) => l.name === name);
    if (local) return { file, span: local.nameSpan };
  }
  for (const file of [entry, ...chain.map((c) => c.file)]) {
    const global = file.ast.lets.find((l) => l.name === name);
    if (global) return { file, span: global.nameSpan };
  }
  return null;
}

/** The text of a string token (its escapes are JSON's), or "" for one JSON does not read. */
function stringValue(token: IToken | undefined): string {
  try {
    return token ? JSON.parse(token.image) : "";
  } catch {
    return "";
  }
}

/** The definition named by the string token at `index`, from the words before it. */
function stringDefinition(analysis: Analysis, tokens: IToken[], index: number): Definition | null {
  const value = stringValue(tokens[index]);
  const before = (k: number) => tokens[index - k]?.tokenType.name;
  const { program } = analysis;
  if (before(1) === "Import") {
    return { path: normalize(isAbsolute(value) ? value : join(dirname(analysis.path), value)) };
  }
  if (before(1) === "Extends" || before(1) === "From" || before(1) === "Recipe") {
    const found = program.recipes.get(value);
    return found ? { file: found.file, span: found.recipe.nameSpan } : null;
  }
  if (before(1) === "At" && before(3) === "From") {
    for (const { recipe, file } of lineage(program, stringValue(tokens[index - 2]))) {
      const stmt = allCheckpoints(recipe).find((c) => c.name === value);
      if (stmt) return { file, span: stmt.span };
    }
  }
  return null;
}

/**
 * The definition of the name or string under `offset` in the analysed document, or null.
 *
 * @example
 * ```ts
 * import { analyse } from "./analysis.ts";
 * import { definitionAt } from "./definition.ts";
 * const analysis = await analyse("recipes/wsd.recipe", (p) => Deno.readTextFile(p));
 * const found = definitionAt(analysis, analysis.source.text.indexOf("news 0.3"));
 * console.assert(found !== null && "file" in found && found.file.source.text.slice(found.span.start, found.span.end) === "news");
 * ```
 */
export function definitionAt(analysis: Analysis, offset: number): Definition | null {
  if (!analysis.program.entry) return null;
  const at = tokenAt(analysis.source.text, offset);
  if (!at) return null;
  const token = at.tokens[at.index];
  if (tokenMatcher(token, Name)) return nameDefinition(analysis, token.image, offset);
  if (token.tokenType.name === "StringLiteral") return stringDefinition(analysis, at.tokens, at.index);
  return null;
}
