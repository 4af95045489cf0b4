/**
 * The shape of one CLI subcommand. Each subcommand lives in its own file in src/cli/ and is registered in
 * src/cli/main.ts. Commands print results on stdout and diagnostics on stderr, and return the exit code:
 * 0 success, 1 errors in the input, 2 usage errors.
 * @module
 */
import { InputError } from "../diagnostics/input_error.ts";

/** One subcommand of `recipe`. */
export interface Command {
  name: string;
  /** The full `--help` text. */
  help: string;
  /** Runs with the arguments after the subcommand's name; resolves with the exit code. */
  run(args: string[]): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, errors: 1, usage: 2 } as const;

/** Thrown for bad command-line usage; main prints it with the command's help hint and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Errors about the user's input that a command prints as one line, without a stack trace, exiting 1: the
 * library's `InputError`s, and files that are missing, unreadable or not JSON. Anything else (a TypeError,
 * a RangeError, a plain Error) is a bug and keeps its trace.
 */
export function isInputError(error: unknown): error is Error {
  return error instanceof Error && (error instanceof InputError || error instanceof Deno.errors.NotFound ||
    error instanceof Deno.errors.PermissionDenied || error instanceof SyntaxError);
}
