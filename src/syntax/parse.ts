/**
 * Text -> AST: lexing, parsing with error recovery, and the CST -> AST step.
 * @module
 */
import { LBrace, lexer, RBrace, Unknown } from "../../grammar/tokens.ts";
import { parser, TooManySyntaxErrors } from "../../grammar/parser.ts";
import { syntaxHint } from "../../grammar/messages.ts";
import type { FileAst } from "./ast.ts";
import type { FileCstNode } from "../../grammar/cst.ts";
import { toAst } from "./to_ast.ts";
import { type Diagnostic, diagnostic, note } from "../diagnostics/diagnostic.ts";
import { SourceText } from "../diagnostics/source_text.ts";
import { MAX_DIAGNOSTICS_PER_FILE, MAX_NAME_LENGTH, MAX_NESTING } from "../diagnostics/limits.ts";
import type { IToken } from "chevrotain";
import { formatCount } from "../diagnostics/format_number.ts";

/** The innermost `{` that no `}` closes, or null. */
function unclosedBrace(tokens: readonly IToken[]): IToken | null {
  const open: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === LBrace) open.push(t);
    else if (t.tokenType === RBrace) open.pop();
  }
  return open.at(-1) ?? null;
}

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
  const { tokens, lexErrors } = lex(text);
  const diagnostics = lexicalDiagnostics(source, lexErrors);
  const limits = limitDiagnostics(tokens, source);
  if (limits.length) return { ast: null, diagnostics: [...diagnostics, ...limits] };
  parser.input = tokens;
  parser.maxErrors = MAX_DIAGNOSTICS_PER_FILE;
  let cst;
  let stopped = false;
  try {
    cst = parser.file();
  } catch (error) {
    if (error instanceof TooManySyntaxErrors) stopped = true;
    else if (!(error instanceof RangeError)) throw error;
  }
  if (!stopped && !cst) {
    const message = "The text is nested too deeply to parse";
    return {
      ast: null,
      diagnostics: [
        ...diagnostics,
        diagnostic("R0001", source, { start: 0, end: 0 }, message, "split long expressions with let"),
      ],
    };
  }
  diagnostics.push(...syntaxDiagnostics(source, tokens, stopped));
  if (diagnostics.length) return { ast: null, diagnostics };
  // The parser's tree has the shape grammar/cst.ts declares (generated from the same grammar, tested current).
  const ast = toAst(cst as FileCstNode, source, diagnostics);
  return { ast, diagnostics };
}

/** A run of characters no token starts with (or an unterminated string), by offset and length. */
interface LexError {
  offset: number;
  length: number;
}

/** The tokens of `text`, without the Unknown ones, whose runs become the lexing errors. */
function lex(text: string): { tokens: IToken[]; lexErrors: LexError[] } {
  const lexed = lexer.tokenize(text);
  // Runs of Unknown tokens are the lexing errors (chevrotain's own, if any, come first).
  const lexErrors: LexError[] = lexed.errors.map((e) => ({ offset: e.offset, length: e.length }));
  const tokens: IToken[] = [];
  for (const t of lexed.tokens) {
    if (t.tokenType !== Unknown) tokens.push(t);
    else {
      const last = lexErrors[lexErrors.length - 1];
      if (last && last.offset + last.length === t.startOffset) last.length++;
      else lexErrors.push({ offset: t.startOffset, length: 1 });
    }
  }
  return { tokens, lexErrors };
}

