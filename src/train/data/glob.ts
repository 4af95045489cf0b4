/**
 * Glob matching for `files` sources, without regular expressions: `**` (a whole path segment: any number
 * of directories), `*` and `?` (inside one segment), `[abc]`, `[a-z]` and `[!abc]` classes, `{a,b}`
 * alternatives (nested too) and `\` to take the next character literally; paths use "/".
 *
 * Matching takes time proportional to the pattern's length times the path's (the classic wildcard
 * algorithm that remembers only the last star), so no pattern can make it backtrack exponentially. Bad
 * syntax is a `GlobError` that names the pattern and says what is wrong.
 * @module
 */
import { InputError } from "../../diagnostics/input_error.ts";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** A glob pattern that cannot be read; the message names the pattern and what is wrong. */
export class GlobError extends InputError {
  constructor(readonly pattern: string, problem: string) {
    super(`The glob "${pattern}" is not valid: ${problem}`);
    this.name = "GlobError";
  }
}

/** At most this many patterns after `{a,b}` alternatives are expanded (they multiply). */
export const MAX_ALTERNATIVES = 1024;

/** One character position of a segment pattern. */
type Token =
  | { kind: "char"; char: string }
  | { kind: "any" } // ?
  | { kind: "star" } // *
  | { kind: "class"; negated: boolean; ranges: [string, string][] };

/** A path segment pattern: `**`, or tokens matched against one segment's characters. */
type Segment = { kind: "globstar" } | { kind: "tokens"; tokens: Token[]; literal: string | null };

/** One alternative of a glob, split into segments. */
interface Alternative {
  absolute: boolean;
  segments: Segment[];
}

/** Expands `{a,b}` alternatives (nested ones too), keeping `\` escapes and classes intact. */
function expandBraces(pattern: string): string[] {
  // Find the first top-level "{" and its matching "}", with the commas between them.
  let open = -1;
  let depth = 0;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      i = classEnd(pattern, i);
      continue;
    }
    if (c === "{") {
      if (depth === 0) open = i;
      depth++;
    } else if (c === "}") {
      if (depth === 0) throw new GlobError(pattern, `'}' at character ${i + 1} has no '{' before it`);
      depth--;
      if (depth === 0) {
        const parts: string[] = [];
        let from = open + 1;
        for (const comma of commas) {
          parts.push(pattern.slice(from, comma));
          from = comma + 1;
        }
        parts.push(pattern.slice(from, i));
        const before = pattern.slice(0, open);
        const rest = expandBraces(pattern.slice(i + 1));
        const out: string[] = [];
        for (const part of parts) {
          for (const inner of expandBraces(part)) {
            for (const tail of rest) {
              out.push(before + inner + tail);
              if (out.length > MAX_ALTERNATIVES) {
                throw new GlobError(
                  pattern,
                  `its {a,b} alternatives make more than ${MAX_ALTERNATIVES} patterns`,
                );
              }
            }
          }
        }
        return out;
      }
    } else if (c === "," && depth === 1) commas.push(i);
  }
  if (depth > 0) throw new GlobError(pattern, `'{' at character ${open + 1} is never closed with '}'`);
  return [pattern];
}

/** The index of the "]" closing the class that starts at `start` (a "]" right after "[" or "[!" is literal). */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
    else if (pattern[i] === "/") break;
  }
  throw new GlobError(pattern, `'[' at character ${start + 1} is never closed with ']'`);
}

