/**
 * Between the compiler's places (1-based line and column, character offsets) and the Language Server
 * Protocol's (0-based line and UTF-16 character, file URIs). JavaScript strings are UTF-16, so a column is
 * already an LSP character.
 * @module
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type Diagnostic as LspDiagnostic,
  DiagnosticSeverity,
  type Location,
  type Range,
} from "vscode-languageserver";
import type { Diagnostic, Located } from "../diagnostics/diagnostic.ts";
import type { SourceText } from "../diagnostics/source_text.ts";
import type { Span } from "../diagnostics/span.ts";

/** The file path of a `file:` URI; any other URI (an unsaved editor) is its own path. */
export function uriToPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

/** The URI of a path (as `uriToPath` reads it back). */
export function pathToUri(path: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(path).href;
}

/** The range of a located place: its line, from its column to its end column. */
export function locatedRange(place: Located): Range {
  const line = Math.max(0, place.line - 1);
  return {
    start: { line, character: place.column - 1 },
    end: { line, character: Math.max(place.column, place.endColumn) - 1 },
  };
}

/** The range of `span` in `source`. */
export function spanRange(source: SourceText, span: Span): Range {
  const start = source.position(span.start);
  const end = source.position(span.end);
  return {
    start: { line: start.line - 1, character: start.column - 1 },
    end: { line: end.line - 1, character: end.column - 1 },
  };
}

/** The location of `span` in `source`. */
export function spanLocation(source: SourceText, span: Span): Location {
  return { uri: pathToUri(source.path), range: spanRange(source, span) };
}

/**
 * A compiler diagnostic as an LSP diagnostic: its range, severity, code, the hint after the message, and
 * its notes as related information.
 *
 * @example
 * ```ts
 * import { toLspDiagnostic } from "./convert.ts";
 * const d = toLspDiagnostic({
 *   code: "R0011", severity: "error", message: 'Unknown source "newz"', hint: 'did you mean "news"?',
 *   file: "/tmp/r.recipe", line: 7, column: 9, endColumn: 13, lineText: "    mix newz 1",
 * });
 * console.assert(d.range.start.line === 6 && d.range.start.character === 8 && d.range.end.character === 12);
 * ```
 */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return {
    range: locatedRange(d),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "recipe",
    message: d.hint ? `${d.message}\nhelp: ${d.hint}` : d.message,
    ...(d.notes?.length
      ? {
        relatedInformation: d.notes.map((n) => ({
          location: { uri: pathToUri(n.file), range: locatedRange(n) },
          message: n.message,
        })),
      }
      : {}),
  };
}