/** R0002 for the first lexing errors; a flood of them is counted in one R0026 instead of shown. */
function lexicalDiagnostics(source: SourceText, lexErrors: LexError[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const shownErrors = lexErrors.slice(0, MAX_DIAGNOSTICS_PER_FILE);
  if (lexErrors.length > shownErrors.length) {
    const first = lexErrors[shownErrors.length];
    const more = lexErrors.length - shownErrors.length;
    diagnostics.push(
      diagnostic(
        "R0026",
        source,
        { start: first.offset, end: first.offset + first.length },
        `${formatCount(more)} more unknown characters or unterminated strings from here on are not shown`,
        "fix these and check again",
      ),
    );
  }
  for (const error of shownErrors) {
    const char = String.fromCodePoint(source.text.codePointAt(error.offset)!);
    diagnostics.push(
      char === '"'
        ? diagnostic(
          "R0002",
          source,
          { start: error.offset, end: error.offset + 1 },
          "Unterminated string",
          'close it with " on the same line',
        )
        : diagnostic(
          "R0002",
          source,
          { start: error.offset, end: error.offset + error.length },
          `Unknown character "${char}"`,
          "remove it; comments start with #",
        ),
    );
  }
  return diagnostics;
}

/**
 * R0001 for each of the parser's errors. One at the end of the file points just after the last token, with
 * a note at the brace left open, if any; when the parser stopped, an R0026 says where.
 */
function syntaxDiagnostics(source: SourceText, tokens: IToken[], stopped: boolean): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const error of parser.errors) {
    const t = error.token;
    if (t.tokenType.name !== "EOF") {
      const span = { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
      const previous = (error as { previousToken?: IToken }).previousToken;
      diagnostics.push(diagnostic("R0001", source, span, error.message, syntaxHint(t, previous)));
      continue;
    }
    const last = tokens.at(-1);
    const offset = last ? (last.endOffset ?? last.startOffset) + 1 : source.text.length;
    const found = diagnostic("R0001", source, { start: offset, end: offset }, error.message, null);
    const open = unclosedBrace(tokens);
    if (open) {
      found.hint = 'add the missing "}"';
      found.notes = [
        note(source, { start: open.startOffset, end: open.startOffset + 1 }, "this `{` is never closed"),
      ];
    }
    diagnostics.push(found);
  }
  if (stopped) {
    // The count of what was not shown would be a guess: say where checking stopped instead.
    const last = diagnostics[diagnostics.length - 1];
    diagnostics.push({
      ...last,
      code: "R0026",
      message: `Syntax checking stopped here, after ${MAX_DIAGNOSTICS_PER_FILE} errors`,
      hint: "fix these and check again",
    });
  }
  return diagnostics;
}

const OPENERS = new Set(["LParen", "LBrace", "LBracket"]);
const CLOSERS = new Set(["RParen", "RBrace", "RBracket"]);
const SIGNS = new Set(["Minus", "Plus"]);

/**
 * Names longer than {@link MAX_NAME_LENGTH} (R0028) and nesting deeper than {@link MAX_NESTING} (R0029),
 * found in one pass over the tokens before the parser recurses into them.
 */
function limitDiagnostics(tokens: readonly IToken[], source: SourceText): Diagnostic[] {
  const found: Diagnostic[] = [];
  const at = (t: IToken) => ({ start: t.startOffset, end: t.startOffset + t.image.length });
  let depth = 0;
  let signs = 0;
  let nested = false;
  for (const t of tokens) {
    const kind = t.tokenType.name;
    if (kind === "Identifier" && t.image.length > MAX_NAME_LENGTH) {
      found.push(
        diagnostic(
          "R0028",
          source,
          { start: t.startOffset, end: t.startOffset + 1 },
          `This name is ${t.image.length} characters long, more than the limit of ${MAX_NAME_LENGTH}`,
          "use a shorter name",
        ),
      );
    }
    signs = SIGNS.has(kind) ? signs + 1 : 0;
    if (OPENERS.has(kind)) depth++;
    else if (CLOSERS.has(kind)) depth = Math.max(0, depth - 1);
    if (!nested && (depth > MAX_NESTING || signs > MAX_NESTING)) {
      nested = true;
      found.push(
        diagnostic(
          "R0029",
          source,
          at(t),
          depth > MAX_NESTING
            ? `Brackets nest more than ${MAX_NESTING} deep here`
            : `More than ${MAX_NESTING} signs in a row here`,
          depth > MAX_NESTING
            ? "split the expression with let, or close the brackets you opened"
            : "remove the extra signs",
        ),
      );
    }
  }
  return found;
}
