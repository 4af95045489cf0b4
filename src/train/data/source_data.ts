/**
 * Loading a plan's sources as byte tokens with a deterministic held-out split: `corpus` sources from
 * the built-in corpora, `files` sources from a local glob; `dataset` sources are refused (they are for
 * external trainers).
 * @module
 */
import { InputError } from "../../diagnostics/input_error.ts";
import { dirname, resolve } from "node:path";
import type { Source } from "../../plan/schema.ts";
import { BROWN_GENRES, brownDocuments } from "./brown.ts";
import type { Document } from "./document.ts";
import { expandGlob, Glob, GlobError, outside } from "./glob.ts";

/** Share of each source's bytes held out for evaluation (the tail of the source's byte stream). */
export const HELD_OUT_FRACTION = 0.05;

/** A source's bytes, split into a training part and a held-out part for evaluation. */
export interface SourceData {
  name: string;
  /** Bytes the sampler draws training windows from. */
  train: Uint8Array;
  /** Bytes held out for evaluation (never trained on). */
  heldOut: Uint8Array;
  /** How many documents (files, corpus texts) the source holds. */
  documents: number;
}

/** Error for sources the built-in trainer cannot read; its message says what would be right. */
export class SourceError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = "SourceError";
  }
}

/** The built-in corpus names, for messages. */
export const CORPUS_NAMES: readonly string[] = ["brown", ...BROWN_GENRES.map((g) => `brown/${g}`)];

/** Options of `loadSource`. */
export interface LoadSourceOptions {
  /** Let a `files` glob read files outside the directory of the recipe that declares it (`--allow-outside`). */
  allowOutside?: boolean;
}

const list = (paths: string[], most = 3) =>
  paths.slice(0, most).map((p) => `"${p}"`).join(", ") +
  (paths.length > most ? ` and ${paths.length - most} more` : "");

async function documentsOf(
  source: Source,
  planFile: string,
  options: LoadSourceOptions,
): Promise<Document[]> {
  if (source.kind === "dataset") {
    throw new SourceError(
      `Source "${source.name}" is a dataset ("${source.uri}"), which only external trainers read: ` +
        `the built-in trainer reads 'corpus' (e.g. corpus "brown/news") or 'files' (a local glob) sources`,
    );
  }
  if (source.kind === "corpus") {
    const uri = source.uri.replace(/^corpus:/, "");
    const documents = await brownDocuments(uri).catch((error: Error) => {
      throw new SourceError(`Source "${source.name}": ${error.message}`);
    });
    if (!documents) {
      throw new SourceError(
        `Source "${source.name}" names the unknown corpus "${uri}": the built-in corpora are ` +
          CORPUS_NAMES.map((n) => `"${n}"`).join(", "),
      );
    }
    return documents;
  }
  // Plans written before `base` existed resolve against the declaring file's directory.
  const base = source.base ?? dirname(source.origin.file || planFile);
  let paths: string[];
  try {
    paths = await expandGlob(new Glob(source.uri), base);
  } catch (error) {
    if (error instanceof GlobError) throw new SourceError(`Source "${source.name}": ${error.message}`);
    throw error;
  }
  const away = outside(paths, base);
  if (away.length > 0 && !options.allowOutside) {
    throw new SourceError(
      `Source "${source.name}": the glob "${source.uri}" reads ${away.length} file(s) outside "${
        resolve(base)
      }", ` +
        `the directory of the recipe that declares it (${
          list(away)
        }): pass --allow-outside to run to read them`,
    );
  }
  if (paths.length === 0) {
    throw new SourceError(
      `Source "${source.name}" matches no files: the glob "${source.uri}" is read relative to "${base}", ` +
        "the directory of the recipe that declares it",
    );
  }
  return await Promise.all(paths.map(async (path) => ({ name: path, bytes: await Deno.readFile(path) })));
}

/** The documents' bytes in order, separated by a blank line. */
function joinDocuments(documents: Document[]): Uint8Array {
  const separator = new TextEncoder().encode("\n\n");
  const total = documents.reduce((n, d) => n + d.bytes.length, 0) + separator.length * (documents.length - 1);
  const out = new Uint8Array(Math.max(0, total));
  let offset = 0;
  documents.forEach((d, i) => {
    if (i > 0) {
      out.set(separator, offset);
      offset += separator.length;
    }
    out.set(d.bytes, offset);
    offset += d.bytes.length;
  });
  return out;
}

/**
 * Reads a source and splits it: documents are joined (in sorted order, separated by a blank line) into
 * one byte stream whose last `HELD_OUT_FRACTION` (at least `minHeldOut` bytes) is held out.
 * Throws a `SourceError` naming the source when it cannot be read or is too small for `minHeldOut`.
 *
 * @example
 * ```ts
 * import { compileFile } from "../../../mod.ts";
 * const { plans: [plan] } = await compileFile("recipes/wsd.recipe");
 * const data = await loadSource(plan.sources[0], plan.file, 4 * (plan.context + 1));
 * console.assert(data.train.length > data.heldOut.length); // bytes to train on, and held out
 * ```
 */
export async function loadSource(
  source: Source,
  planFile: string,
  minHeldOut: number,
  options: LoadSourceOptions = {},
): Promise<SourceData> {
  const documents = await documentsOf(source, planFile, options);
  const bytes = joinDocuments(documents);
  const heldOut = Math.max(minHeldOut, Math.ceil(bytes.length * HELD_OUT_FRACTION));
  if (bytes.length < 2 * heldOut) {
    throw new SourceError(
      `Source "${source.name}" holds '${bytes.length}' bytes, too few to train on and hold out ` +
        `'${heldOut}': it needs at least '${2 * heldOut}' bytes (or a shorter context)`,
    );
  }
  const split = bytes.length - heldOut;
  return {
    name: source.name,
    train: bytes.subarray(0, split),
    heldOut: bytes.subarray(split),
    documents: documents.length,
  };
}
