/**
 * Completion: the language's keywords (by category: statements, phases, shapes, units, settings), the
 * built-in functions, the roles of parameter groups, and the names the document knows: its sources, lets, recipes and checkpoints.
 * @module
 */
import { type CompletionItem, CompletionItemKind } from "vscode-languageserver";
import { BUILTIN_FUNCTIONS, KEYWORD_CATEGORIES, tokenWord } from "../../grammar/textmate.ts";
import type { Program } from "../check/load.ts";
import { GroupRole } from "../plan/schema.ts";

const KIND_OF_CATEGORY: Record<string, CompletionItemKind> = {
  statements: CompletionItemKind.Keyword,
  phases: CompletionItemKind.Class,
  shapes: CompletionItemKind.Function,
  units: CompletionItemKind.Unit,
  settings: CompletionItemKind.Property,
  kinds: CompletionItemKind.TypeParameter,
  modifiers: CompletionItemKind.Keyword,
};

/** The keywords and built-in functions, each once. */
export const KEYWORD_ITEMS: readonly CompletionItem[] = [
  ...KEYWORD_CATEGORIES.flatMap((category) =>
    category.tokens.map((token) => ({
      label: tokenWord(token),
      kind: KIND_OF_CATEGORY[category.name] ?? CompletionItemKind.Keyword,
      detail: category.name.replace(/s$/, ""),
    }))
  ),
  ...BUILTIN_FUNCTIONS.map((name) => ({
    label: name,
    kind: CompletionItemKind.Function,
    detail: "function",
  })),
  // The roles a `group` selects by are names, not keywords (so that `matrices` stays free for a let).
  ...GroupRole.options.map((role) => ({
    label: role,
    kind: CompletionItemKind.EnumMember,
    detail: "parameter group role",
  })),
];

/** The names `program` defines: sources, lets, recipes (quoted) and checkpoints, averages and EMAs (quoted). */
function knownNames(program: Program): CompletionItem[] {
  const items = new Map<string, CompletionItem>();
  const add = (label: string, kind: CompletionItemKind, detail: string) => {
    if (!items.has(label)) items.set(label, { label, kind, detail });
  };
  for (const file of program.files.values()) {
    for (const let_ of file.ast.lets) add(let_.name, CompletionItemKind.Variable, "let");
    for (const recipe of file.ast.recipes) {
      add(JSON.stringify(recipe.name), CompletionItemKind.Module, "recipe");
      for (const source of recipe.sources) {
        add(source.name, CompletionItemKind.Field, `source (${source.kind})`);
      }
      for (const let_ of recipe.lets) add(let_.name, CompletionItemKind.Variable, `let in "${recipe.name}"`);
      const phases = (recipe.schedule ?? []).flatMap((item) => item.kind === "cycles" ? item.phases : [item]);
      for (const checkpoint of [...recipe.checkpoints, ...phases.flatMap((p) => p.checkpoints)]) {
        if (checkpoint.name) add(JSON.stringify(checkpoint.name), CompletionItemKind.Constant, "checkpoint");
      }
      for (const average of recipe.averages) {
        add(JSON.stringify(average.name), CompletionItemKind.Constant, "average");
      }
      if (recipe.ema) add(JSON.stringify(recipe.ema.name), CompletionItemKind.Constant, "EMA of the weights");
    }
  }
  return [...items.values()];
}

/**
 * The completion items for a document: the keywords, then the names of `program` (the document's last
 * parse that succeeded, or null).
 *
 * @example
 * ```ts
 * import { loadProgram } from "../check/load.ts";
 * import { completionItems } from "./completion.ts";
 * const items = completionItems(await loadProgram("recipes/wsd.recipe"));
 * console.assert(["cosine", "warmup", "news", '"wsd-small"'].every((l) => items.some((i) => i.label === l)));
 * ```
 */
export function completionItems(program: Program | null): CompletionItem[] {
  return [...KEYWORD_ITEMS, ...(program ? knownNames(program) : [])];
}
