/**
 * The data: the declared sources and the mixtures over them (`mix a 0.7, b 0.3`, `normalised`,
 * `mix temperature T`, `replay W`), each resolved to normalised weights.
 * @module
 */
import { dirname } from "node:path";
import type * as A from "../syntax/ast.ts";
import { formatCount, formatNumber } from "../diagnostics/format_number.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import type { Source } from "../plan/schema.ts";
import { originOf, type RecipeContext, recipeNameAt, report } from "./context.ts";
import type { Located } from "./effective.ts";

/** Normalised weights by source name. */
export type Mixture = Record<string, number>;

/** What a mixture statement is resolved against. */
export interface MixtureScope {
  context: RecipeContext;
  /** Every declared source, ancestors' first. */
  sources: Source[];
  /** The parent checkpoint's mixture, which `replay` stands for; null without a parent. */
  replayMix: Mixture | null;
}

/** Every source the recipe declares (inherited ones first), with its size when it has one. */
export function readSources(context: RecipeContext): Source[] {
  const sources: Source[] = [];
  for (const s of context.effective.sources.values()) {
    const size = s.node.size
      ? context.read.measure({ node: s.node.size, source: s.source }, "the size", ["tokens"])
      : null;
    sources.push({
      name: s.node.name,
      kind: s.node.kind,
      uri: s.node.uri,
      ...(s.node.kind === "files" ? { base: dirname(s.source.path) || "." } : {}),
      ...(size ? { tokens: size.value } : {}),
      recipe: s.recipe,
      origin: originOf(s.source, s.node.nameSpan),
    });
  }
  return sources;
}

/**
 * The recipe's mixture before any phase sets one: its `mix` statement, the only source at weight 1, or an
 * empty mixture without sources. Null after a diagnostic.
 */
export function baseMixture(scope: MixtureScope): Mixture | null {
  const { effective, diagnostics } = scope.context;
  const sources = scope.sources;
  if (effective.mix) return resolveMixture(scope, effective.mix);
  if (sources.length === 1) return { [sources[0].name]: 1 };
  if (sources.length === 0) return {};
  report(
    diagnostics,
    "R0010",
    recipeNameAt(effective),
    `Recipe "${effective.recipe.recipe.name}" declares ${sources.length} sources but no mixture`,
    `add \`mix ${sources.map((s) => `${s.name} 1`).join(", ")}\` to the data block`,
  );
  return null;
}

/**
 * The normalised weights of a `mix` statement (in the order the sources are declared), or null after a
 * diagnostic.
 */
export function resolveMixture(scope: MixtureScope, stmt: Located<A.MixStmt>): Mixture | null {
  const weights = new Map<string, number>();
  const add = (source: string, w: number) => weights.set(source, (weights.get(source) ?? 0) + w);
  if (stmt.node.temperature && !addTemperatureWeights(scope, stmt, add)) return null;
  if (!addEntryWeights(scope, stmt, add)) return null;
  const diagnostics = scope.context.diagnostics;
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  if (!stmt.node.temperature && !stmt.node.normalised && total > 0 && Math.abs(total - 1) > 1e-9) {
    report(
      diagnostics,
      "R0031",
      stmt,
      `The mixture weights sum to ${formatNumber(Number(total.toPrecision(12)))}, not 1`,
      "make them sum to 1, or write `normalised` after them to scale them to 1",
    );
    return null;
  }
  if (!(total > 0)) {
    report(
      diagnostics,
      "R0010",
      stmt,
      "The mixture has no positive weight",
      "give at least one source a weight above 0",
    );
    return null;
  }
  const mix: Mixture = {};
  for (const s of scope.sources) {
    if ((weights.get(s.name) ?? 0) > 0) mix[s.name] = weights.get(s.name)! / total;
  }
  return mix;
}

/** Adds size^(1/T) for every source (`mix temperature T`); false after a diagnostic. */
function addTemperatureWeights(
  scope: MixtureScope,
  stmt: Located<A.MixStmt>,
  add: (source: string, weight: number) => void,
): boolean {
  const { read, diagnostics } = scope.context;
  const sources = scope.sources;
  const temperature = { node: stmt.node.temperature!, source: stmt.source };
  const tau = read.number(temperature, "the temperature", { min: 0, exclusive: true });
  if (tau === null) return false;
  const largest = Math.max(0, ...sources.map((s) => s.tokens ?? 0));
  // size^(1/T) of the largest source, summed over the sources, must stay a finite double.
  const lowest = Math.log(largest) / Math.log(Number.MAX_VALUE / Math.max(1, sources.length));
  if (largest > 1 && !(tau >= lowest)) {
    report(
      diagnostics,
      "R0009",
      temperature,
      `At temperature ${formatNumber(tau)} the weight size^(1/T) of a ${
        formatCount(largest)
      }-token source overflows`,
      `use a temperature of at least ${formatNumber(Number((lowest * 1.0001).toPrecision(3)))}`,
    );
    return false;
  }
  for (const s of sources) {
    if (s.tokens === undefined) {
      report(
        diagnostics,
        "R0009",
        stmt,
        `Temperature sampling needs the size of every source, and "${s.name}" has none`,
        `declare it with a size: ${s.name} = ${s.kind} "${s.uri}" size 1B tokens`,
      );
      return false;
    }
    add(s.name, Math.pow(s.tokens, 1 / tau));
  }
  return true;
}

/** Adds the weight of every `source W` and `replay W` entry; false after a diagnostic. */
function addEntryWeights(
  scope: MixtureScope,
  stmt: Located<A.MixStmt>,
  add: (source: string, weight: number) => void,
): boolean {
  const { read, diagnostics, effective } = scope.context;
  for (const entry of stmt.node.entries) {
    const nameAt = { node: { span: entry.nameSpan }, source: stmt.source };
    if (stmt.node.entries.find((e) => e.name === entry.name) !== entry) {
      report(
        diagnostics,
        "R0004",
        nameAt,
        `"${entry.name}" appears twice in this mixture`,
        "give each source one weight",
      );
      return false;
    }
    const w = read.number({ node: entry.weight, source: stmt.source }, `the weight of "${entry.name}"`, {
      min: 0,
    });
    if (w === null) return false;
    if (entry.replay) {
      if (!scope.replayMix) {
        report(
          diagnostics,
          "R0012",
          nameAt,
          "The `replay` weight needs a parent checkpoint to replay",
          'start the recipe from one: recipe "b" from "a" at "final"',
        );
        return false;
      }
      for (const [source, share] of Object.entries(scope.replayMix)) add(source, w * share);
    } else if (!effective.sources.has(entry.name)) {
      report(
        diagnostics,
        "R0011",
        nameAt,
        `Unknown source "${entry.name}"`,
        didYouMean(entry.name, effective.sources.keys()) ??
          'declare it in the data block: name = corpus "..."',
      );
      return false;
    } else add(entry.name, w);
  }
  return true;
}
