/**
 * Names that become file or directory names: a recipe's name (its run directory, its emitted files) and a
 * checkpoint's name (a directory inside the run). Every such name passes through `fileNameProblem` when
 * the recipe is checked, when a plan JSON is read, and again where a consumer turns it into a path, so
 * that no name can reach outside the directory it is meant for.
 * @module
 */
import { InputError } from "./input_error.ts";

/** The longest name, in UTF-16 code units: room for suffixes such as `-proxy-500K` or `_hf_schedule.py`. */
export const MAX_FILE_NAME_LENGTH = 100;

/** Names Windows reserves for devices, with or without an extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Why `name` cannot be used as a file name, or null when it can. Refused: the empty name, separators
 * (`/`, `\`), a leading dot (`.`, `..`, hidden files), characters Windows forbids (`<>:"|?*`), control and
 * line-separator characters, lone surrogates, a trailing space or dot, device names such as `con`, and
 * names longer than {@link MAX_FILE_NAME_LENGTH}.
 *
 * @example
 * ```ts
 * import { fileNameProblem } from "./file_name.ts";
 * console.assert(fileNameProblem("pre-cooldown") === null);
 * console.assert(fileNameProblem("../victim") !== null);
 * ```
 */
export function fileNameProblem(name: string): string | null {
  if (name === "") return "it is empty";
  if (name.length > MAX_FILE_NAME_LENGTH) {
    return `it is ${name.length} characters long, more than the limit of ${MAX_FILE_NAME_LENGTH}`;
  }
  if (/[/\\]/.test(name)) return "it contains a path separator (/ or \\)";
  if (name.startsWith(".")) return "it starts with a dot";
  if (!name.isWellFormed()) return "it contains a lone surrogate (invalid UTF-16)";
  // deno-lint-ignore no-control-regex -- control characters are what this looks for
  const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.exec(name);
  if (control) {
    return `it contains the control character U+${
      control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")
    }`;
  }
  const forbidden = /[<>:"|?*]/.exec(name);
  if (forbidden) return `it contains "${forbidden[0]}", which Windows does not allow in file names`;
  if (/[ .]$/.test(name)) return "it ends with a space or a dot";
  if (RESERVED.test(name)) return `"${name}" is a device name on Windows`;
  return null;
}

/** The hint that goes with a {@link fileNameProblem}. */
export const FILE_NAME_HINT =
  "use letters, digits, '-', '_' and '.' (not first), at most 100 characters, e.g. \"pre-cooldown\"";

/** A name that cannot be a file name, found where a consumer turns it into a path. */
export class FileNameError extends InputError {
  override name = "FileNameError";
}

/**
 * Returns `name` unchanged when it is a safe file name, else throws a {@link FileNameError} that says which
 * name (`what`, e.g. "checkpoint name") is refused and why.
 *
 * @example
 * ```ts
 * import { safeFileName } from "./file_name.ts";
 * console.assert(safeFileName("final", "checkpoint name") === "final");
 * ```
 */
export function safeFileName(name: string, what: string): string {
  const problem = fileNameProblem(name);
  if (problem) {
    throw new FileNameError(`The ${what} ${JSON.stringify(name)} cannot be a file name: ${problem}`);
  }
  return name;
}
