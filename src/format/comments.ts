/**
 * The comment-preserving pass of the formatter: the lexer skips comments, so they are read back from the
 * text between tokens (where only whitespace and comments can be in a file that lexes cleanly).
 * @module
 */
import type { IToken } from "chevrotain";

/** A `#` comment and where it sat. */
export interface Comment {
  /** Offset of the `#`. */
  start: number;
  /** One past its last character (trailing whitespace excluded). */
  end: number;
  /** The comment, `#` included, without trailing whitespace. */
  text: string;
  /** True when code comes before it on its line: it stays at the end of that code's line. */
  trailing: boolean;
  /** Its 0-based column in its line. */
  column: number;
}

/**
 * The offset of the start of the line that holds `offset`.
 *
 * @example
 * ```ts
 * import { lineStart } from "./comments.ts";
 * console.assert(lineStart("ab\r\ncd", 5) === 4);
 * ```
 */
export function lineStart(text: string, offset: number): number {
  return Math.max(text.lastIndexOf("\n", offset - 1), text.lastIndexOf("\r", offset - 1)) + 1;
}

/**
 * True when `text` between `from` and `to` holds an empty line (only spaces or tabs between two line breaks).
 *
 * @example
 * ```ts
 * import { hasBlankLine } from "./comments.ts";
 * console.assert(hasBlankLine("a\n  \r\nb", 0, 6) && !hasBlankLine("a\r\n  b", 0, 5));
 * ```
 */
export function hasBlankLine(text: string, from: number, to: number): boolean {
  return /(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r|\n)/.test(text.slice(from, to));
}

/**
 * The comments of `text`, in order, found in the gaps between `tokens` (the lexer's tokens of `text`,
 * comments skipped).
 *
 * @example
 * ```ts
 * import { lexer } from "../../grammar/tokens.ts";
 * import { commentsBetween } from "./comments.ts";
 * const text = "# head\nbudget 10 steps  # tail\n";
 * const comments = commentsBetween(text, lexer.tokenize(text).tokens);
 * console.assert(comments.length === 2 && !comments[0].trailing && comments[1].trailing);
 * console.assert(comments[1].column === 17 && comments[1].text === "# tail");
 * ```
 */
export function commentsBetween(text: string, tokens: readonly IToken[]): Comment[] {
  const comments: Comment[] = [];
  let from = 0;
  const scan = (to: number) => {
    const gap = text.slice(from, to);
    for (const match of gap.matchAll(/#[^\n\r]*/g)) {
      const start = from + match.index;
      const begin = lineStart(text, start);
      const body = match[0].trimEnd();
      const trailing = text.slice(begin, start).trim() !== "";
      comments.push({ start, end: start + body.length, text: body, trailing, column: start - begin });
    }
  };
  for (const token of tokens) {
    scan(token.startOffset);
    from = token.startOffset + token.image.length;
  }
  scan(text.length);
  return comments;
}
