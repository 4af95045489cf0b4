/**
 * The TextMate grammar of `.recipe` files (for VS Code, and for web editors that read TextMate grammars
 * such as Monaco with vscode-textmate or Shiki), generated from the tokens in grammar/tokens.ts by
 * `deno task fixtures` into editors/vscode/syntaxes/recipe.tmLanguage.json.
 * @module
 */
import type { TokenType } from "chevrotain";
import * as t from "./tokens.ts";

/** Where `deno task fixtures` writes the grammar, relative to the repository root. */
export const TEXTMATE_PATH = "editors/vscode/syntaxes/recipe.tmLanguage.json";

/** The keyword categories, each with its TextMate scope. Every keyword of tokens.ts is in exactly one. */
export const KEYWORD_CATEGORIES: readonly { name: string; scope: string; tokens: readonly TokenType[] }[] = [
  {
    name: "statements",
    scope: "keyword.control.recipe",
    tokens: [
      t.Import,
      t.Let,
      t.Recipe,
      t.From,
      t.At,
      t.Extends,
      t.Branch,
      t.Budget,
      t.Batch,
      t.Optimizer,
      t.Group,
      t.Model,
      t.Data,
      t.Mix,
      t.Schedule,
      t.Checkpoint,
      t.Every,
      t.Average,
      t.Of,
      t.Last,
      t.Ema,
      t.Until,
      t.Rest,
      t.To,
      t.Cycles,
      t.Mult,
      t.Period,
      t.Over,
      t.Sweep,
    ],
  },
  {
    name: "phases",
    scope: "entity.name.function.phase.recipe",
    tokens: [t.Warmup, t.Stable, t.Decay, t.Cooldown, t.Rewarm, t.PhaseKw],
  },
  {
    name: "shapes",
    scope: "support.function.shape.recipe",
    tokens: [
      t.Constant,
      t.Linear,
      t.Cosine,
      t.Exponential,
      t.Polynomial,
      t.InverseSqrt,
      t.Rex,
      t.StepShape,
      t.OneMinusSqrt,
    ],
  },
  { name: "units", scope: "keyword.other.unit.recipe", tokens: [t.Steps, t.Tokens, t.Samples, t.Percent] },
  {
    name: "settings",
    scope: "variable.parameter.setting.recipe",
    tokens: [
      t.Lr,
      t.Betas,
      t.Eps,
      t.WeightDecay,
      t.Clip,
      t.Beta1,
      t.Beta2,
      t.Layers,
      t.Width,
      t.Heads,
      t.Context,
      t.Vocab,
      t.Timescale,
      t.Power,
      t.Size,
      t.Temperature,
    ],
  },
  {
    name: "kinds",
    scope: "support.type.recipe",
    tokens: [t.Adamw, t.Gpt, t.Corpus, t.Files, t.Dataset],
  },
  {
    name: "modifiers",
    scope: "storage.modifier.recipe",
    tokens: [t.Inclusive, t.Normalised, t.Replay, t.Start, t.End, t.None, t.Times],
  },
];

/** The built-in functions of expressions (names, not keywords). */
export const BUILTIN_FUNCTIONS: readonly string[] = ["min", "max", "sqrt", "round"];

/** The text a token stands for: `"warmup"` -> warmup. */
export function tokenWord(token: TokenType): string {
  return String(token.LABEL).slice(1, -1);
}

const NAME_CHAR = "[A-Za-z0-9_]";

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A match for `words` as whole names (a keyword followed by a name character is a name). */
function wordsPattern(words: readonly string[]): string {
  const sorted = [...words].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const alternatives = sorted.map(escapeRegex).join("|");
  return `(?<!${NAME_CHAR})(?:${alternatives})(?!${NAME_CHAR})`;
}

