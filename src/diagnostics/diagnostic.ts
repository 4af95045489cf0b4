/**
 * Diagnostics: what is wrong, where, and what would be right; rendered as code frames or JSON.
 * @module
 */
import { type Code, CODES } from "./codes.ts";
import type { Span } from "./span.ts";
import type { SourceText } from "./source_text.ts";

/** A place in a file, with its line for the code frame. */
export interface Located {
  file: string;
  line: number;
  column: number;
  /** Column one past the end of the marked text on `line`. */
  endColumn: number;
  /**
   * The text of `line`; a line longer than {@link MAX_FRAME_WIDTH} is cut to that many characters around
   * the column, with `…` where text was left out (see `lineTextColumn`).
   */
  lineText: string;
  /** When `lineText` was cut: the column of the line's first character shown (after a leading `…`). */
  lineTextColumn?: number;
}

/** A second place a diagnostic points at, e.g. "the `{` opened here is never closed". */
export interface Note extends Located {
  message: string;
}

/** One problem found in a recipe, located in its file. */
export interface Diagnostic extends Located {
  code: Code;
  severity: "error" | "warning";
  message: string;
  /** What would be right, e.g. `did you mean "news"?`. */
  hint: string | null;
  /** Other places that explain it ("opened here", "first given here"). */
  notes?: Note[];
}

/** The most characters of a line a code frame shows; a longer line is cut around the caret. */
export const MAX_FRAME_WIDTH = 120;

/** How many characters a cut line keeps before the caret. */
const FRAME_LEAD = 40;

/**
 * A window of at most {@link MAX_FRAME_WIDTH} characters of `line` around `column`, with `…` marking text
 * left out, and the column of its first real character.
 */
export function cutLine(line: string, column: number): { text: string; start: number } {
  if (line.length <= MAX_FRAME_WIDTH) return { text: line, start: 1 };
  const from = Math.max(0, Math.min(column - 1 - FRAME_LEAD, line.length - MAX_FRAME_WIDTH));
  const to = from + MAX_FRAME_WIDTH;
  const text = (from > 0 ? "…" : "") + line.slice(from, to) + (to < line.length ? "…" : "");
  return { text, start: from + 1 };
}

/** The place of `span` in `source`, with its (cut) line. */
function locate(source: SourceText, span: Span): Located {
  const start = source.position(span.start);
  const end = source.position(Math.max(span.start, span.end));
  const line = source.lineText(start.line);
  const endColumn = end.line === start.line ? Math.max(end.column, start.column + 1) : line.length + 1;
  const cut = cutLine(line, start.column);
  return {
    file: source.path,
    line: start.line,
    column: start.column,
    endColumn,
    lineText: cut.text,
    ...(cut.text !== line ? { lineTextColumn: cut.start } : {}),
  };
}

/** Builds a diagnostic for `span` of `source`; the severity comes from the code table. */
export function diagnostic(
  code: Code,
  source: SourceText,
  span: Span,
  message: string,
  hint: string | null = null,
): Diagnostic {
  return { code, severity: CODES[code].severity, message, hint, ...locate(source, span) };
}

/**
 * A note at `span` of `source`, for {@link Diagnostic.notes}.
 *
 * @example
 * ```ts
 * import { note } from "./diagnostic.ts";
 * import { SourceText } from "./source_text.ts";
 * const n = note(new SourceText("r.recipe", 'recipe "r" {'), { start: 11, end: 12 }, "opened here");
 * console.assert(n.line === 1 && n.column === 12);
 * ```
 */
export function note(source: SourceText, span: Span, message: string): Note {
  return { message, ...locate(source, span) };
}

/** A diagnostic for a whole file (no position inside it), such as a file that cannot be read. */
export function fileDiagnostic(
  code: Code,
  file: string,
  message: string,
  hint: string | null = null,
): Diagnostic {
  return {
    code,
    severity: CODES[code].severity,
    message,
    hint,
    file,
    line: 1,
    column: 1,
    endColumn: 1,
    lineText: "",
  };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/**
 * Renders diagnostics as Rust-style code frames: `error[R0011]: message`, `--> file:line:col`, the line, a
 * caret under the problem and the hint.
 *
 * @example
 * ```ts
 * import { compileFile, formatDiagnostics } from "../../mod.ts";
 * const result = await compileFile("recipes/wsd.recipe");
 * console.error(formatDiagnostics(result.diagnostics));
 * ```
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map(formatOne).join("\n");
}

function formatOne(d: Diagnostic): string {
  const head = `${d.severity}[${d.code}]: ${d.message}\n`;
  const notes = (d.notes ?? []).map((n) => `note: ${n.message}\n${frame(n, null)}`);
  return [head + frame(d, d.hint), ...notes].join("");
}

/** `--> file:line:col`, the line, and a caret under the place with `hint` beside it. */
function frame(d: Located, hint: string | null): string {
  const head = `  --> ${d.file}:${d.line}:${d.column}\n`;
  if (!d.lineText && d.column === 1) return head + (hint ? `  = help: ${hint}\n` : "");
  const gutter = String(d.line).length;
  const pad = " ".repeat(gutter);
  // A line cut when the diagnostic was made keeps its window; any other long line is cut here.
  const { text, start } = d.lineTextColumn !== undefined
    ? { text: d.lineText, start: d.lineTextColumn }
    : cutLine(d.lineText, d.column);
  const lead = start > 1 ? 1 : 0; // the leading "…"
  const shown = Math.min(text.length - lead, MAX_FRAME_WIDTH);
  const at = Math.min(Math.max(0, d.column - start), shown);
  const tabs = text.slice(0, lead + at).replace(/[^\t]/g, " ");
  const caret = "^".repeat(Math.max(1, Math.min(d.endColumn - d.column, shown - at)));
  return head +
    `${pad} |\n${d.line} | ${text}\n${pad} | ${tabs}${caret}${hint ? ` ${hint}` : ""}\n`;
}
