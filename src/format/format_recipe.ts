/**
 * The recipe formatter: one canonical layout (two-space indentation, one statement per line, one space
 * around operators, `{ lr 3e-3  betas 0.9 0.95 }` for the optimizer and model), comments and single blank
 * lines kept, the file's line endings kept. A comment after code keeps its column when its line starts with
 * the same token as before and the code ends before that column (hand-aligned comments stay aligned), else it
 * goes two spaces after the code.
 * @module
 */
import type { CstNode, IToken } from "chevrotain";
import { lexer } from "../../grammar/tokens.ts";
import { parser } from "../../grammar/parser.ts";
import { parse } from "../syntax/parse.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { InputError } from "../diagnostics/input_error.ts";
import { type Comment, commentsBetween, hasBlankLine, lineStart } from "./comments.ts";
import { layout, type PlacedToken } from "./layout.ts";

/** A file the formatter cannot read: it has syntax errors (in `diagnostics`). */
export class FormatError extends InputError {
  override name = "FormatError";
  constructor(readonly path: string, readonly diagnostics: Diagnostic[]) {
    super(`${path} has syntax errors; fix them before formatting`);
  }
}

const INDENT = "  ";

/** Builds the output line by line from the placed tokens and the comments between them. */
class Writer {
  readonly lines: string[] = [];
  #line = "";
  #open = false;
  /** A trailing comment ended the line: the next token starts a new one. */
  #mustBreak = false;
  /** The last thing written was a `{` (no blank line right after it). */
  #afterBrace = false;
  /** The current line starts with a token that started its line in the input too. */
  #sameStart = false;
  /** Where the previous token or comment ended in the input. */
  #lastEnd = 0;

  constructor(readonly text: string) {}

  token(placed: PlacedToken): void {
    const { token } = placed;
    if (placed.lineStart || this.#mustBreak || !this.#open) {
      this.#flush();
      if (placed.lineStart && token.tokenType.name !== "RBrace") this.#blankLine(token.startOffset);
      this.#line = INDENT.repeat(placed.level) + token.image;
      this.#open = true;
      this.#mustBreak = false;
      this.#sameStart = /^[ \t]*$/.test(
        this.text.slice(lineStart(this.text, token.startOffset), token.startOffset),
      );
    } else this.#line += placed.gap + token.image;
    this.#afterBrace = token.tokenType.name === "LBrace";
    this.#lastEnd = token.startOffset + token.image.length;
  }

  comment(comment: Comment, next: PlacedToken | undefined): void {
    if (comment.trailing && this.#open) {
      const line = this.#line;
      const keep = this.#sameStart && line.length < comment.column;
      this.#line = (keep ? line.padEnd(comment.column) : line + "  ") + comment.text;
      this.#mustBreak = true;
    } else {
      this.#flush();
      this.#blankLine(comment.start);
      this.lines.push(INDENT.repeat(next?.commentLevel ?? 0) + comment.text);
      this.#afterBrace = false;
    }
    this.#lastEnd = comment.end;
  }

  /** The lines written, each ended by `eol`. */
  finish(eol: string): string {
    this.#flush();
    return this.lines.map((line) => line + eol).join("");
  }

  #flush(): void {
    if (this.#open) this.lines.push(this.#line);
    this.#line = "";
    this.#open = false;
  }

  /** One blank line where the input had at least one, except at the top and right after a `{`. */
  #blankLine(offset: number): void {
    const previous = this.lines.at(-1);
    if (previous === undefined || previous === "" || this.#afterBrace) return;
    if (hasBlankLine(this.text, this.#lastEnd, offset)) this.lines.push("");
  }
}

/** The tokens and comment texts of `text`, to check that formatting changed nothing but layout. */
function fingerprint(text: string): string[] {
  const tokens = lexer.tokenize(text).tokens;
  return [
    ...tokens.map((t) => `${t.tokenType.name} ${t.image}`),
    ...commentsBetween(text, tokens).map((c) => c.text),
  ];
}

/**
 * `text` in the canonical layout. Throws {@link FormatError} when it has syntax errors.
 *
 * @example
 * ```ts
 * import { formatRecipe } from "./format_recipe.ts";
 * const text = 'recipe "r" {budget 10 steps # ten\nschedule{warmup 2 steps decay rest}}';
 * console.assert(formatRecipe(text) ===
 *   'recipe "r" {\n  budget 10 steps  # ten\n  schedule {\n    warmup 2 steps\n    decay rest\n  }\n}\n');
 * ```
 */
export function formatRecipe(text: string, path = "<text>"): string {
  const { ast, diagnostics } = parse(text, path);
  if (!ast) throw new FormatError(path, diagnostics);
  const tokens: IToken[] = lexer.tokenize(text).tokens;
  parser.input = tokens;
  const cst = parser.file() as CstNode;
  const comments = commentsBetween(text, tokens);
  const placed = layout(cst, text, comments.map((c) => c.start));
  const writer = new Writer(text);
  let next = 0;
  for (const comment of comments) {
    while (next < placed.length && placed[next].token.startOffset < comment.start) {
      writer.token(placed[next++]);
    }
    writer.comment(comment, placed[next]);
  }
  while (next < placed.length) writer.token(placed[next++]);
  const formatted = writer.finish(/\r\n|\r|\n/.exec(text)?.[0] === "\r\n" ? "\r\n" : "\n");
  if (fingerprint(formatted).join("\n") !== fingerprint(text).join("\n")) {
    throw new Error(`formatting ${path} changed its tokens or comments: a bug in the formatter`);
  }
  return formatted;
}