/** The number token's pattern with the magnitude suffix and `x` captured (groups 2 and 3). */
function numberPattern(): string {
  const source = (t.NumberLiteral.PATTERN as RegExp).source;
  const suffix = "[KMBT]?";
  const relative = "(?:x(?!";
  const cut = source.indexOf(suffix);
  if (cut < 0 || !source.includes(relative)) {
    throw new Error(`NumberLiteral's pattern changed; update numberPattern: ${source}`);
  }
  const digits = source.slice(0, cut);
  const rest = source.slice(cut + suffix.length).replace(relative, "(x(?!");
  return `(?<![A-Za-z0-9_.])(${digits})([KMBT])?${rest}`;
}

function categoryRule(category: (typeof KEYWORD_CATEGORIES)[number]) {
  const words = category.tokens.filter((token) => token !== t.OneMinusSqrt && token !== t.Percent)
    .map(tokenWord);
  return { name: category.scope, match: wordsPattern(words) };
}

/**
 * The TextMate grammar as a JSON-ready object (scope `source.recipe`).
 *
 * @example
 * ```ts
 * import { textmateGrammar } from "./textmate.ts";
 * const grammar = textmateGrammar();
 * console.assert(grammar.scopeName === "source.recipe" && grammar.fileTypes[0] === "recipe");
 * ```
 */
export function textmateGrammar() {
  const category = (name: string) => KEYWORD_CATEGORIES.find((c) => c.name === name)!;
  return {
    $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    name: "Recipe",
    scopeName: "source.recipe",
    fileTypes: ["recipe"],
    comment: "Generated from grammar/tokens.ts by `deno task fixtures` (grammar/textmate.ts); do not edit.",
    patterns: [
      "comment",
      "string",
      "one-minus-sqrt",
      "number",
      ...KEYWORD_CATEGORIES.map((c) => c.name),
      "function",
      "name",
      "operator",
      "punctuation",
    ].map((name) => ({ include: `#${name}` })),
    repository: {
      comment: { name: "comment.line.number-sign.recipe", match: (t.Comment.PATTERN as RegExp).source },
      string: {
        name: "string.quoted.double.recipe",
        match: (t.StringLiteral.PATTERN as RegExp).source,
        captures: { 0: { patterns: [{ name: "constant.character.escape.recipe", match: '\\\\["\\\\nt]' }] } },
      },
      "one-minus-sqrt": {
        name: category("shapes").scope,
        match: `(?<![A-Za-z0-9_.])${(t.OneMinusSqrt.PATTERN as RegExp).source}`,
      },
      number: {
        name: "constant.numeric.recipe",
        match: numberPattern(),
        captures: {
          2: { name: "keyword.other.unit.magnitude.recipe" },
          3: { name: "keyword.other.unit.relative.recipe" },
        },
      },
      ...Object.fromEntries(KEYWORD_CATEGORIES.map((c) => [c.name, categoryRule(c)])),
      function: {
        match: `${wordsPattern(BUILTIN_FUNCTIONS)}(?=\\s*\\()`,
        name: "support.function.builtin.recipe",
      },
      name: { name: "variable.other.recipe", match: (t.Identifier.PATTERN as RegExp).source },
      operator: {
        patterns: [
          { name: "keyword.operator.unit.percent.recipe", match: "%" },
          { name: "keyword.operator.assignment.recipe", match: "=" },
          { name: "keyword.operator.arithmetic.recipe", match: "[-+*/]" },
        ],
      },
      punctuation: {
        patterns: [
          { name: "punctuation.section.block.recipe", match: "[{}]" },
          { name: "punctuation.section.brackets.recipe", match: "[\\[\\]()]" },
          { name: "punctuation.separator.comma.recipe", match: "," },
        ],
      },
    },
  };
}

/**
 * The grammar file's text, as `deno task fixtures` writes it (and the test compares).
 *
 * @example
 * ```ts
 * import { textmateJson } from "./textmate.ts";
 * console.assert(JSON.parse(textmateJson()).name === "Recipe");
 * ```
 */
export function textmateJson(): string {
  return JSON.stringify(textmateGrammar(), null, 2) + "\n";
}
