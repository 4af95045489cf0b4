/**
 * Text -> AST: lexing, parsing with error recovery, and the CST -> AST step.
 * @module
 */
import { lexer } from "../../grammar/tokens.ts";
import { parser } from "../../grammar/parser.ts";
import { syntaxHint } from "../../grammar/messages.ts";
import type { FileAst } from "./ast.ts";
import { toAst } from "./to_ast.ts";
import { type Diagnostic, diagnostic } from "../check/diagnostic.ts";
import { SourceText } from "../check/source_text.ts";

/** The result of parsing one file: an AST when the text had no syntax errors. */
export interface ParseResult {
  ast: FileAst | null;
  diagnostics: Diagnostic[];
}

/**
 * Parses recipe text. Reports every lexical and syntax error it can recover from.
 *
 * @example
 * ```ts
 * import { parse } from "../../mod.ts";
 * const { ast, diagnostics } = parse('recipe "r" { budget 100 steps }', "r.recipe");
 * ast?.recipes[0].name; // "r"
 * ```
 */
export function parse(text: string, path: string): ParseResult {
  const source = new SourceText(path, text);
  const diagnostics: Diagnostic[] = [];
  const lexed = lexer.tokenize(text);
  for (const error of lexed.errors) {
    const char = String.fromCodePoint(text.codePointAt(error.offset)!);
    if (char === '"') {
      diagnostics.push(
        diagnostic(
          "R0002",
          source,
          { start: error.offset, end: error.offset + 1 },
          "Unterminated string",
          'close it with " on the same line',
        ),
      );
      continue;
    }
    diagnostics.push(
      diagnostic(
        "R0002",
        source,
        { start: error.offset, end: error.offset + error.length },
        `Unknown character "${char}"`,
        "remove it; comments start with #",
      ),
    );
  }
  parser.input = lexed.tokens;
  let cst;
  try {
    cst = parser.file();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const message = "The text is nested too deeply to parse";
    return {
      ast: null,
      diagnostics: [
        ...diagnostics,
        diagnostic("R0001", source, { start: 0, end: 0 }, message, "split long expressions with let"),
      ],
    };
  }
  for (const error of parser.errors) {
    const t = error.token;
    const atEnd = t.tokenType.name === "EOF";
    const offset = atEnd ? text.length : t.startOffset;
    const end = atEnd ? text.length : (t.endOffset ?? t.startOffset) + 1;
    diagnostics.push(
      diagnostic(
        "R0001",
        source,
        { start: offset, end },
        error.message,
        atEnd ? null : syntaxHint(t, error.message),
      ),
    );
  }
  if (diagnostics.length) return { ast: null, diagnostics };
  const ast = toAst(cst, source, diagnostics);
  return { ast, diagnostics };
}
