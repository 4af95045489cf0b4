/**
 * The effective recipe: a recipe merged with its ancestors (`extends` and `from`). The nearest definition
 * wins: budget, batch, mixture, schedule and recipe-level checkpoints are taken whole; optimizer and model
 * settings, parameter groups, sources and lets are merged by name. Every item keeps the file it was written in.
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import type { LocatedRecipe, Program } from "../check/load.ts";
import type { LocatedLet } from "../check/scope.ts";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../diagnostics/suggest.ts";

/** An AST node and the file it was written in. */
export interface Located<T> {
  node: T;
  source: SourceText;
}

/** A recipe with everything it inherits resolved. */
export interface EffectiveRecipe {
  recipe: LocatedRecipe;
  /**
   * The `from ... at ...` parent (continual pretraining), if any, and the recipe of the ancestry that
   * names it (`child`: a branch, when the `from` is a branch's).
   */
  init: { parent: LocatedRecipe; child: LocatedRecipe; ref: A.ParentRef; source: SourceText } | null;
  lets: Map<string, LocatedLet>;
  budget: Located<A.Quantity> | null;
  batch: Located<A.BatchStmt> | null;
  optimizer: Map<string, Located<A.Setting>>;
  /** Parameter groups by name, ancestors' first (a descendant's group of the same name replaces it). */
  groups: Map<string, Located<A.GroupDecl>>;
  model: Map<string, Located<A.Setting>>;
  /** Sources by name, ancestors' first, with the name of the recipe that declared each. */
  sources: Map<string, Located<A.SourceDecl> & { recipe: string }>;
  mix: Located<A.MixStmt> | null;
  schedule: Located<(A.PhaseDecl | A.CyclesDecl)[]> | null;
  /** The schedules of other quantities, by quantity: a descendant's replaces its ancestor's. */
  timelines: Map<A.TimelineQuantity, Located<A.TimelineDecl>>;
  checkpoints: Located<A.CheckpointStmt>[];
}

/** Resolves the ancestry of `name` and merges it; reports unknown parents, cycles and duplicates. */
export function effectiveRecipe(
  program: Program,
  name: string,
  diagnostics: Diagnostic[],
): EffectiveRecipe | null {
  const chain = ancestry(program, name, diagnostics);
  if (!chain) return null;
  // The nearest `from` in the ancestry sets where training starts: `extends` of a continual-pretraining
  // recipe keeps its starting checkpoint.
  const fromIndex = chain.findIndex((r) => r.recipe.parent?.kind === "from");
  const effective: EffectiveRecipe = {
    recipe: chain[0],
    init: fromIndex >= 0
      ? {
        parent: chain[fromIndex + 1],
        child: chain[fromIndex],
        ref: chain[fromIndex].recipe.parent!,
        source: chain[fromIndex].file.source,
      }
      : null,
    lets: new Map(),
    budget: null,
    batch: null,
    optimizer: new Map(),
    groups: new Map(),
    model: new Map(),
    sources: new Map(),
    mix: null,
    schedule: null,
    timelines: new Map(),
    checkpoints: [],
  };
  mergeFileLets(effective, chain, diagnostics);
  // Root first, so that descendants override.
  for (const located of chain.toReversed()) mergeRecipe(effective, located, diagnostics);
  return effective;
}

/** Recipe `name` and its ancestors (`extends` and `from`), nearest first; null after R0017 or R0023. */
function ancestry(program: Program, name: string, diagnostics: Diagnostic[]): LocatedRecipe[] | null {
  const located = program.recipes.get(name)!;
  const chain: LocatedRecipe[] = [located];
  for (let current = located; current.recipe.parent;) {
    const ref = current.recipe.parent;
    const parent = program.recipes.get(ref.recipe);
    if (!parent) {
      diagnostics.push(
        diagnostic(
          "R0017",
          current.file.source,
          ref.span,
          `Unknown parent recipe "${ref.recipe}"`,
          didYouMean(ref.recipe, program.recipes.keys()) ?? "import the file that defines it",
        ),
      );
      return null;
    }
    if (chain.includes(parent)) {
      diagnostics.push(
        diagnostic(
          "R0023",
          current.file.source,
          ref.span,
          `Recipe "${located.recipe.name}" is its own ancestor through "${ref.recipe}"`,
          "break the cycle of extends/from",
        ),
      );
      return null;
    }
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/**
 * File-level lets first (root's file first), then recipe-level lets (root first, in {@link mergeRecipe}): a
 * recipe's own lets override everything it inherits, and a file-level let never overrides a recipe's.
 */
function mergeFileLets(effective: EffectiveRecipe, chain: LocatedRecipe[], diagnostics: Diagnostic[]): void {
  for (const { file } of chain.toReversed()) {
    for (const decl of file.ast.lets) {
      const earlier = effective.lets.get(decl.name);
      if (earlier?.source === file.source && earlier.decl !== decl) {
        diagnostics.push(
          diagnostic(
            "R0004",
            file.source,
            decl.nameSpan,
            `Let "${decl.name}" is defined twice in this file`,
            "remove one of them",
          ),
        );
      }
      effective.lets.set(decl.name, { decl, source: file.source });
    }
  }
}

/** Merges one recipe of the ancestry over what its ancestors gave `effective`. */
function mergeRecipe(
  effective: EffectiveRecipe,
  { recipe, file }: LocatedRecipe,
  diagnostics: Diagnostic[],
): void {
  const source = file.source;
  const at = <T>(node: T | null): Located<T> | null => (node ? { node, source } : null);
  const duplicate = (span: A.Span, message: string, hint: string) =>
    diagnostics.push(diagnostic("R0004", source, span, message, hint));
  for (const decl of recipe.lets) {
    if (recipe.lets.find((other) => other.name === decl.name) !== decl) {
      duplicate(decl.nameSpan, `Let "${decl.name}" is defined twice in this recipe`, "remove one of them");
    }
    effective.lets.set(decl.name, { decl, source });
  }
  effective.budget = at(recipe.budget) ?? effective.budget;
  effective.batch = at(recipe.batch) ?? effective.batch;
  for (const setting of recipe.optimizer ?? []) {
    effective.optimizer.set(setting.key, { node: setting, source });
  }
  for (const group of recipe.groups) {
    if (recipe.groups.find((other) => other.name === group.name) !== group) {
      duplicate(group.nameSpan, `Group "${group.name}" is defined twice`, "give each group its own name");
    }
    effective.groups.set(group.name, { node: group, source });
  }
  for (const setting of recipe.model ?? []) effective.model.set(setting.key, { node: setting, source });
  const own = new Set<string>();
  for (const decl of recipe.sources) {
    if (own.has(decl.name)) {
      duplicate(decl.nameSpan, `Source "${decl.name}" is declared twice`, "rename one of them");
    }
    own.add(decl.name);
    effective.sources.set(decl.name, { node: decl, source, recipe: recipe.name });
  }
  for (const m of recipe.mixes.slice(1)) {
    duplicate(m.span, "The data mixture is given twice", "keep one mix statement in the data block");
  }
  effective.mix = at(recipe.mixes[0] ?? null) ?? effective.mix;
  effective.schedule = at(recipe.schedule) ?? effective.schedule;
  // The EMA is not inherited (each recipe keeps its own, or none), and neither is the schedule of its decay.
  effective.timelines.delete("ema");
  for (const timeline of recipe.timelines) effective.timelines.set(timeline.quantity, at(timeline)!);
  if (recipe.checkpoints.length) effective.checkpoints = recipe.checkpoints.map((node) => ({ node, source }));
}
