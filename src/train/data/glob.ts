/**
 * Minimal glob matching for `files` sources: `**` (any number of directories), `*` and `?` (inside one
 * path segment), `{a,b}` alternatives and `[abc]` classes; paths use "/".
 * @module
 */
import { join, resolve } from "node:path";

/**
 * The regular expression a glob pattern stands for (matched against the whole relative path).
 *
 * @example
 * ```ts
 * globToRegExp("src/**\/*.ts").test("src/a/b.ts"); // true
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:[^/]*/)*" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      braces++;
      out += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      out += ")";
    } else if (c === "," && braces > 0) out += "|";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) out += "\\[";
      else {
        out += `[${glob.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** The leading path segments of a glob that hold no pattern characters. */
function literalPrefix(glob: string): string {
  const segments = glob.split("/");
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?{[]/.test(segment)) break;
    literal.push(segment);
  }
  return literal.join("/");
}

/**
 * The files under `base` whose path (relative to `base`, "/"-separated) matches `glob`, sorted.
 * `..` segments at the start of the glob are allowed. Directories that cannot be read are skipped.
 */
export async function expandGlob(glob: string, base: string): Promise<string[]> {
  const prefix = literalPrefix(glob);
  const root = resolve(base, prefix);
  const pattern = globToRegExp(prefix ? glob.slice(prefix.length + 1) : glob);
  const found: string[] = [];
  async function walk(dir: string, relative: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(join(dir, entry.name), path);
      else if (entry.isFile && pattern.test(path)) found.push(join(root, path));
    }
  }
  await walk(root, "");
  return found.sort();
}
