/**
 * Argument parsing shared by the subcommands (node:util parseArgs, with usage errors in our style).
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `args` with `options` (plus `--help`); unknown flags and missing values become UsageErrors.
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from "./args.ts";
 * const { values, positionals } = parseCommandArgs(["x.recipe", "--json"], { json: { type: "boolean" } });
 * ```
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      (error as Error).message.replace(/^Unknown option/, "Unknown option").split("\n")[0],
    );
  }
}

/** The one recipe file argument of a command. */
export function recipeArgument(positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length
        ? `Expected one recipe file, got ${positionals.length}: "${positionals.join('", "')}"`
        : "Expected a recipe file",
    );
  }
  return positionals[0];
}

/**
 * Where `compile` and `plot` write several plans: `out` must then be a directory (existing, or a new path
 * without the single-file extension `ext`).
 */
export function outputDirectory(out: string, plans: number, ext: string): string {
  let isFile = out.endsWith(ext);
  try {
    isFile ||= Deno.statSync(out).isFile;
  } catch {
    // A new path: it becomes the directory.
  }
  if (isFile) throw new UsageError(`The recipe makes ${plans} plans; give -o a directory, not "${out}"`);
  return out;
}
