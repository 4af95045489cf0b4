/**
 * Diagnostics: what is wrong, where, and what would be right; rendered as code frames or JSON.
 * @module
 */
import { type Code, CODES } from "./codes.ts";
import type { Span } from "../syntax/ast.ts";
import type { SourceText } from "./source_text.ts";

/** One problem found in a recipe, located in its file. */
export interface Diagnostic {
  code: Code;
  severity: "error" | "warning";
  message: string;
  /** What would be right, e.g. `did you mean "news"?`. */
  hint: string | null;
  file: string;
  line: number;
  column: number;
  /** Column one past the end of the marked text on `line`. */
  endColumn: number;
  lineText: string;
}

/** Builds a diagnostic for `span` of `source`; the severity comes from the code table. */
export function diagnostic(
  code: Code,
  source: SourceText,
  span: Span,
  message: string,
  hint: string | null = null,
): Diagnostic {
  const start = source.position(span.start);
  const end = source.position(Math.max(span.start, span.end));
  const lineText = source.lineText(start.line);
  const endColumn = end.line === start.line ? Math.max(end.column, start.column + 1) : lineText.length + 1;
  return {
    code,
    severity: CODES[code].severity,
    message,
    hint,
    file: source.path,
    line: start.line,
    column: start.column,
    endColumn,
    lineText,
  };
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
  const head = `${d.severity}[${d.code}]: ${d.message}\n  --> ${d.file}:${d.line}:${d.column}\n`;
  if (!d.lineText && d.column === 1) return head + (d.hint ? `  = help: ${d.hint}\n` : "");
  const gutter = String(d.line).length;
  const pad = " ".repeat(gutter);
  const tabs = d.lineText.slice(0, d.column - 1).replace(/[^\t]/g, " ");
  const caret = "^".repeat(Math.max(1, d.endColumn - d.column));
  return head +
    `${pad} |\n${d.line} | ${d.lineText}\n${pad} | ${tabs}${caret}${d.hint ? ` ${d.hint}` : ""}\n`;
}
