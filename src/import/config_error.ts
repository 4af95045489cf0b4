/**
 * The one error an import reports: a trainer config that is not valid for its trainer, a value the
 * trainer would reject, or a schedule the recipe language cannot hold, named by file, line and key.
 * @module
 */

/**
 * A problem with the imported config, as one line: `file:line: key: what is wrong`.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./config_error.ts";
 * const error = new ConfigError("run.json", 3, "max_steps", "expected a whole number of updates, got \"ten\"");
 * error.message; // 'run.json:3: max_steps: expected a whole number of updates, got "ten"'
 * ```
 */
export class ConfigError extends Error {
  constructor(
    /** The config file, as given. */
    readonly file: string,
    /** 1-based line of the key, or 0 when the file has no such line (a missing key). */
    readonly line: number,
    /** The key, in the trainer's spelling (`--lr-decay-style`, `optimizer.weight_decay`). */
    readonly key: string,
    /** What is wrong and what would be right. */
    readonly problem: string,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${key}: ${problem}`);
    this.name = "ConfigError";
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The 1-based line where `key` (the last part of a dotted path) is written in `text`, as a JSON key
 * (`"key"`), a YAML or TOML key (`key:`, `key =`) or a Python dict key (`'key':`); 0 when absent.
 *
 * @example
 * ```ts
 * import { lineOf } from "./config_error.ts";
 * lineOf('{\n  "max_steps": 10\n}', "max_steps"); // 2
 * ```
 */
export function lineOf(text: string, key: string): number {
  const last = escape(key.split(".").at(-1)!.replace(/\[\d+\]$/, ""));
  const pattern = new RegExp(`(["']${last}["']\\s*:|^\\s*-?\\s*${last}\\s*[:=])`, "m");
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index + match[0].search(/\S/)).split("\n").length : 0;
}
