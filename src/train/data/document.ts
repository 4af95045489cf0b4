/**
 * A document of a data source: a name (for messages) and its bytes (the model reads bytes as tokens).
 * @module
 */

/** One document of a source, e.g. a file or a text of a corpus. */
export interface Document {
  name: string;
  bytes: Uint8Array;
}
