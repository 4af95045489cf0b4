/**
 * The editor's highlighting: recipe text as HTML, one `<span class="line">` per line (marked "error" or
 * "warning" where a diagnostic points), with comments, strings, numbers and the language's keywords coloured.
 * @module
 */
import { keywords } from "../../grammar/tokens.ts";

const KEYWORDS = new Set(keywords);
const TOKEN = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"?)|(\d[\d._]*(?:e[+-]?\d+)?[KMBT%x]?)|([A-Za-z_][\w-]*)/g;

function escapeHtml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}

function highlightLine(line: string): string {
  let html = "";
  let last = 0;
  for (const match of line.matchAll(TOKEN)) {
    const [text, comment, string, number, word] = match;
    const kind = comment
      ? "comment"
      : string
      ? "string"
      : number
      ? "number"
      : KEYWORDS.has(word)
      ? "keyword"
      : "";
    html += escapeHtml(line.slice(last, match.index));
    html += kind ? `<span class="tok-${kind}">${escapeHtml(text)}</span>` : escapeHtml(text);
    last = match.index! + text.length;
  }
  return html + escapeHtml(line.slice(last));
}

/**
 * The HTML of `text` for the overlay behind the editor's textarea; `marks` maps 1-based line numbers to the
 * severity to mark them with. Lines are blocks (the page's style gives an empty one its height), so a
 * trailing newline keeps its empty last line and the overlay scrolls like the textarea.
 *
 * @example
 * ```ts
 * import { highlightHtml } from "./highlight.ts";
 * const html = highlightHtml('budget 10 steps # x\nbatch <', new Map([[2, "error"]]));
 * console.assert(html.includes('<span class="line error" data-line="2">'));
 * console.assert(html.includes('<span class="tok-keyword">budget</span>') && html.includes("&lt;"));
 * ```
 */
export function highlightHtml(text: string, marks: ReadonlyMap<number, "error" | "warning">): string {
  return text.split("\n").map((line, i) => {
    const mark = marks.get(i + 1);
    return `<span class="line${mark ? ` ${mark}` : ""}" data-line="${i + 1}">${highlightLine(line)}</span>`;
  }).join("");
}
