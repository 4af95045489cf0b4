/**
 * Line and column lookups for one file's text.
 * @module
 */

/** A file's text with a line index, to turn offsets into 1-based line:column positions. */
export class SourceText {
  readonly #lineStarts: number[] = [0];

  constructor(readonly path: string, readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.#lineStarts.push(i + 1);
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.#lineStarts[lo] + 1 };
  }

  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const start = this.#lineStarts[line - 1] ?? this.text.length;
    const end = this.#lineStarts[line] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, "");
  }
}