/** Parses one segment (no "/" inside) into tokens. */
function parseSegment(whole: string, text: string): Segment {
  if (text === "**") return { kind: "globstar" };
  const tokens: Token[] = [];
  let literal = "";
  let isLiteral = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      if (i + 1 >= text.length) throw new GlobError(whole, "it ends with a lone '\\'");
      tokens.push({ kind: "char", char: text[++i] });
      literal += text[i];
    } else if (c === "*") {
      if (text[i + 1] === "*") {
        throw new GlobError(whole, `'**' must be a whole path segment ("**/"), not part of "${text}"`);
      }
      tokens.push({ kind: "star" });
      isLiteral = false;
    } else if (c === "?") {
      tokens.push({ kind: "any" });
      isLiteral = false;
    } else if (c === "[") {
      const end = classEnd(text, i);
      let j = i + 1;
      const negated = text[j] === "!" || text[j] === "^";
      if (negated) j++;
      const ranges: [string, string][] = [];
      while (j < end) {
        let lo = text[j];
        if (lo === "\\") lo = text[++j];
        j++;
        if (text[j] === "-" && j + 1 < end) {
          let hi = text[j + 1];
          j += 2;
          if (hi === "\\") hi = text[j++];
          if (hi < lo) {
            throw new GlobError(
              whole,
              `the range '${lo}-${hi}' in "${text.slice(i, end + 1)}" runs backwards`,
            );
          }
          ranges.push([lo, hi]);
        } else ranges.push([lo, lo]);
      }
      if (ranges.length === 0) throw new GlobError(whole, `the class "${text.slice(i, end + 1)}" is empty`);
      tokens.push({ kind: "class", negated, ranges });
      isLiteral = false;
      i = end;
    } else {
      tokens.push({ kind: "char", char: c });
      literal += c;
    }
  }
  return { kind: "tokens", tokens, literal: isLiteral ? literal : null };
}

/** Parses one brace-free alternative into segments. */
function parseAlternative(whole: string, text: string): Alternative {
  const absolute = text.startsWith("/");
  const parts = (absolute ? text.slice(1) : text).split("/");
  if (parts.length > 0 && parts.at(-1) === "") {
    throw new GlobError(whole, "it ends with '/': name files, e.g. \"dir/**/*.txt\"");
  }
  const segments: Segment[] = [];
  let wild = false;
  for (const part of parts) {
    if (part === "") continue; // "a//b" is "a/b"
    const segment = parseSegment(whole, part);
    if (segment.kind === "tokens" && (segment.literal === ".." || segment.literal === ".") && wild) {
      throw new GlobError(whole, `'${segment.literal}' may only come before the first wildcard`);
    }
    if (segment.kind === "globstar" || segment.literal === null) wild = true;
    segments.push(segment);
  }
  if (segments.length === 0) throw new GlobError(whole, "it names no file");
  if (segments.at(-1)!.kind === "globstar") {
    throw new GlobError(
      whole,
      "it ends with '**', which names directories: add a file pattern, e.g. \"**/*\"",
    );
  }
  return { absolute, segments };
}

/** Whether one character matches a token that is not a star. */
function charMatches(token: Token, c: string): boolean {
  switch (token.kind) {
    case "char":
      return token.char === c;
    case "any":
      return true;
    case "class":
      return token.ranges.some(([lo, hi]) => lo <= c && c <= hi) !== token.negated;
    case "star":
      return false;
  }
}

/**
 * Matches `units` against `pattern` where `isStar(p)` marks items that match any run of units (also an
 * empty one) and `one(p, u)` says whether a non-star item matches one unit. Remembering only the last star
 * is enough because a star matches any run; the work is at most |pattern| x |units|.
 */
function wildcardMatch<P, U>(
  pattern: readonly P[],
  units: readonly U[],
  isStar: (p: P) => boolean,
  one: (p: P, u: U) => boolean,
): boolean {
  let p = 0;
  let u = 0;
  let starP = -1;
  let starU = 0;
  while (u < units.length) {
    if (p < pattern.length && !isStar(pattern[p]) && one(pattern[p], units[u])) {
      p++;
      u++;
    } else if (p < pattern.length && isStar(pattern[p])) {
      starP = p++;
      starU = u;
    } else if (starP >= 0) {
      p = starP + 1;
      u = ++starU;
    } else return false;
  }
  while (p < pattern.length && isStar(pattern[p])) p++;
  return p === pattern.length;
}

function segmentMatches(segment: Segment, name: string): boolean {
  if (segment.kind === "globstar") return false;
  if (segment.literal !== null) return segment.literal === name;
  return wildcardMatch(segment.tokens, [...name], (t) => t.kind === "star", charMatches);
}

/** A parsed glob: test paths with `matches`, or list files with `expandGlob`. */
export class Glob {
  readonly alternatives: readonly Alternative[];

