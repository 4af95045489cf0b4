/**
 * Line and column lookups for one file's text.
 * @module
 */

/**
 * A file's text with a line index, to turn offsets into 1-based line:column positions. A line ends at
 * `\n`, `\r\n` or a lone `\r` (old Mac files), as the lexer reads them.
 */
export class SourceText {
  readonly #lineStarts: number[] = [0];

  constructor(readonly path: string, readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.#lineStarts.push(i + 1);
    }
  }

  /** The number of lines (a file that ends in a line break has an empty last line). */
  get lineCount(): number {
    return this.#lineStarts.length;
  }

  /** 1-based line and column of an offset; an offset past the end is on the last line, one past its end. */
  position(offset: number): { line: number; column: number } {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const column = offset - this.#lineStarts[lo] + 1;
    // An offset on a line's break (or the \n of its \r\n) is one past the line's last character.
    return { line: lo + 1, column: Math.min(column, this.lineLength(lo + 1) + 1) };
  }

  /** The offset of a 1-based line and column (clamped to the line, and to the text). */
  offset(line: number, column: number): number {
    const start = this.#lineStarts[Math.max(0, line - 1)] ?? this.text.length;
    return Math.min(this.text.length, start + Math.max(0, Math.min(column - 1, this.lineLength(line))));
  }

  /** The length of a 1-based line, without its line break. */
  lineLength(line: number): number {
    const start = this.#lineStarts[line - 1] ?? this.text.length;
    let end = this.#lineStarts[line] ?? this.text.length;
    if (end > start && end <= this.text.length && line < this.#lineStarts.length) {
      end--; // the \n or lone \r
      if (this.text.charCodeAt(end) === 10 && end > start && this.text.charCodeAt(end - 1) === 13) end--;
    }
    return end - start;
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.#lineStarts[line - 1] ?? this.text.length;
    return this.text.slice(start, start + this.lineLength(line));
  }
}
