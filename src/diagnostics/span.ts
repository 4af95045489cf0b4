/**
 * Spans: where in a file's text something was written.
 * @module
 */

/** A half-open range of character offsets into a file's text. */
export interface Span {
  start: number;
  end: number;
}