  /** Parses `pattern`; throws a `GlobError` naming what is wrong. */
  constructor(readonly pattern: string) {
    if (pattern.trim() === "") throw new GlobError(pattern, "it is empty");
    if (pattern.includes("\0")) throw new GlobError(pattern, "it holds a NUL character");
    this.alternatives = expandBraces(pattern).map((text) => parseAlternative(pattern, text));
  }

  /**
   * Whether a "/"-separated path matches (relative to the directory the glob is read from, or absolute
   * for an absolute glob). Leading `.`/`..` segments of the pattern must appear in the path as written.
   *
   * @example
   * ```ts
   * new Glob("src/**\/*.ts").matches("src/a/b.ts"); // true
   * ```
   */
  matches(path: string): boolean {
    const absolute = path.startsWith("/");
    const units = path.split("/").filter(Boolean);
    return this.alternatives.some((alt) =>
      alt.absolute === absolute &&
      wildcardMatch(alt.segments, units, (s) => s.kind === "globstar", segmentMatches)
    );
  }
}

/** How many directory entries `expandGlob` reads at most before it stops with an error. */
export const MAX_ENTRIES = 1_000_000;

/**
 * The files whose path matches `glob`, as absolute paths, sorted and without duplicates. A relative glob
 * is read from `base`; leading `..` segments and absolute globs are allowed here (the caller decides
 * whether files outside `base` may be read). Only the directories below each alternative's literal prefix
 * are walked; directories that cannot be read are skipped; symbolic links are not followed.
 */
export async function expandGlob(glob: string | Glob, base: string): Promise<string[]> {
  const parsed = typeof glob === "string" ? new Glob(glob) : glob;
  const found = new Set<string>();
  let entriesRead = 0;
  for (const alt of parsed.alternatives) {
    const prefix: string[] = [];
    let i = 0;
    for (; i < alt.segments.length - 1; i++) {
      const segment = alt.segments[i];
      if (segment.kind === "globstar" || segment.literal === null) break;
      prefix.push(segment.literal);
    }
    const root = alt.absolute ? resolve("/", ...prefix) : resolve(base, ...prefix);
    const rest = alt.segments.slice(i);
    if (rest.every((s) => s.kind === "tokens" && s.literal !== null)) {
      // No wildcard at all: one path.
      const path = join(root, ...rest.map((s) => (s as { literal: string }).literal));
      const info = await Deno.lstat(path).catch(() => null);
      if (info?.isFile) found.add(path);
      continue;
    }
    const walk = async (dir: string, units: string[]): Promise<void> => {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(dir));
      } catch {
        return;
      }
      entriesRead += entries.length;
      if (entriesRead > MAX_ENTRIES) {
        throw new GlobError(
          parsed.pattern,
          `it walks more than ${MAX_ENTRIES} directory entries under "${root}": make it narrower`,
        );
      }
      for (const entry of entries) {
        const path = [...units, entry.name];
        if (entry.isDirectory) {
          if (couldMatchBelow(rest, path)) await walk(join(dir, entry.name), path);
        } else if (
          entry.isFile &&
          wildcardMatch(rest, path, (s) => s.kind === "globstar", segmentMatches)
        ) {
          found.add(join(dir, entry.name));
        }
      }
    };
    await walk(root, []);
  }
  return [...found].sort();
}

/** Whether a directory at `units` can hold a match of `segments` (prunes the walk). */
function couldMatchBelow(segments: readonly Segment[], units: string[]): boolean {
  // Before the first globstar, each directory level must match its segment.
  for (let i = 0; i < units.length; i++) {
    const segment = segments[i];
    if (!segment || i >= segments.length - 1) return false;
    if (segment.kind === "globstar") return true;
    if (!segmentMatches(segment, units[i])) return false;
  }
  return true;
}

/** The paths in `paths` outside `base` (after resolving `..`), for the check that refuses them. */
export function outside(paths: readonly string[], base: string): string[] {
  const root = resolve(base);
  return paths.filter((p) => {
    const rel = relative(root, resolve(p));
    return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  });
}
