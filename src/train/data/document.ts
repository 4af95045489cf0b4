/**
 * A document of a data source: a name (for messages) and its text.
 * @module
 */

/** One document of a source, e.g. a file or a text of a corpus. */
export interface Document {
  name: string;
  text: string;
}
