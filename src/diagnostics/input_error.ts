/**
 * The error class of problems in what the user gave (a file, a plan, a run directory, an option): the CLI
 * prints its message as one line and exits 1. Any other error is a fault of the program and keeps its
 * stack trace.
 * @module
 */

/**
 * A problem in the user's input, with a message that says what is wrong and what would be right.
 *
 * @example
 * ```ts
 * import { InputError } from "./input_error.ts";
 * const error = new InputError('Plan file "x.json" does not exist');
 * console.assert(error instanceof Error && error.name === "InputError");
 * ```
 */
export class InputError extends Error {
  override name = "InputError";
}
