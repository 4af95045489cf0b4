/**
 * Parsing structured config text (JSON, YAML, TOML) into a tree, with a parse error as a ConfigError at
 * its line.
 * @module
 */
import YAML from "yaml";
import { parse as parseToml } from "smol-toml";
import { ConfigError } from "./config_error.ts";

/** The syntaxes a structured config may be written in. */
export type Syntax = "json" | "yaml" | "toml";

/** The syntax of a config file from its name (JSON when it has no telling extension). */
export function syntaxOf(file: string): Syntax {
  if (/\.ya?ml$/i.test(file)) return "yaml";
  if (/\.toml$/i.test(file)) return "toml";
  return "json";
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split("\n").length;
}

/**
 * The tree of a JSON, YAML or TOML config; the top level must be a mapping.
 *
 * @example
 * ```ts
 * import { parseStructured } from "./structured.ts";
 * parseStructured("a: 1\n", "x.yaml", "yaml"); // { a: 1 }
 * ```
 */
export function parseStructured(text: string, file: string, syntax: Syntax): Record<string, unknown> {
  let tree: unknown;
  try {
    if (syntax === "json") tree = JSON.parse(text);
    else if (syntax === "toml") tree = parseToml(text);
    else tree = YAML.parse(text);
  } catch (error) {
    const message = (error as Error).message.split("\n")[0];
    const position = /position (\d+)/.exec(message)?.[1];
    const known = error as { line?: number; linePos?: { line: number }[] };
    const line = known.line ?? known.linePos?.[0]?.line ??
      Number(/line (\d+)/.exec(message)?.[1] ?? (position ? lineAt(text, Number(position)) : 1));
    throw new ConfigError(file, line, "(file)", `not valid ${syntax.toUpperCase()}: ${message}`);
  }
  if (typeof tree !== "object" || tree === null || Array.isArray(tree)) {
    throw new ConfigError(file, 1, "(file)", `expected a ${syntax.toUpperCase()} mapping of settings`);
  }
  return tree as Record<string, unknown>;
}
