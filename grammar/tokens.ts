/**
 * The tokens of the recipe language and its lexer. Keywords are reserved words that fall back to
 * identifiers when a longer name matches (`lr` vs `lr_peak`).
 * @module
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

/**
 * Any name of a `let` or of a value in an expression: an identifier, or one of the setting words that read
 * naturally as names (`let width = 128`, `lr / width`). A token category: it matches no text of its own.
 */
export const Name = createToken({ name: "Name", pattern: Lexer.NA, label: "a name" });

/** Names: let bindings, source names. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: "a name",
  categories: [Name],
});

const keywordTokens: TokenType[] = [];
/** A reserved word; with `isName`, also a name where the grammar takes one (see {@link Name}). */
function keyword(word: string, name = word[0].toUpperCase() + word.slice(1), isName = false): TokenType {
  const token = createToken({
    name,
    pattern: new RegExp(word.replace(/[-]/g, "\\-")),
    longer_alt: Identifier,
    label: `"${word}"`,
    categories: isName ? [Name] : [],
  });
  keywordTokens.push(token);
  return token;
}
/** A setting word that is also a name where the grammar takes one: `let width = 128`. */
const setting = (word: string, name?: string) => keyword(word, name, true);

export const Import = keyword("import");
export const Let = keyword("let");
export const Recipe = keyword("recipe");
export const From = keyword("from");
export const At = keyword("at");
export const Extends = keyword("extends");
export const Branch = keyword("branch");
export const Budget = setting("budget");
export const Batch = setting("batch");
export const Optimizer = keyword("optimizer");
export const Adamw = keyword("adamw");
export const Model = keyword("model");
export const Gpt = keyword("gpt");
export const Data = keyword("data");
export const Mix = keyword("mix");
export const Replay = keyword("replay");
export const Temperature = setting("temperature");
export const Normalised = keyword("normalised");
export const Size = setting("size");
export const Corpus = keyword("corpus");
export const Files = keyword("files");
export const Dataset = keyword("dataset");
export const Schedule = keyword("schedule");
export const Checkpoint = keyword("checkpoint");
export const Every = keyword("every");
export const Average = keyword("average");
export const Of = keyword("of");
export const Last = keyword("last");
export const Ema = keyword("ema");
export const Start = keyword("start");
export const End = keyword("end");
export const Until = keyword("until");
export const Rest = keyword("rest");
export const To = keyword("to");
export const Cycles = keyword("cycles");
export const Mult = keyword("mult");
export const Period = setting("period");
export const Over = keyword("over");
export const Inclusive = keyword("inclusive");
export const Sweep = keyword("sweep");
export const None = keyword("none");
export const Times = keyword("x", "Times");
// Settings.
export const Lr = setting("lr");
export const Betas = setting("betas");
export const Eps = setting("eps");
export const WeightDecay = setting("weight_decay", "WeightDecay");
export const Clip = setting("clip");
export const Beta1 = setting("beta1");
export const Beta2 = setting("beta2");
export const Layers = setting("layers");
export const Width = setting("width");
export const Heads = setting("heads");
export const Context = setting("context");
export const Vocab = setting("vocab");
export const Timescale = setting("timescale");
export const Power = setting("power");
// Parameter groups: `group "hidden" matrices { lr 0.5x }` inside the optimizer block.
export const Group = keyword("group");
// Phases.
export const Warmup = keyword("warmup");
export const Stable = keyword("stable");
export const Decay = keyword("decay");
export const Cooldown = keyword("cooldown");
export const Rewarm = keyword("rewarm");
export const PhaseKw = keyword("phase", "PhaseKw");
// Shapes.
export const Constant = keyword("constant");
export const Linear = keyword("linear");
export const Cosine = keyword("cosine");
export const Exponential = keyword("exponential");
export const Polynomial = keyword("polynomial");
export const InverseSqrt = keyword("inverse-sqrt", "InverseSqrt");
export const Rex = keyword("rex");
export const StepShape = keyword("step", "StepShape");
/** `1-sqrt` is one token so that it never lexes as `1 - sqrt`. */
export const OneMinusSqrt = createToken({ name: "OneMinusSqrt", pattern: /1-sqrt/, label: '"1-sqrt"' });
// Units.
export const Steps = keyword("steps");
export const Tokens = keyword("tokens");
export const Samples = keyword("samples");
export const Percent = createToken({ name: "Percent", pattern: /%/, label: '"%"' });

/**
 * A number, with an optional magnitude suffix (K, M, B, T) and an optional `x` meaning "times the peak"
 * (`0.1x`). The suffixes must touch the digits.
 */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[KMBT]?(?:x(?![A-Za-z0-9_]))?/,
  label: "a number",
});
/** A double-quoted string on one line; `\"`, `\\`, `\n` and `\t` escapes. */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n\r]|\\.)*"/,
  label: "a string",
});

export const LBrace = createToken({ name: "LBrace", pattern: /\{/, label: '"{"' });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/, label: '"}"' });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: '"("' });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: '")"' });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: '"["' });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: '"]"' });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: '","' });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: '"="' });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: '"+"' });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: '"-"' });
export const Star = createToken({ name: "Star", pattern: /\*/, label: '"*"' });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: '"/"' });

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });

/** Every token, in the order the lexer tries them. */
/** The quantities a `schedule <quantity> { ... }` block can give a schedule of its own. */
export const SCHEDULED_QUANTITIES: readonly TokenType[] = [
  Batch,
  Context,
  WeightDecay,
  Beta1,
  Beta2,
  Clip,
  Ema,
];

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  OneMinusSqrt,
  NumberLiteral,
  StringLiteral,
  // Longest first, so that "tokens" is not read as "to" followed by more letters.
  ...[...keywordTokens].sort((a, b) => String(b.LABEL).length - String(a.LABEL).length),
  Identifier,
  Name,
  Percent,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
];

/** The words the language reserves (for "did you mean" suggestions). */
export const keywords: readonly string[] = keywordTokens.map((t) => (t.LABEL ?? "").slice(1, -1));

/**
 * Any one character that no token starts with (outside the grammar: the parser never sees it). `parse`
 * reports runs of them as unknown characters and drops them before parsing: chevrotain's own recovery from
 * a lexing error costs an error object and a message per character, minutes of GC on a flood of them.
 */
export const Unknown = createToken({
  name: "Unknown",
  // deno-lint-ignore no-control-regex -- every character, control characters included
  pattern: /[\u0000-\uffff]/,
  label: "an unknown character",
});

/** The one lexer instance, reused for every file. */
export const lexer = new Lexer([...allTokens, Unknown], {
  positionTracking: "full",
  ensureOptimizations: true,
  skipValidations: true,
});
